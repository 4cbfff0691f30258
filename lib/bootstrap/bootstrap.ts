/**
 * The tenant bootstrap program: the runbook's "Tenant Configuration" and "Create a queue" `curl` calls, made
 * idempotent and safe to re-run. It follows `BOOTSTRAP-API.md` (the contract) and runs inside a Kubernetes
 * Job as `node bootstrap.js`, next to the tenant's plan (JSON).
 *
 * Self-contained on purpose: synth embeds the built file in a ConfigMap and the Job runs it on a plain
 * `node` image, so it may import Node built-ins only (the `import type` below is erased).
 *
 * Exit status: 0 when the tenant is fully bootstrapped; 1 when a transient failure outlasted the deadline
 * (re-running the Job can fix it); 2 when retrying cannot fix it (bad input, bad credentials, a state only an
 * operator can resolve). The reason is the last line written to standard error; progress lines go to
 * standard output, one per step. No secret is ever printed.
 *
 * Sections: settings, errors, HTTP transport with retry and deadline, ClearML client, Kubernetes Secrets
 * client, steps, entry points.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { BootstrapPlan } from './plan';

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------

/** Production defaults; the environment overrides them (contract, section 5, plus the tuning variables). */
export const DEFAULTS = {
  kubernetesApiUrl: 'https://kubernetes.default.svc',
  kubernetesTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  kubernetesCaFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
  /** `BOOTSTRAP_DEADLINE_SECONDS`: no retry starts after it. */
  deadlineSeconds: 300,
  /**
   * `BOOTSTRAP_GRACE_SECONDS`: extra time past the deadline to record (ledger, credentials Secret) or undo
   * (revoke) something this run has just created, so that a run close to its deadline does not leave it behind.
   */
  graceSeconds: 60,
  /** `BOOTSTRAP_REQUEST_TIMEOUT_MS`: each request's own time-out. */
  requestTimeoutMs: 10_000,
  /** `BOOTSTRAP_RETRY_BASE_MS`: first back-off delay; it doubles on each retry. */
  retryBaseMs: 500,
  /** `BOOTSTRAP_RETRY_MAX_MS`: back-off cap. */
  retryMaxMs: 30_000,
} as const;

/** Names and keys of the Secrets of the contract, section 3 (kept equal to `BOOTSTRAP_SECRETS` in plan.ts). */
export const SECRETS = {
  ledger: { name: 'clearml-tenant-bootstrap', companyKey: 'company_id', adminKey: 'admin_user_id' },
  admin: { name: 'clearml-admin-credentials', accessKey: 'access_key', secretKey: 'secret_key', label: 'clearml-tenancy:admin' },
  agent: { name: 'clearml-agent-credentials', accessKey: 'agentk8sglue_key', secretKey: 'agentk8sglue_secret', label: 'clearml-tenancy:agent' },
  router: { name: 'clearml-router-credentials', accessKey: 'access_key', secretKey: 'secret_key', label: 'clearml-tenancy:router' },
} as const;

/** Labels of the credentials the bootstrap makes; it revokes no other key. */
export const OWN_LABELS: readonly string[] = [SECRETS.admin.label, SECRETS.agent.label, SECRETS.router.label];

export interface Settings {
  readonly apiUrl: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly plan: BootstrapPlan;
  readonly kubernetesApiUrl: string;
  readonly kubernetesTokenFile: string;
  /** PEM text of the cluster CA; undefined with an `http://` Kubernetes URL. */
  readonly kubernetesCa?: string;
  readonly requestTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly deadlineMs: number;
  readonly graceMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks the environment and the plan file; every problem is reported at once. */
export function settingsFromEnv(env: Env): Settings {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set`);
    return value ?? '';
  };
  const url = (name: string, value: string): string => {
    if (value !== '' && !/^https?:\/\/[^\s/]+/.test(value)) problems.push(`${name} must be an http:// or https:// URL, got "${value}"`);
    return value.replace(/\/+$/, '');
  };
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      problems.push(`${name} must be a positive number, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const apiUrl = url('CLEARML_API_URL', required('CLEARML_API_URL'));
  const accessKey = required('CLEARML_API_ACCESS_KEY');
  const secretKey = required('CLEARML_API_SECRET_KEY');
  const planFile = required('BOOTSTRAP_PLAN_FILE');
  const kubernetesApiUrl = url('KUBERNETES_API_URL', env.KUBERNETES_API_URL || DEFAULTS.kubernetesApiUrl);
  const kubernetesTokenFile = env.KUBERNETES_TOKEN_FILE || DEFAULTS.kubernetesTokenFile;
  let kubernetesCa: string | undefined;
  if (kubernetesApiUrl.startsWith('https:')) {
    const caFile = env.KUBERNETES_CA_FILE || DEFAULTS.kubernetesCaFile;
    try {
      kubernetesCa = readFileSync(caFile, 'utf8');
    } catch (e) {
      problems.push(`cannot read the Kubernetes CA file ${caFile} (KUBERNETES_CA_FILE): ${errorText(e)}`);
    }
  }
  let plan: BootstrapPlan | undefined;
  if (planFile !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(planFile, 'utf8'));
    } catch (e) {
      problems.push(`cannot read the plan ${planFile} (BOOTSTRAP_PLAN_FILE): ${errorText(e)}`);
    }
    if (parsed !== undefined) plan = checkPlan(parsed, planFile, problems);
  }
  const settings = {
    apiUrl,
    accessKey,
    secretKey,
    kubernetesApiUrl,
    kubernetesTokenFile,
    kubernetesCa,
    requestTimeoutMs: positive('BOOTSTRAP_REQUEST_TIMEOUT_MS', DEFAULTS.requestTimeoutMs),
    retryBaseMs: positive('BOOTSTRAP_RETRY_BASE_MS', DEFAULTS.retryBaseMs),
    retryMaxMs: positive('BOOTSTRAP_RETRY_MAX_MS', DEFAULTS.retryMaxMs),
    deadlineMs: positive('BOOTSTRAP_DEADLINE_SECONDS', DEFAULTS.deadlineSeconds) * 1000,
    graceMs: positive('BOOTSTRAP_GRACE_SECONDS', DEFAULTS.graceSeconds) * 1000,
  };
  if (problems.length > 0 || plan === undefined) throw new FatalError(`invalid settings: ${problems.join('; ')}`);
  return { ...settings, plan };
}

/** Checks the plan's shape (synth wrote it, so a problem here is a bug or a hand-edited ConfigMap). */
export function checkPlan(x: unknown, file: string, problems: string[]): BootstrapPlan | undefined {
  const before = problems.length;
  const at = (path: string, want: string, got: unknown) => problems.push(`${file}: ${path} must be ${want}, got ${JSON.stringify(got)}`);
  const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(x)) {
    at('the plan', 'a JSON object', x);
    return undefined;
  }
  if (!isString(x.tenant)) at('tenant', 'a non-empty string', x.tenant);
  if (!isString(x.namespace)) at('namespace', 'a non-empty string', x.namespace);
  if (!isObject(x.admin) || !isString(x.admin.name) || !isString(x.admin.email)) at('admin', 'an object with a name and an email', x.admin);
  for (const field of ['companyDefaults', 'companySettings']) {
    const v = x[field];
    if (!isObject(v)) {
      at(field, 'an object', v);
      continue;
    }
    for (const list of ['features', 'exclude_features']) if (v[list] !== undefined && !isStrings(v[list])) at(`${field}.${list}`, 'a list of names', v[list]);
    const users = v.allowed_users;
    if (users !== undefined && !(Number.isInteger(users) && (users as number) > 0)) at(`${field}.allowed_users`, 'a positive integer', users);
  }
  if (!isStrings(x.domains)) at('domains', 'a list of domain names', x.domains);
  if (!isStrings(x.queues)) at('queues', 'a list of queue names', x.queues);
  return problems.length === before ? (x as unknown as BootstrapPlan) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/** Retrying cannot fix it (exit 2). */
export class FatalError extends Error {}

/** A failure that a later attempt may not have (5xx, 429, reset, time-out); retried. */
export class TransientError extends Error {}

/** A transient failure outlasted the deadline (exit 1: re-running the Job may succeed). */
export class GaveUpError extends Error {}

/** The run was stopped from outside (SIGTERM); exit 1. */
export class AbortedError extends Error {}

/** A ClearML error answer that is not transient; callers handle the ones they expect (801). */
export class ClearmlError extends FatalError {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly subcode: number,
    readonly resultMsg: string,
  ) {
    super(`${action} failed: ${status}/${subcode} ${resultMsg}`);
  }
}

/** An error's message on one line (texts from the network are shortened where they come in). */
function errorText(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e), Infinity);
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP transport, with a per-request time-out, retries with capped exponential back-off and jitter, and an
// overall deadline
// ---------------------------------------------------------------------------------------------------------

interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** What every request of one run shares: timing settings, the deadline and the stop signal. */
class RunContext {
  readonly deadline: number;
  readonly graceDeadline: number;

  constructor(
    readonly settings: Settings,
    readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = Date.now() + settings.deadlineMs;
    this.graceDeadline = this.deadline + settings.graceMs;
  }

  checkAborted(): void {
    if (this.signal?.aborted) throw new AbortedError('stopped from outside (SIGTERM) before finishing');
  }
}

/** One HTTP exchange. Network failures and time-outs reject with a TransientError, TLS trust failures fatally. */
function send(ctx: RunContext, url: string, method: string, headers: Record<string, string>, body: string | undefined, ca?: string): Promise<HttpAnswer> {
  ctx.checkAborted();
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(answer as HttpAnswer);
    };
    const target = new URL(url);
    const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const allHeaders: Record<string, string> = { Accept: 'application/json', ...headers };
    if (body !== undefined) {
      allHeaders['Content-Type'] = 'application/json';
      allHeaders['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = requestFn(target, { method, headers: allHeaders, agent: false, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (e) => settle(new TransientError(`${method} ${url}: answer broken off (${errorText(e)})`)));
      res.on('close', () => {
        if (!res.complete) settle(new TransientError(`${method} ${url}: answer broken off`));
      });
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    const timer = setTimeout(() => {
      settle(new TransientError(`${method} ${url}: no answer within ${ctx.settings.requestTimeoutMs} ms`));
      req.destroy();
    }, ctx.settings.requestTimeoutMs);
    const onAbort = () => {
      settle(new AbortedError('stopped from outside (SIGTERM) before finishing'));
      req.destroy();
    };
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      if (/CERT|SELF_SIGNED|ERR_TLS/.test(code)) settle(new FatalError(`${method} ${url}: TLS trust failure (${code}): ${errorText(e)}`));
      else settle(new TransientError(`${method} ${url}: ${code || errorText(e)}`));
    });
    req.end(body);
  });
}

/** Exponential back-off with jitter, capped, that gives up at a deadline. */
class Backoff {
  private attempts = 0;
  private readonly started = Date.now();

  constructor(
    private readonly ctx: RunContext,
    private readonly what: string,
    private readonly deadline: number = ctx.deadline,
  ) {}

  /** Waits before the next attempt after `error`, or throws GaveUpError when the deadline would pass. */
  async wait(error: Error, retryAfterMs = 0): Promise<void> {
    this.attempts += 1;
    const { retryBaseMs, retryMaxMs } = this.ctx.settings;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(this.attempts - 1, 30));
    const delay = Math.min(retryMaxMs, Math.max(retryAfterMs, ceiling / 2 + Math.random() * (ceiling / 2)));
    if (Date.now() + delay > this.deadline) {
      const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
      throw new GaveUpError(`${this.what}: gave up after ${this.attempts} attempts in ${seconds} s (deadline reached); last error: ${errorText(error)}`);
    }
    this.ctx.checkAborted();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError('stopped from outside (SIGTERM) before finishing'));
      };
      const timer = setTimeout(() => {
        this.ctx.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      this.ctx.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Runs `attempt` until it succeeds, retrying transient failures only. */
async function withRetry<T>(ctx: RunContext, what: string, attempt: () => Promise<T>, deadline?: number): Promise<T> {
  const backoff = new Backoff(ctx, what, deadline);
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof TransientError)) throw e;
      await backoff.wait(e, retryAfterMs(e));
    }
  }
}

/** A 429's `Retry-After`, carried on the error. */
class ThrottledError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

function retryAfterMs(e: Error): number {
  return e instanceof ThrottledError ? e.retryAfterMs : 0;
}

/** Classifies an HTTP status that means "try again later" (5xx, 429, 408), whatever the body. */
function transientStatus(what: string, answer: HttpAnswer): TransientError | undefined {
  const { status } = answer;
  if (status < 500 && status !== 429 && status !== 408) return undefined;
  const message = `${what}: HTTP ${status} ${oneLine(answer.body, 120)}`.trim();
  if (status === 429) {
    const seconds = Number(answer.headers['retry-after']);
    return new ThrottledError(message, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0);
  }
  return new TransientError(message);
}

// ---------------------------------------------------------------------------------------------------------
// ClearML client (contract, section 1)
// ---------------------------------------------------------------------------------------------------------

interface As {
  /** `X-Clearml-Impersonate-As`: run as that user. */
  readonly impersonate?: string;
  /** `X-Clearml-Act-As`: run in that user's company with the supervisor's role. */
  readonly actAs?: string;
}

interface Envelope {
  readonly meta: { readonly result_code: number; readonly result_subcode?: number; readonly result_msg?: string };
  readonly data?: unknown;
}

function isEnvelope(x: unknown): x is Envelope {
  return typeof x === 'object' && x !== null && typeof (x as Envelope).meta === 'object' && (x as Envelope).meta !== null && typeof (x as Envelope).meta.result_code === 'number';
}

export interface Credentials {
  readonly access_key: string;
  readonly secret_key: string;
}

class ClearmlClient {
  private readonly authorization: string;

  constructor(private readonly ctx: RunContext) {
    const { accessKey, secretKey } = ctx.settings;
    this.authorization = `Basic ${Buffer.from(`${accessKey}:${secretKey}`).toString('base64')}`;
  }

  /** One attempt of `service.action`: the answer's `data`, or an error (transient, ClearmlError or fatal). */
  async once<T>(action: string, body: object, as: As = {}): Promise<T> {
    const headers: Record<string, string> = { Authorization: this.authorization };
    if (as.impersonate) headers['X-Clearml-Impersonate-As'] = as.impersonate;
    if (as.actAs) headers['X-Clearml-Act-As'] = as.actAs;
    const answer = await send(this.ctx, `${this.ctx.settings.apiUrl}/${action}`, 'POST', headers, JSON.stringify(body));
    const transient = transientStatus(action, answer);
    if (transient) throw transient;
    let envelope: unknown;
    try {
      envelope = JSON.parse(answer.body);
    } catch {
      envelope = undefined;
    }
    if (!isEnvelope(envelope)) {
      // A 2xx without an envelope is a broken answer (retry); anything else is not the apiserver at all.
      const text = `${action}: HTTP ${answer.status} without a ClearML answer (${oneLine(answer.body, 120) || 'empty body'})`;
      if (answer.status >= 200 && answer.status < 300) throw new TransientError(text);
      throw new FatalError(`${text}; is CLEARML_API_URL (${this.ctx.settings.apiUrl}) the apiserver?`);
    }
    const { result_code: code, result_subcode: subcode = 0, result_msg: msg = '' } = envelope.meta;
    if (code === 200) return (envelope.data ?? {}) as T;
    if (code >= 500 || code === 429) throw new TransientError(`${action}: ${code}/${subcode} ${oneLine(msg, 200)}`);
    const accessKey = this.ctx.settings.accessKey;
    if (code === 401) {
      throw new FatalError(`ClearML rejected the supervisor credentials (access key ${accessKey}) on ${action}: ${code}/${subcode} ${oneLine(msg, 200)}; check the supervisor credentials Secret`);
    }
    if (code === 403) {
      throw new FatalError(`ClearML refused ${action} for the supervisor (access key ${accessKey}): ${code}/${subcode} ${oneLine(msg, 200)}; the supervisor needs role "system"`);
    }
    throw new ClearmlError(action, code, subcode, oneLine(msg, 200));
  }

  /** `service.action` for a call that is safe to repeat, retried on transient failures. */
  call<T>(action: string, body: object, as: As = {}, deadline?: number): Promise<T> {
    return withRetry(this.ctx, action, () => this.once<T>(action, body, as), deadline);
  }
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof ClearmlError && e.status === 400 && e.subcode === 801;
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes Secrets client (contract, section 2)
// ---------------------------------------------------------------------------------------------------------

type SecretData = Readonly<Record<string, string>>;

/** What happened when creating a Secret: made by this run, or found (made by another run) with that data. */
type SecretOutcome = { readonly created: true } | { readonly created: false; readonly existing: SecretData };

class KubernetesSecrets {
  constructor(
    private readonly ctx: RunContext,
    readonly namespace: string,
  ) {}

  private headers(): Record<string, string> {
    const file = this.ctx.settings.kubernetesTokenFile;
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim(); // read each time: projected tokens are rotated
    } catch (e) {
      throw new FatalError(`cannot read the service account token ${file} (KUBERNETES_TOKEN_FILE): ${errorText(e)}`);
    }
    return { Authorization: `Bearer ${token}` };
  }

  private url(name?: string): string {
    const base = `${this.ctx.settings.kubernetesApiUrl}/api/v1/namespaces/${encodeURIComponent(this.namespace)}/secrets`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  private refusal(verb: string, name: string, answer: HttpAnswer): FatalError {
    let message = oneLine(answer.body, 200);
    try {
      const status = JSON.parse(answer.body) as { message?: unknown };
      if (typeof status.message === 'string') message = oneLine(status.message, 200);
    } catch {
      // not a Status object: keep the text
    }
    const hint = answer.status === 401 || answer.status === 403 ? '; check the Job\'s ServiceAccount, Role and RoleBinding' : '';
    return new FatalError(`Kubernetes refused to ${verb} Secret ${this.namespace}/${name}: HTTP ${answer.status} ${message}${hint}`);
  }

  /** The Secret's decoded data, or undefined when it does not exist. Retried. */
  get(name: string, deadline?: number): Promise<SecretData | undefined> {
    return withRetry(
      this.ctx,
      `get Secret ${this.namespace}/${name}`,
      async () => {
        const answer = await send(this.ctx, this.url(name), 'GET', this.headers(), undefined, this.ctx.settings.kubernetesCa);
        const transient = transientStatus(`get Secret ${this.namespace}/${name}`, answer);
        if (transient) throw transient;
        if (answer.status === 404) return undefined;
        if (answer.status !== 200) throw this.refusal('get', name, answer);
        return decodeSecret(this.namespace, name, answer.body);
      },
      deadline,
    );
  }

  /**
   * Creates the Secret once. A 409, or a failed attempt after which the Secret exists, means it is there
   * already: when its data equals ours, an earlier attempt of this run made it (its answer was lost);
   * otherwise another run was first, and its data is returned.
   */
  async create(name: string, data: SecretData, deadline?: number): Promise<SecretOutcome> {
    const what = `create Secret ${this.namespace}/${name}`;
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'clearml-tenancy-bootstrap' } },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
    });
    const found = (existing: SecretData): SecretOutcome => (sameData(existing, data) ? { created: true } : { created: false, existing });
    const backoff = new Backoff(this.ctx, what, deadline);
    for (;;) {
      let error: TransientError;
      try {
        const answer = await send(this.ctx, this.url(), 'POST', this.headers(), body, this.ctx.settings.kubernetesCa);
        const transient = transientStatus(what, answer);
        if (transient) throw transient;
        if (answer.status === 200 || answer.status === 201 || answer.status === 202) return { created: true };
        if (answer.status !== 409) throw this.refusal('create', name, answer);
        const existing = await this.get(name, deadline);
        if (existing === undefined) throw new TransientError(`${what}: HTTP 409, yet the Secret is not there`);
        return found(existing);
      } catch (e) {
        if (!(e instanceof TransientError)) throw e;
        error = e;
      }
      await backoff.wait(error, retryAfterMs(error));
      // The failed attempt may have been applied: look before posting again.
      const existing = await this.get(name, deadline);
      if (existing !== undefined) return found(existing);
    }
  }
}

function decodeSecret(namespace: string, name: string, body: string): SecretData {
  let secret: { data?: Record<string, unknown> };
  try {
    secret = JSON.parse(body);
  } catch {
    throw new TransientError(`get Secret ${namespace}/${name}: unreadable answer`);
  }
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return data;
}

function sameData(a: SecretData, b: SecretData): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}

function requireKeys(namespace: string, name: string, data: SecretData, keys: readonly string[]): void {
  const missing = keys.filter((k) => !data[k]);
  if (missing.length > 0) {
    throw new FatalError(`Secret ${namespace}/${name} exists but lacks ${missing.map((k) => `"${k}"`).join(', ')}; delete it and re-run the Job if it was not made by the bootstrap`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------------------

export interface Output {
  /** A progress line (standard output). */
  out(line: string): void;
  /** An error line (standard error). */
  err(line: string): void;
}

/**
 * Finds a thing, or creates it. A create is never retried blindly: after a failed attempt (which may have
 * been applied, its answer lost) or a 801 (someone else made it), it looks again first.
 */
async function findOrCreate<T>(ctx: RunContext, what: string, find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<{ value: T; created: boolean }> {
  const backoff = new Backoff(ctx, `create ${what}`);
  let uniqueViolations = 0;
  for (;;) {
    const found = await find();
    if (found !== undefined) return { value: found, created: false };
    let error: TransientError;
    try {
      return { value: await create(), created: true };
    } catch (e) {
      if (isUniqueViolation(e)) {
        uniqueViolations += 1;
        if (uniqueViolations > 1) throw new FatalError(`ClearML says ${what} exists (801), yet it cannot be found`);
        continue;
      }
      if (!(e instanceof TransientError)) throw e;
      error = e;
    }
    await backoff.wait(error, retryAfterMs(error));
  }
}

interface Company {
  readonly id: string;
  readonly name: string;
}

interface Queue {
  readonly id: string;
  readonly name: string;
}

interface CredentialInfo {
  readonly access_key: string;
  readonly label?: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function pick<T extends object>(source: T, keys: readonly (keyof T)[]): Partial<T> {
  const result: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

/** Runs every step; throws on failure. */
export async function bootstrap(settings: Settings, output: Output, signal?: AbortSignal): Promise<void> {
  const ctx = new RunContext(settings, signal);
  const { plan } = settings;
  const ns = plan.namespace;
  const clearml = new ClearmlClient(ctx);
  const secrets = new KubernetesSecrets(ctx, ns);
  const say = output.out;

  // The ledger: ids recorded by the run that created the company and the admin.
  const ledger = await secrets.get(SECRETS.ledger.name);
  if (ledger) requireKeys(ns, SECRETS.ledger.name, ledger, [SECRETS.ledger.companyKey, SECRETS.ledger.adminKey]);

  // 1. The company, with its defaults.
  const findCompany = async (): Promise<Company | undefined> => {
    const { companies = [] } = await clearml.call<{ companies?: Company[] }>('system.get_companies', {});
    const named = companies.filter((c) => c.name === plan.tenant);
    if (named.length > 1) {
      throw new FatalError(`ClearML has ${named.length} companies named "${plan.tenant}" (${named.map((c) => c.id).join(', ')}); keep one and re-run the Job`);
    }
    return named[0];
  };
  let company: Company;
  if (ledger) {
    const found = await findCompany();
    const recorded = ledger[SECRETS.ledger.companyKey];
    if (found?.id !== recorded) {
      throw new FatalError(
        `the ledger Secret ${ns}/${SECRETS.ledger.name} records company ${recorded}, but ${found ? `the company named "${plan.tenant}" is ${found.id}` : `no company is named "${plan.tenant}"`}; ` +
          'resolve it in ClearML or delete the ledger Secret if it is stale',
      );
    }
    company = found;
    say(`company "${plan.tenant}": exists (id ${company.id})`);
  } else {
    const defaults = pick(plan.companyDefaults, ['allowed_users', 'features', 'exclude_features']);
    const result = await findOrCreate(ctx, `company "${plan.tenant}"`, findCompany, async () => {
      const { id } = await clearml.once<{ id: string }>('system.create_company', Object.keys(defaults).length > 0 ? { name: plan.tenant, defaults } : { name: plan.tenant });
      return { id, name: plan.tenant };
    });
    company = result.value;
    say(`company "${plan.tenant}": ${result.created ? 'created' : 'exists'} (id ${company.id})`);
  }

  // 2. Company settings (setting a value again changes nothing).
  const companySettings = pick(plan.companySettings, ['features', 'exclude_features', 'allowed_users']);
  if (Object.keys(companySettings).length > 0) {
    await clearml.call('system.update_company_settings', { company: company.id, ...companySettings });
    say(`company settings: updated (${Object.keys(companySettings).sort().join(', ')})`);
  } else {
    say('company settings: exists (none in the plan)');
  }

  // 3. The admin user, created once, then the ledger.
  let adminId: string;
  if (ledger) {
    adminId = ledger[SECRETS.ledger.adminKey];
    say(`admin user ${plan.admin.email}: exists (id ${adminId}, from the ledger)`);
  } else {
    try {
      ({ id: adminId } = await clearml.call<{ id: string }>('auth.create_user', { name: plan.admin.name, company: company.id, email: plan.admin.email, role: 'admin' }));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new FatalError(
        `the admin e-mail ${plan.admin.email} is already a ClearML user, but the ledger Secret ${ns}/${SECRETS.ledger.name} does not exist, so the bootstrap cannot tell ` +
          'whether that user is this tenant\'s admin and will not create a second one. If it is (an earlier run created it and stopped before writing the ledger), ' +
          `record it: kubectl -n ${ns} create secret generic ${SECRETS.ledger.name} --from-literal=${SECRETS.ledger.companyKey}=${company.id} ` +
          `--from-literal=${SECRETS.ledger.adminKey}=<that user's id>; otherwise give tenant "${plan.tenant}" another admin e-mail`,
      );
    }
    say(`admin user ${plan.admin.email}: created (id ${adminId})`);
    const record = { [SECRETS.ledger.companyKey]: company.id, [SECRETS.ledger.adminKey]: adminId };
    let outcome: SecretOutcome;
    try {
      outcome = await secrets.create(SECRETS.ledger.name, record, ctx.graceDeadline);
    } catch (e) {
      throw rethrowWithContext(
        e,
        `could not write the ledger Secret ${ns}/${SECRETS.ledger.name} after creating the admin user: ${errorText(e)}. ` +
          `Record it before re-running: kubectl -n ${ns} create secret generic ${SECRETS.ledger.name} --from-literal=${SECRETS.ledger.companyKey}=${company.id} --from-literal=${SECRETS.ledger.adminKey}=${adminId}`,
      );
    }
    if (!outcome.created) {
      throw new FatalError(`another run wrote the ledger Secret ${ns}/${SECRETS.ledger.name} with other ids (${JSON.stringify(outcome.existing)}) than this run's company ${company.id} and admin ${adminId}`);
    }
    say(`ledger Secret ${ns}/${SECRETS.ledger.name}: created`);
  }

  // 4. Credentials of the admin (admin, agent, router), each created and stored once; orphans revoked.
  const asAdmin: As = { impersonate: adminId };
  const listKeys = async (): Promise<CredentialInfo[]> => (await clearml.call<{ credentials?: CredentialInfo[] }>('auth.get_credentials', {}, asAdmin)).credentials ?? [];
  const revoke = (accessKey: string, deadline?: number) => clearml.call('auth.revoke_credentials', { access_key: accessKey }, asAdmin, deadline);
  const alive = new Set((await listKeys()).map((k) => k.access_key));
  const stored = new Set<string>();
  for (const kind of ['admin', 'agent', 'router'] as const) {
    const spec = SECRETS[kind];
    const where = `${kind} credentials Secret ${ns}/${spec.name}`;
    const existing = await secrets.get(spec.name);
    if (existing) {
      requireKeys(ns, spec.name, existing, [spec.accessKey, spec.secretKey]);
      const key = existing[spec.accessKey];
      if (!alive.has(key)) {
        throw new FatalError(`${where} holds access key ${key}, which is not a live key of the tenant admin ${adminId}; delete the Secret and re-run the Job to make new credentials`);
      }
      stored.add(key);
      say(`${where}: exists (access key ${key})`);
      continue;
    }
    const { credentials } = await clearml.call<{ credentials: Credentials }>('auth.create_credentials', { label: spec.label }, asAdmin);
    let outcome: SecretOutcome;
    try {
      outcome = await secrets.create(spec.name, { [spec.accessKey]: credentials.access_key, [spec.secretKey]: credentials.secret_key }, ctx.graceDeadline);
    } catch (e) {
      // Not stored: undo now if possible (the next run revokes it otherwise, by its label).
      if (e instanceof AbortedError) throw e;
      const undone = await revoke(credentials.access_key, ctx.graceDeadline).then(
        () => 'revoked',
        () => 'not revoked yet: the next run revokes it',
      );
      throw rethrowWithContext(e, `could not store the new ${kind} credentials (access key ${credentials.access_key}, ${undone}) in ${where}: ${errorText(e)}`);
    }
    if (outcome.created) {
      stored.add(credentials.access_key);
      say(`${where}: created (access key ${credentials.access_key})`);
    } else {
      await revoke(credentials.access_key, ctx.graceDeadline);
      requireKeys(ns, spec.name, outcome.existing, [spec.accessKey, spec.secretKey]);
      stored.add(outcome.existing[spec.accessKey]);
      say(`${where}: exists (access key ${outcome.existing[spec.accessKey]}; another run stored it first, revoked the key just made: ${credentials.access_key})`);
    }
  }
  const keys = await listKeys();
  const orphans = keys.filter((k) => k.label !== undefined && OWN_LABELS.includes(k.label) && !stored.has(k.access_key)).map((k) => k.access_key);
  for (const key of orphans) await revoke(key);
  if (orphans.length > 0) say(`orphaned credentials: updated (revoked ${orphans.join(', ')})`);
  const live = new Set(keys.map((k) => k.access_key));
  const dead = [...stored].filter((k) => !live.has(k));
  if (dead.length > 0) throw new FatalError(`stored access keys ${dead.join(', ')} are no longer live in ClearML; delete their Secrets and re-run the Job`);

  // 5. SSO domains (setting them again changes nothing).
  if (plan.domains.length > 0) {
    await clearml.call('login.set_domains', { domains: plan.domains }, { actAs: adminId });
    say(`sso domains: updated (${plan.domains.join(', ')})`);
  } else {
    say('sso domains: exists (none in the plan)');
  }

  // 6. Queues.
  for (const name of plan.queues) {
    const result = await findOrCreate(
      ctx,
      `queue "${name}"`,
      async () => {
        const { queues = [] } = await clearml.call<{ queues?: Queue[] }>('queues.get_all', { name: `^${escapeRegex(name)}$` }, asAdmin);
        return queues.find((q) => q.name === name);
      },
      async () => ({ id: (await clearml.once<{ id: string }>('queues.create', { name }, asAdmin)).id, name }),
    );
    say(`queue "${name}": ${result.created ? 'created' : 'exists'} (id ${result.value.id})`);
  }
  say(`tenant "${plan.tenant}": bootstrapped`);
}

/** The same kind of error (fatal, gave up, aborted) with a message that says more. */
function rethrowWithContext(e: unknown, message: string): Error {
  if (e instanceof AbortedError) return e;
  if (e instanceof GaveUpError) return new GaveUpError(message);
  return new FatalError(message);
}

// ---------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------

/** Exit status of a run. */
export const EXIT = { ok: 0, retryable: 1, fatal: 2 } as const;

/** Runs the bootstrap with this environment; never throws, answers the exit status. */
export async function run(env: Env, output: Output, signal?: AbortSignal): Promise<number> {
  try {
    await bootstrap(settingsFromEnv(env), output, signal);
    return EXIT.ok;
  } catch (e) {
    output.err(`bootstrap failed: ${errorText(e)}`);
    return e instanceof GaveUpError || e instanceof AbortedError || e instanceof TransientError ? EXIT.retryable : EXIT.fatal;
  }
}

function main(): void {
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const output: Output = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  void run(process.env, output, stop.signal).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
