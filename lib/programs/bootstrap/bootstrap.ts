/**
 * The tenant bootstrap program: the runbook's "Tenant Configuration" and "Create a queue" `curl` calls, made
 * idempotent and safe to re-run, plus the tenant's lifecycle (rotation, suspension, decommissioning). It
 * follows version 2 of the bootstrap contract, sections 1 to 7 (docs/bootstrap-contract.md says what it
 * implements) and runs inside a Kubernetes Job as `node bootstrap.js`, next to the tenant's plan (JSON).
 *
 * One file on purpose: synth embeds the built file in a ConfigMap and the Job runs it on a plain `node`
 * image, so it imports Node built-ins and its own modules only (the shared HTTP and Kubernetes client in
 * ../common/), which `scripts/build.mjs` bundles into it (lib/programs/bundle.ts).
 *
 * Exit status (the convention of every program, ../common/exit-codes.ts): 0 when the tenant is fully
 * bootstrapped (every target included); 1 when a transient failure outlasted the deadline or a target could
 * not be reached (re-running the Job can fix it); 2 when retrying cannot fix it (bad input, bad credentials, a
 * state only an operator can resolve). The reason is the last line written to standard error; progress lines
 * go to standard output, one per step. No secret is ever printed.
 *
 * Sections: settings (plan and targets checks), errors, the run's timing, ClearML client, steps (credentials
 * per place: the tenant namespace and each target cluster), entry points.
 */
import { readFileSync } from 'node:fs';
import { AbortedError, GaveUpError, PermanentError, TransientError, errorText, exitCodeOf, oneLine } from '../common/errors';
import { EXIT } from '../common/exit-codes';
import { BOOTSTRAP_JOB_DEFAULTS } from './job-defaults';
import { Backoff, MAX_ANSWER_BYTES, RetryPolicy, send, transientStatus, withRetry } from '../common/http';
import { KubernetesClient, KubernetesEndpoint, ReplaceOutcome, SecretOutcome, Secrets, SERVICE_ACCOUNT, StoredSecret } from '../common/kubernetes';
import type { BootstrapPlan, BootstrapState, BootstrapTarget, BootstrapWhitelistEntry } from './plan';

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------

/** Production defaults; the environment overrides them (contract, section 5, plus the tuning variables). */
export const DEFAULTS = {
  kubernetesApiUrl: 'https://kubernetes.default.svc',
  kubernetesTokenFile: SERVICE_ACCOUNT.tokenFile,
  kubernetesCaFile: SERVICE_ACCOUNT.caFile,
  /** `BOOTSTRAP_DEADLINE_SECONDS`: no retry starts after it (the Job's default, lib/programs/bootstrap/job-defaults.ts). */
  deadlineSeconds: BOOTSTRAP_JOB_DEFAULTS.deadlineSeconds,
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
  /** `BOOTSTRAP_PAGE_SIZE`: page size of `users.get_all`. */
  pageSize: 100,
} as const;

/** An answer body larger than this is an error; reading stops there (contract, section 1; the shared client's cap). */
export { MAX_ANSWER_BYTES };

/** Stop paging `users.get_all` after this many pages (a server that ignores `page` would loop forever). */
const MAX_PAGES = 10_000;

/**
 * Names and keys of the Secrets of the contract, section 3 (kept equal to `BOOTSTRAP_SECRETS`,
 * `bootstrapLedgerName` and `GENERATION_ANNOTATION` in plan.ts). `ledger` is the version-2 ledger in the
 * plan's `ledgerNamespace`; `v1Ledger` is the version-1 ledger in the tenant namespace, read only, untrusted.
 */
export const SECRETS = {
  ledger: { prefix: 'clearml-tenant-ledger-', companyKey: 'company_id', adminKey: 'admin_user_id', stateKey: 'state' },
  v1Ledger: { name: 'clearml-tenant-bootstrap', companyKey: 'company_id', adminKey: 'admin_user_id' },
  admin: { name: 'clearml-admin-credentials', accessKey: 'access_key', secretKey: 'secret_key', label: 'clearml-tenancy:admin' },
  agent: { name: 'clearml-agent-credentials', accessKey: 'agentk8sglue_key', secretKey: 'agentk8sglue_secret', label: 'clearml-tenancy:agent' },
  router: { name: 'clearml-router-credentials', accessKey: 'access_key', secretKey: 'secret_key', label: 'clearml-tenancy:router' },
} as const;

/** Annotation of a credential Secret: the credentials generation it holds; absent means generation 1. */
export const GENERATION_ANNOTATION = 'clearml-tenancy/generation';

/** The version-2 ledger's name. */
export function ledgerName(tenant: string): string {
  return `${SECRETS.ledger.prefix}${tenant}`;
}

/** Labels of the credentials the bootstrap makes; outside decommissioning it revokes no other key. */
export const OWN_LABELS: readonly string[] = [SECRETS.admin.label, SECRETS.agent.label, SECRETS.router.label];

export interface Settings {
  readonly apiUrl: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly plan: BootstrapPlan;
  /** The Job's own cluster (contract, section 5): the ledger, the admin credentials, and the credentials of a plan without targets. */
  readonly kubernetes: KubernetesEndpoint;
  readonly requestTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly deadlineMs: number;
  readonly graceMs: number;
  readonly pageSize: number;
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
    kubernetes: { url: kubernetesApiUrl, tokenFile: kubernetesTokenFile, ca: kubernetesCa },
    requestTimeoutMs: positive('BOOTSTRAP_REQUEST_TIMEOUT_MS', DEFAULTS.requestTimeoutMs),
    retryBaseMs: positive('BOOTSTRAP_RETRY_BASE_MS', DEFAULTS.retryBaseMs),
    retryMaxMs: positive('BOOTSTRAP_RETRY_MAX_MS', DEFAULTS.retryMaxMs),
    deadlineMs: positive('BOOTSTRAP_DEADLINE_SECONDS', DEFAULTS.deadlineSeconds) * 1000,
    graceMs: positive('BOOTSTRAP_GRACE_SECONDS', DEFAULTS.graceSeconds) * 1000,
    pageSize: Math.floor(positive('BOOTSTRAP_PAGE_SIZE', DEFAULTS.pageSize)),
  };
  if (problems.length > 0 || plan === undefined) throw new FatalError(`invalid settings: ${problems.join('; ')}`);
  return { ...settings, plan };
}

const STATES: readonly BootstrapState[] = ['active', 'suspended', 'decommissioned'];

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
  // Required: without it the ledger would be where the tenant can write it (the hole version 2 closes).
  if (!isString(x.ledgerNamespace)) at('ledgerNamespace', "a non-empty string (the Job's own namespace, where the ledger is kept)", x.ledgerNamespace);
  else if (x.ledgerNamespace === x.namespace) at('ledgerNamespace', 'another namespace than the tenant namespace', x.ledgerNamespace);
  if (!isObject(x.admin) || !isString(x.admin.name) || !isString(x.admin.email)) at('admin', 'an object with a name and an email', x.admin);
  else if (x.admin.internal !== undefined && typeof x.admin.internal !== 'boolean') at('admin.internal', 'true or false', x.admin.internal);
  if (x.targets !== undefined) checkTargets(x.targets, x, at);
  if (x.state !== undefined && !STATES.includes(x.state as BootstrapState)) at('state', `one of ${STATES.join(', ')}`, x.state);
  const generation = x.credentialsGeneration;
  if (generation !== undefined && !(Number.isSafeInteger(generation) && (generation as number) >= 1)) at('credentialsGeneration', 'an integer >= 1', generation);
  if (x.whitelist !== undefined) {
    if (!Array.isArray(x.whitelist)) at('whitelist', 'a list of {emails, isAdmin}', x.whitelist);
    else {
      x.whitelist.forEach((entry: unknown, i: number) => {
        if (!isObject(entry) || !isStrings(entry.emails) || typeof entry.isAdmin !== 'boolean') at(`whitelist[${i}]`, 'an object with emails (a list of e-mails) and isAdmin (true or false)', entry);
      });
      const seen = new Map<string, boolean>();
      for (const entry of x.whitelist as BootstrapWhitelistEntry[]) {
        if (!isObject(entry) || !isStrings(entry.emails)) continue;
        for (const email of entry.emails) {
          const key = email.toLowerCase();
          if (seen.has(key) && seen.get(key) !== entry.isAdmin) at('whitelist', 'free of an e-mail listed both as admin and as user', email);
          seen.set(key, entry.isAdmin);
        }
      }
    }
  }
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

/** A cluster name as it appears in labels (`clearml-tenancy:agent@<cluster>`): a DNS label. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TARGET_FIELDS = ['cluster', 'namespace', 'kubernetes'];
const TARGET_KUBERNETES_FIELDS = ['url', 'tokenFile', 'caFile'];

/** Checks the plan's `targets` (contract, section 7); every problem is reported. */
function checkTargets(targets: unknown, plan: Record<string, unknown>, at: (path: string, want: string, got: unknown) => void): void {
  const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!Array.isArray(targets) || targets.length === 0) {
    at('targets', 'a non-empty list of {cluster, namespace, kubernetes?} (leave it out for a single cluster)', targets);
    return;
  }
  const clusters = new Map<string, number>();
  const places = new Map<string, number>();
  targets.forEach((t: unknown, i: number) => {
    const path = `targets[${i}]`;
    if (!isObject(t)) {
      at(path, 'an object {cluster, namespace, kubernetes?}', t);
      return;
    }
    for (const key of Object.keys(t)) if (!TARGET_FIELDS.includes(key)) at(`${path}.${key}`, `absent (a target has only ${TARGET_FIELDS.join(', ')})`, t[key]);
    if (!isString(t.cluster) || !CLUSTER_NAME.test(t.cluster)) at(`${path}.cluster`, 'a cluster name: lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit', t.cluster);
    else if (clusters.has(t.cluster)) at(`${path}.cluster`, `a cluster not listed before (targets[${clusters.get(t.cluster)}] has it already)`, t.cluster);
    else clusters.set(t.cluster, i);
    if (!isString(t.namespace) || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(t.namespace)) at(`${path}.namespace`, 'a namespace name (a DNS label)', t.namespace);
    let place = 'the Job\'s own cluster';
    if (t.kubernetes !== undefined) {
      const k = t.kubernetes;
      if (!isObject(k)) at(`${path}.kubernetes`, 'an object {url, tokenFile, caFile} (leave it out for the Job\'s own cluster)', k);
      else {
        for (const key of Object.keys(k)) if (!TARGET_KUBERNETES_FIELDS.includes(key)) at(`${path}.kubernetes.${key}`, `absent (kubernetes has only ${TARGET_KUBERNETES_FIELDS.join(', ')})`, k[key]);
        if (!isString(k.url) || !/^https?:\/\/[^\s/]+/.test(k.url)) at(`${path}.kubernetes.url`, 'the API server\'s https:// URL', k.url);
        else place = k.url.replace(/\/+$/, '');
        if (!isString(k.tokenFile) || !k.tokenFile.startsWith('/')) at(`${path}.kubernetes.tokenFile`, 'the absolute path of the mounted ServiceAccount token', k.tokenFile);
        if (k.caFile !== undefined && (!isString(k.caFile) || !k.caFile.startsWith('/'))) at(`${path}.kubernetes.caFile`, 'the absolute path of the mounted CA certificate', k.caFile);
        if (isString(k.url) && k.url.startsWith('https:') && k.caFile === undefined) at(`${path}.kubernetes.caFile`, 'set for an https:// API server (the absolute path of the mounted CA certificate)', k.caFile);
      }
    } else if (isString(t.namespace) && t.namespace === plan.ledgerNamespace) {
      at(`${path}.namespace`, 'another namespace than ledgerNamespace in the Job\'s own cluster (tenant credentials never go into the server namespace)', t.namespace);
    }
    if (isString(t.namespace)) {
      const key = `${place} ${t.namespace}`;
      if (places.has(key)) at(`${path}`, `a namespace of a cluster not listed before (targets[${places.get(key)}] writes into namespace ${t.namespace} of ${place} already)`, t);
      else places.set(key, i);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Errors (the shared kinds of lib/programs/common/errors.ts, under the names this program has always used)
// ---------------------------------------------------------------------------------------------------------

/** Retrying cannot fix it (exit 2). */
export const FatalError = PermanentError;
export type FatalError = PermanentError;
export { AbortedError, GaveUpError, TransientError };

/** A ClearML error answer that is not transient; callers handle the ones they expect (801). */
export class ClearmlError extends PermanentError {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly subcode: number,
    readonly resultMsg: string,
  ) {
    super(`${action} failed: ${status}/${subcode} ${resultMsg}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run's timing: a per-request time-out, retries with capped exponential back-off and jitter (the shared
// HTTP client), an overall deadline and a grace period to record or undo what was just made
// ---------------------------------------------------------------------------------------------------------

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

  /** The retry policy of one operation (until `deadline`, by default the run's). */
  retry(deadline: number = this.deadline): RetryPolicy {
    return { baseMs: this.settings.retryBaseMs, maxMs: this.settings.retryMaxMs, deadline, signal: this.signal };
  }

  /** A Kubernetes client for `endpoint` with this run's timing. */
  kubernetes(endpoint: KubernetesEndpoint): KubernetesClient {
    return new KubernetesClient(endpoint, {
      timeoutMs: this.settings.requestTimeoutMs,
      retry: (deadline) => this.retry(deadline),
      signal: this.signal,
      refusalHint: endpoint.name ? `; check the ServiceAccount whose token is ${endpoint.tokenFile}, and its Role and RoleBinding` : "; check the Job's ServiceAccount, Role and RoleBinding",
    });
  }
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
    const answer = await send(`${this.ctx.settings.apiUrl}/${action}`, { method: 'POST', headers, body: JSON.stringify(body), timeoutMs: this.ctx.settings.requestTimeoutMs, signal: this.ctx.signal });
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
    return withRetry(this.ctx.retry(deadline), action, () => this.once<T>(action, body, as));
  }
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof ClearmlError && e.status === 400 && e.subcode === 801;
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes Secrets (contract, section 2): the shared in-cluster client, lib/programs/common/kubernetes.ts
// ---------------------------------------------------------------------------------------------------------

type SecretData = Readonly<Record<string, string>>;
type KubernetesSecrets = Secrets;

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
  const backoff = new Backoff(ctx.retry(), `create ${what}`);
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
    await backoff.wait(error);
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

interface WhitelistEntry {
  readonly email: string;
  readonly is_admin: boolean;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function pick<T extends object>(source: T, keys: readonly (keyof T)[]): Partial<T> {
  const result: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value of an answer that must be a non-empty string (an id, a key); anything else stops the run. */
function answered(action: string, field: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new FatalError(`${action} answered without a valid ${field} (got ${oneLine(JSON.stringify(value) ?? 'nothing', 80)}); the apiserver's answer is not what the contract says`);
}

/** A list in an answer (absent means empty); anything else stops the run. */
function answeredList(action: string, field: string, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new FatalError(`${action} answered ${field} that is not a list (got ${oneLine(JSON.stringify(value), 80)})`);
}

/** The generation a credential Secret records (absent: 1). */
function generationOf(namespace: string, name: string, secret: StoredSecret): number {
  const raw = secret.annotations[GENERATION_ANNOTATION];
  if (raw === undefined) return 1;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new FatalError(`Secret ${namespace}/${name} has annotation ${GENERATION_ANNOTATION}="${oneLine(raw, 40)}", which is not an integer >= 1; fix or remove the annotation`);
  }
  return value;
}

/** Runs every step; throws on failure. */
export async function bootstrap(settings: Settings, output: Output, signal?: AbortSignal): Promise<void> {
  const ctx = new RunContext(settings, signal);
  const { plan } = settings;
  const ns = plan.namespace;
  const ledgerNs = plan.ledgerNamespace as string; // checkPlan requires it
  const state: BootstrapState = plan.state ?? 'active';
  const generation = plan.credentialsGeneration ?? 1;
  const clearml = new ClearmlClient(ctx);
  const ownCluster = ctx.kubernetes(settings.kubernetes);
  const secrets = ownCluster.secrets(ns);
  const ledgerSecrets = ownCluster.secrets(ledgerNs);
  const ledgerSecret = ledgerName(plan.tenant);
  const ledgerWhere = `ledger Secret ${ledgerNs}/${ledgerSecret}`;
  const v1Where = `version-1 ledger Secret ${ns}/${SECRETS.v1Ledger.name}`;
  const say = output.out;
  const recordCommand = (companyId: string, adminId: string) =>
    `kubectl -n ${ledgerNs} create secret generic ${ledgerSecret} --from-literal=${SECRETS.ledger.companyKey}=${companyId} --from-literal=${SECRETS.ledger.adminKey}=${adminId}`;

  // The ledger: ids recorded by the run that created the company and the admin, out of the tenant's reach.
  let ledger = await ledgerSecrets.read(ledgerSecret);
  if (ledger) requireKeys(ledgerNs, ledgerSecret, ledger.data, [SECRETS.ledger.companyKey, SECRETS.ledger.adminKey]);
  const ledgerState = ledger?.data[SECRETS.ledger.stateKey];
  if (ledgerState !== undefined && ledgerState !== 'decommissioned') {
    throw new FatalError(`the ${ledgerWhere} has ${SECRETS.ledger.stateKey}="${oneLine(ledgerState, 40)}"; the bootstrap writes only "decommissioned" there`);
  }
  if (ledgerState === 'decommissioned' && state !== 'decommissioned') {
    throw new FatalError(
      `tenant "${plan.tenant}" was decommissioned (the ${ledgerWhere} says so, company ${ledger!.data[SECRETS.ledger.companyKey]}); decommissioning is final, ` +
        `so the bootstrap does not make it ${state} again. Give the tenant another name, or delete its company (see the deletion procedure) and the ledger Secret first`,
    );
  }

  // A version-1 ledger (tenant namespace, where tenant workloads can write) is only a candidate, never trusted.
  let candidate: { readonly companyId: string; readonly adminId: string } | undefined;
  if (!ledger) {
    const v1 = await secrets.get(SECRETS.v1Ledger.name);
    if (v1) {
      const companyId = v1[SECRETS.v1Ledger.companyKey];
      const adminId = v1[SECRETS.v1Ledger.adminKey];
      if (companyId && adminId) candidate = { companyId, adminId };
      else say(`${v1Where}: exists (ignored: it lacks ${SECRETS.v1Ledger.companyKey} or ${SECRETS.v1Ledger.adminKey})`);
    }
  }

  // 1. The company, with its defaults.
  const findCompany = async (): Promise<Company | undefined> => {
    const data = await clearml.call<{ companies?: unknown }>('system.get_companies', {});
    const companies = answeredList('system.get_companies', 'companies', data.companies).filter(isRecord);
    const named = companies.filter((c) => c.name === plan.tenant).map((c) => ({ id: answered('system.get_companies', 'company id', c.id), name: plan.tenant }));
    if (named.length > 1) {
      throw new FatalError(`ClearML has ${named.length} companies named "${plan.tenant}" (${named.map((c) => c.id).join(', ')}); keep one and re-run the Job`);
    }
    return named[0];
  };
  let company: Company;
  const recorded = ledger?.data[SECRETS.ledger.companyKey] ?? candidate?.companyId;
  if (recorded !== undefined) {
    const found = await findCompany();
    if (found?.id !== recorded) {
      const where = ledger ? ledgerWhere : v1Where;
      throw new FatalError(
        `the ${where} records company ${oneLine(recorded, 80)}, but ${found ? `the company named "${plan.tenant}" is ${found.id}` : `no company is named "${plan.tenant}"`}; ` +
          `resolve it in ClearML or delete the ${where} if it is stale`,
      );
    }
    company = found as Company;
    say(`company "${plan.tenant}": exists (id ${company.id})`);
  } else if (state === 'decommissioned') {
    const found = await findCompany();
    if (!found) {
      say(`tenant "${plan.tenant}": decommissioned (no ledger and no company named "${plan.tenant}": nothing to decommission)`);
      return;
    }
    throw new FatalError(
      `cannot decommission tenant "${plan.tenant}": company ${found.id} exists, but no ${ledgerWhere} names its admin, so the bootstrap cannot act in it; ` +
        `record the admin's id first: ${recordCommand(found.id, "<the admin's user id>")}`,
    );
  } else {
    const defaults = pick(plan.companyDefaults, ['allowed_users', 'features', 'exclude_features']);
    const result = await findOrCreate(ctx, `company "${plan.tenant}"`, findCompany, async () => {
      const data = await clearml.once<{ id?: unknown }>('system.create_company', Object.keys(defaults).length > 0 ? { name: plan.tenant, defaults } : { name: plan.tenant });
      return { id: answered('system.create_company', 'id', data.id), name: plan.tenant };
    });
    company = result.value;
    say(`company "${plan.tenant}": ${result.created ? 'created' : 'exists'} (id ${company.id})`);
  }

  // 2. Company settings (setting a value again changes nothing); left alone once decommissioned.
  const companySettings = pick(plan.companySettings, ['features', 'exclude_features', 'allowed_users']);
  if (state === 'decommissioned') {
    // nothing to apply to a company that is going away
  } else if (Object.keys(companySettings).length > 0) {
    await clearml.call('system.update_company_settings', { company: company.id, ...companySettings });
    say(`company settings: updated (${Object.keys(companySettings).sort().join(', ')})`);
  } else {
    say('company settings: exists (none in the plan)');
  }

  // 3. The admin user: from the ledger, from a version-1 ledger once its identity is confirmed, or created once.
  // Before any call as the admin, ClearML must confirm that the user is an admin of this very company.
  const confirmIdentity = async (userId: string, source: string): Promise<void> => {
    let user: unknown;
    try {
      ({ user } = await clearml.call<{ user?: unknown }>('users.get_by_id', { user: userId }));
    } catch (e) {
      if (!(e instanceof ClearmlError)) throw e;
      throw new FatalError(`identity check failed for user ${oneLine(userId, 80)} (from the ${source}): ClearML does not confirm it as an admin of company ${company.id} ("${plan.tenant}"): ${e.message}; no call was made as that user`);
    }
    const got = isRecord(user) ? user : {};
    const userCompany = isRecord(got.company) ? got.company.id : got.company;
    if (got.id !== userId || userCompany !== company.id || got.role !== 'admin') {
      throw new FatalError(
        `identity check failed for user ${oneLine(userId, 80)} (from the ${source}): ClearML has it in company ${oneLine(String(userCompany), 80)} with role ${oneLine(String(got.role), 40)}, ` +
          `not as an admin of company ${company.id} ("${plan.tenant}"); no call was made as that user. If the ledger was tampered with, restore it; a version-1 ledger is only a hint`,
      );
    }
    say(`admin user ${userId}: exists (identity confirmed: admin of company ${company.id})`);
  };
  const writeLedger = async (adminId: string, how: string): Promise<void> => {
    const record = { [SECRETS.ledger.companyKey]: company.id, [SECRETS.ledger.adminKey]: adminId };
    let outcome: SecretOutcome;
    try {
      outcome = await ledgerSecrets.create(ledgerSecret, record, ctx.graceDeadline);
    } catch (e) {
      throw rethrowWithContext(e, `could not write the ${ledgerWhere} ${how}: ${errorText(e)}. Record it before re-running: ${recordCommand(company.id, adminId)}`);
    }
    if (!outcome.created) {
      throw new FatalError(`another run wrote the ${ledgerWhere} with other ids (${oneLine(JSON.stringify(outcome.existing), 200)}) than this run's company ${company.id} and admin ${adminId}`);
    }
    say(`${ledgerWhere}: created`);
  };
  let adminId: string;
  if (ledger) {
    adminId = ledger.data[SECRETS.ledger.adminKey];
    say(`admin user ${plan.admin.email}: exists (id ${adminId}, from the ledger)`);
    await confirmIdentity(adminId, ledgerWhere);
  } else if (candidate) {
    adminId = candidate.adminId;
    await confirmIdentity(adminId, `${v1Where}, untrusted`);
    await writeLedger(adminId, `from the ${v1Where}`);
  } else {
    try {
      const data = await clearml.call<{ id?: unknown }>('auth.create_user', {
        name: plan.admin.name,
        company: company.id,
        email: plan.admin.email,
        role: 'admin',
        ...(plan.admin.internal === true ? { internal: true } : {}),
      });
      adminId = answered('auth.create_user', 'id', data.id);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new FatalError(
        `the admin e-mail ${plan.admin.email} is already a ClearML user, but the ${ledgerWhere} does not exist, so the bootstrap cannot tell ` +
          'whether that user is this tenant\'s admin and will not create a second one. If it is (an earlier run created it and stopped before writing the ledger), ' +
          `record it: ${recordCommand(company.id, "<that user's id>")}; otherwise give tenant "${plan.tenant}" another admin e-mail`,
      );
    }
    say(`admin user ${plan.admin.email}: created (id ${adminId}${plan.admin.internal === true ? ', internal' : ''})`);
    await writeLedger(adminId, 'after creating the admin user');
    await confirmIdentity(adminId, ledgerWhere);
  }
  const asAdmin: As = { impersonate: adminId };
  const actAsAdmin: As = { actAs: adminId };

  // 4. Login routing: the planned domains and whitelist when active, none otherwise.
  await convergeRouting(clearml, plan, state, actAsAdmin, say);

  if (state === 'decommissioned') {
    await decommission(ctx, clearml, company, adminId, ledgerSecrets, ledgerSecret, ledgerWhere, say);
    return;
  }

  // 5. Credentials of the admin (admin, agent, router), each created and stored once, rotated by generation;
  // orphans revoked.
  const listKeys = async (): Promise<CredentialInfo[]> => {
    const data = await clearml.call<{ credentials?: unknown }>('auth.get_credentials', {}, asAdmin);
    return answeredList('auth.get_credentials', 'credentials', data.credentials).map((k) => {
      const key = isRecord(k) ? k : {};
      return { access_key: answered('auth.get_credentials', 'access_key', key.access_key), label: typeof key.label === 'string' ? key.label : undefined };
    });
  };
  const revoke = (accessKey: string, deadline?: number) => clearml.call('auth.revoke_credentials', { access_key: accessKey }, asAdmin, deadline);
  const createKey = async (label: string): Promise<Credentials> => {
    const { credentials } = await clearml.call<{ credentials?: unknown }>('auth.create_credentials', { label }, asAdmin);
    const made = isRecord(credentials) ? credentials : {};
    return { access_key: answered('auth.create_credentials', 'access_key', made.access_key), secret_key: answered('auth.create_credentials', 'secret_key', made.secret_key) };
  };
  /** After a failed store: revoke the new key only when the Secret is known not to hold it (else the next run decides). */
  const undo = async (secrets: KubernetesSecrets, name: string, accessKeyField: string, accessKey: string): Promise<string> => {
    try {
      const now = await secrets.get(name, ctx.graceDeadline);
      if (now?.[accessKeyField] === accessKey) return 'stored after all';
      await revoke(accessKey, ctx.graceDeadline);
      return 'revoked';
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      return 'not revoked yet: the next run revokes it';
    }
  };
  const alive = new Set((await listKeys()).map((k) => k.access_key));
  const stored = new Set<string>();
  const annotations = { [GENERATION_ANNOTATION]: String(generation) };
  /** Converges the credential Secrets of one place: each created and stored once, rotated by generation. */
  const converge = async (place: Place): Promise<void> => {
  const { secrets, namespace: ns } = place;
  for (const { kind, label } of place.kinds) {
    const spec = { ...SECRETS[kind], label };
    const where = `${kind} credentials Secret ${ns}/${spec.name}${place.at}`;
    let existing = await secrets.read(spec.name);
    if (existing) {
      requireKeys(ns, spec.name, existing.data, [spec.accessKey, spec.secretKey]);
      const key = existing.data[spec.accessKey];
      const held = generationOf(ns, spec.name, existing);
      if (held >= generation) {
        if (!alive.has(key)) {
          throw new FatalError(`${where} holds access key ${key}, which is not a live key of the tenant admin ${adminId}; delete the Secret and re-run the Job to make new credentials`);
        }
        stored.add(key);
        say(`${where}: exists (access key ${key}, generation ${held})`);
        continue;
      }
      // Rotation: a new key with the same label, stored in the Secret (against the version read), then the old one revoked.
      const made = await createKey(spec.label);
      const data = { [spec.accessKey]: made.access_key, [spec.secretKey]: made.secret_key };
      let kept: string | undefined; // another run's key, when it rotated first
      for (let attempt = 0; ; attempt += 1) {
        let outcome: ReplaceOutcome;
        try {
          outcome = await secrets.replace(spec.name, existing, data, { ...existing.annotations, ...annotations }, ctx.graceDeadline);
        } catch (e) {
          if (e instanceof AbortedError) throw e;
          const undone = await undo(secrets, spec.name, spec.accessKey, made.access_key);
          throw rethrowWithContext(e, `could not store the rotated ${kind} credentials (access key ${made.access_key}, ${undone}) in ${where}: ${errorText(e)}`);
        }
        if (outcome.replaced) break;
        const now: StoredSecret | undefined = outcome.now;
        if (now === undefined) {
          await revoke(made.access_key, ctx.graceDeadline);
          throw new FatalError(`${where} was deleted while rotating it (revoked the key just made: ${made.access_key}); re-run the Job`);
        }
        requireKeys(ns, spec.name, now.data, [spec.accessKey, spec.secretKey]);
        if (generationOf(ns, spec.name, now) >= generation) {
          kept = now.data[spec.accessKey];
          break;
        }
        if (attempt >= 4) {
          await revoke(made.access_key, ctx.graceDeadline);
          throw new TransientError(`${where} kept changing while rotating it (revoked the key just made: ${made.access_key})`);
        }
        existing = now; // changed by someone else, not rotated: try again against the new version
      }
      if (kept !== undefined) {
        await revoke(made.access_key, ctx.graceDeadline);
        stored.add(kept);
        say(`${where}: exists (access key ${kept}; another run rotated it first, revoked the key just made: ${made.access_key})`);
        continue;
      }
      stored.add(made.access_key);
      const old = existing.data[spec.accessKey];
      if (old !== made.access_key && alive.has(old)) await revoke(old);
      say(`${where}: rotated (access key ${made.access_key}, generation ${generation}; revoked the old key ${old})`);
      continue;
    }
    const made = await createKey(spec.label);
    let outcome: SecretOutcome;
    try {
      outcome = await secrets.create(spec.name, { [spec.accessKey]: made.access_key, [spec.secretKey]: made.secret_key }, ctx.graceDeadline, annotations);
    } catch (e) {
      // Not stored, as far as this run knows: undo now if that is sure (the next run revokes it otherwise, by its label).
      if (e instanceof AbortedError) throw e;
      const undone = await undo(secrets, spec.name, spec.accessKey, made.access_key);
      throw rethrowWithContext(e, `could not store the new ${kind} credentials (access key ${made.access_key}, ${undone}) in ${where}: ${errorText(e)}`);
    }
    if (outcome.created) {
      stored.add(made.access_key);
      say(`${where}: created (access key ${made.access_key}, generation ${generation})`);
    } else {
      await revoke(made.access_key, ctx.graceDeadline);
      requireKeys(ns, spec.name, outcome.existing, [spec.accessKey, spec.secretKey]);
      stored.add(outcome.existing[spec.accessKey]);
      say(`${where}: exists (access key ${outcome.existing[spec.accessKey]}; another run stored it first, revoked the key just made: ${made.access_key})`);
    }
  }
  };
  // The places of the credential Secrets: without targets, the tenant namespace holds all three (sections
  // 3-6); with targets (section 7), it keeps the admin's, and each target cluster gets its own agent and router keys.
  const targets = plan.targets ?? [];
  const own: Place = {
    secrets,
    namespace: ns,
    at: '',
    kinds: targets.length === 0 ? (['admin', 'agent', 'router'] as const).map((kind) => ({ kind, label: SECRETS[kind].label })) : [{ kind: 'admin', label: SECRETS.admin.label }],
  };
  await converge(own);
  const converged = new Set<string>(own.kinds.map((k) => k.label));
  // A plan that gained targets: single-cluster agent and router Secrets may still be in the tenant namespace
  // (unless a target of the Job's own cluster writes there). Their keys count as stored (never revoked while a
  // Secret holds them); only unstored keys with those labels are orphans.
  if (targets.length > 0 && !targets.some((t) => t.kubernetes === undefined && t.namespace === ns)) {
    for (const kind of ['agent', 'router'] as const) {
      const left = await secrets.get(SECRETS[kind].name);
      const key = left?.[SECRETS[kind].accessKey];
      if (key && alive.has(key)) {
        stored.add(key);
        say(`${kind} credentials Secret ${ns}/${SECRETS[kind].name}: exists (access key ${key}, from before the plan had targets; kept until the Secret is deleted)`);
      }
    }
  }
  const failed: { readonly cluster: string; readonly error: unknown }[] = [];
  for (const target of targets) {
    const place = targetPlace(ctx, target, ownCluster);
    try {
      await converge(place);
      for (const k of place.kinds) converged.add(k.label);
      say(`target cluster ${target.cluster}: ${place.kinds.map((k) => k.kind).join(' and ')} credentials in namespace ${target.namespace} converged`);
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      failed.push({ cluster: target.cluster, error: e });
      say(`target cluster ${target.cluster}: not converged (${errorText(e)}); its keys are left for the next run`);
    }
  }
  const keys = await listKeys();
  // Orphans: keys with a label of a place that converged (or of no place any more: the single-cluster agent and
  // router labels once there are targets, the labels of a target removed from the plan) that no Secret holds.
  // A target that did not converge keeps its keys until a run reaches it.
  const planned = new Set(targets.map((t) => t.cluster));
  const revocable = (label: string): boolean => {
    if (converged.has(label)) return true;
    if (targets.length > 0 && (label === SECRETS.agent.label || label === SECRETS.router.label)) return true;
    const m = TARGET_LABEL.exec(label);
    return m !== null && !planned.has(m[2]);
  };
  const orphans = keys.filter((k) => k.label !== undefined && revocable(k.label) && !stored.has(k.access_key)).map((k) => k.access_key);
  for (const key of orphans) await revoke(key);
  if (orphans.length > 0) say(`orphaned credentials: revoked (${orphans.join(', ')})`);
  const live = new Set(keys.map((k) => k.access_key));
  const dead = [...stored].filter((k) => !live.has(k));
  if (dead.length > 0) throw new FatalError(`stored access keys ${dead.join(', ')} are no longer live in ClearML; delete their Secrets and re-run the Job`);

  // 6. Queues.
  for (const name of plan.queues) {
    const result = await findOrCreate(
      ctx,
      `queue "${name}"`,
      async () => {
        const data = await clearml.call<{ queues?: unknown }>('queues.get_all', { name: `^${escapeRegex(name)}$` }, asAdmin);
        const queue = answeredList('queues.get_all', 'queues', data.queues).filter(isRecord).find((q) => q.name === name);
        return queue === undefined ? undefined : ({ id: answered('queues.get_all', 'queue id', queue.id), name } as Queue);
      },
      async () => ({ id: answered('queues.create', 'id', (await clearml.once<{ id?: unknown }>('queues.create', { name }, asAdmin)).id), name }),
    );
    say(`queue "${name}": ${result.created ? 'created' : 'exists'} (id ${result.value.id})`);
  }
  if (failed.length > 0) {
    // Transient unless a target failed for good (then exit 2: its settings or rights need fixing).
    const permanent = failed.some((f) => exitCodeOf(f.error) === EXIT.permanent);
    const text = `${failed.length} of ${targets.length} target clusters not converged: ${failed.map((f) => `${f.cluster}: ${errorText(f.error)}`).join('; ')}`;
    throw permanent ? new PermanentError(text) : new TransientError(`${text}; the next run tries again`);
  }
  say(`tenant "${plan.tenant}": ${state === 'suspended' ? 'suspended (keys and data kept, no login routed to it)' : 'bootstrapped'}`);
}

/** Where credential Secrets go: a namespace of a cluster, the kinds it gets and their labels. */
interface Place {
  readonly secrets: KubernetesSecrets;
  readonly namespace: string;
  /** ` in cluster <name>` for a target, empty for the tenant namespace of a plan without targets. */
  readonly at: string;
  readonly kinds: readonly { readonly kind: 'admin' | 'agent' | 'router'; readonly label: string }[];
}

/** `clearml-tenancy:agent@<cluster>` or `clearml-tenancy:router@<cluster>`. */
const TARGET_LABEL = /^clearml-tenancy:(agent|router)@(.+)$/;

/** The label of a target's credentials of one kind (contract, section 7). */
export function targetLabel(kind: 'agent' | 'router', cluster: string): string {
  return `${SECRETS[kind].label}@${cluster}`;
}

/** A target's place: its own cluster's client (or the Job's), its namespace, the agent and router kinds with its labels. */
function targetPlace(ctx: RunContext, target: BootstrapTarget, ownCluster: KubernetesClient): Place {
  const kinds = (['agent', 'router'] as const).map((kind) => ({ kind, label: targetLabel(kind, target.cluster) }));
  const at = ` in cluster ${target.cluster}`;
  const k = target.kubernetes;
  if (k === undefined) return { secrets: ownCluster.secrets(target.namespace), namespace: target.namespace, at, kinds };
  let ca: string | undefined;
  const client = ctx.kubernetes({
    url: k.url.replace(/\/+$/, ''),
    tokenFile: k.tokenFile,
    name: `cluster ${target.cluster}`,
    tokenSetting: `targets[cluster=${target.cluster}].kubernetes.tokenFile`,
    get ca() {
      // read when first used, so that a missing file fails this target only
      if (ca === undefined && k.caFile !== undefined && k.url.startsWith('https:')) {
        try {
          ca = readFileSync(k.caFile, 'utf8');
        } catch (e) {
          throw new PermanentError(`cannot read the CA file ${k.caFile} of cluster ${target.cluster} (targets[cluster=${target.cluster}].kubernetes.caFile): ${errorText(e)}`);
        }
      }
      return ca;
    },
  });
  return { secrets: client.secrets(target.namespace), namespace: target.namespace, at, kinds };
}

/**
 * Login routing (domains and whitelist). A version-1 plan (no `state`, no `whitelist`) keeps version 1's
 * behaviour: the domains are set when the plan has some, the whitelist is not touched. Otherwise the current
 * settings are read (`login.get_settings`) and converged: the planned ones when active, none otherwise.
 */
async function convergeRouting(clearml: ClearmlClient, plan: BootstrapPlan, state: BootstrapState, actAs: As, say: (line: string) => void): Promise<void> {
  const active = state === 'active';
  if (plan.state === undefined && plan.whitelist === undefined) {
    if (plan.domains.length > 0) {
      await clearml.call('login.set_domains', { domains: plan.domains }, actAs);
      say(`sso domains: updated (${plan.domains.join(', ')})`);
    } else {
      say('sso domains: exists (none in the plan)');
    }
    return;
  }
  const settings = await clearml.call<{ domains?: unknown; whitelist?: unknown }>('login.get_settings', {}, actAs);
  const domainsNow = answeredList('login.get_settings', 'domains', settings.domains).map((d) => answered('login.get_settings', 'domain', d));
  const whitelistNow: WhitelistEntry[] = answeredList('login.get_settings', 'whitelist', settings.whitelist).map((w) => {
    const entry = isRecord(w) ? w : {};
    return { email: answered('login.get_settings', 'whitelist e-mail', entry.email), is_admin: entry.is_admin === true };
  });

  const domains = active ? [...plan.domains] : [];
  const sorted = (list: readonly string[]) => [...new Set(list.map((d) => d.toLowerCase()))].sort().join(',');
  if (sorted(domains) === sorted(domainsNow)) {
    say(`sso domains: exists (${domains.length > 0 ? domains.join(', ') : 'none'})`);
  } else {
    await clearml.call('login.set_domains', { domains }, actAs);
    say(`sso domains: updated (${domains.length > 0 ? domains.join(', ') : 'none'})`);
  }

  if (active && plan.whitelist === undefined) {
    say('login whitelist: exists (not in the plan; left as it is)');
    return;
  }
  const wanted = new Map<string, { email: string; isAdmin: boolean }>();
  if (active) for (const entry of plan.whitelist ?? []) for (const email of entry.emails) wanted.set(email.toLowerCase(), { email, isAdmin: entry.isAdmin });
  const have = new Map(whitelistNow.map((w) => [w.email.toLowerCase(), w]));
  // An entry whose admin flag changed is removed and added again.
  const remove = whitelistNow.filter((w) => wanted.get(w.email.toLowerCase())?.isAdmin !== w.is_admin).map((w) => w.email);
  const add = [...wanted.values()].filter((w) => have.get(w.email.toLowerCase())?.is_admin !== w.isAdmin);
  if (remove.length > 0) await clearml.call('login.remove_whitelist_entries', { emails: remove }, actAs);
  for (const isAdmin of [true, false]) {
    const emails = add.filter((w) => w.isAdmin === isAdmin).map((w) => w.email);
    if (emails.length > 0) await clearml.call('login.add_whitelist_entries', { emails, is_admin: isAdmin }, actAs);
  }
  if (remove.length === 0 && add.length === 0) say(`login whitelist: exists (${wanted.size} entries)`);
  else say(`login whitelist: updated (${wanted.size} entries; added ${add.map((w) => w.email).join(', ') || 'none'}; removed ${remove.join(', ') || 'none'})`);
}

/**
 * Decommissioning (routing already emptied): every access key of every user of the company revoked, labelled
 * or not; then the ledger marked, so that a later active plan stops; then ClearML's deletion procedure printed.
 */
async function decommission(
  ctx: RunContext,
  clearml: ClearmlClient,
  company: Company,
  adminId: string,
  ledgerSecrets: KubernetesSecrets,
  ledgerSecret: string,
  ledgerWhere: string,
  say: (line: string) => void,
): Promise<void> {
  const pageSize = ctx.settings.pageSize;
  const users: string[] = [];
  for (let page = 0; ; page += 1) {
    if (page >= MAX_PAGES) throw new FatalError(`users.get_all: still answering after ${MAX_PAGES} pages; does it honour "page"?`);
    const data = await clearml.call<{ users?: unknown }>('users.get_all', { page, page_size: pageSize, only_fields: ['id', 'company'] }, { actAs: adminId });
    const list = answeredList('users.get_all', 'users', data.users);
    let fresh = 0;
    for (const u of list) {
      const user = isRecord(u) ? u : {};
      const id = answered('users.get_all', 'user id', user.id);
      const userCompany = isRecord(user.company) ? user.company.id : user.company;
      // Never impersonate anyone outside the company (the supervisor above all).
      if (userCompany !== undefined && userCompany !== company.id) {
        throw new FatalError(`users.get_all acting as admin ${adminId} listed user ${id} of company ${oneLine(String(userCompany), 80)}, not ${company.id}; stopped before acting as that user`);
      }
      if (!users.includes(id)) {
        users.push(id);
        fresh += 1;
      }
    }
    if (list.length < pageSize || fresh === 0) break;
  }
  if (!users.includes(adminId)) users.push(adminId);
  const revoked: string[] = [];
  for (const user of users) {
    const data = await clearml.call<{ credentials?: unknown }>('auth.get_credentials', {}, { impersonate: user });
    for (const k of answeredList('auth.get_credentials', 'credentials', data.credentials)) {
      const accessKey = answered('auth.get_credentials', 'access_key', isRecord(k) ? k.access_key : undefined);
      await clearml.call('auth.revoke_credentials', { access_key: accessKey }, { impersonate: user });
      revoked.push(accessKey);
    }
  }
  say(`access keys of the company's ${users.length} users: ${revoked.length > 0 ? `revoked (${revoked.join(', ')})` : 'exists (none alive)'}`);

  const ledger = await ledgerSecrets.read(ledgerSecret);
  if (!ledger) throw new FatalError(`the ${ledgerWhere} disappeared while decommissioning; re-create it with the company and admin ids and re-run the Job`);
  if (ledger.data[SECRETS.ledger.stateKey] === 'decommissioned') {
    say(`${ledgerWhere}: exists (state decommissioned)`);
  } else {
    const outcome = await ledgerSecrets.replace(ledgerSecret, ledger, { ...ledger.data, [SECRETS.ledger.stateKey]: 'decommissioned' }, ledger.annotations, ctx.graceDeadline);
    if (!outcome.replaced) throw new TransientError(`the ${ledgerWhere} changed while marking it decommissioned; re-run the Job`);
    say(`${ledgerWhere}: updated (state decommissioned)`);
  }
  say(`tenant "${company.name}": decommissioned (company ${company.id}: no login routed to it, no live key; its data is kept)`);
  say(`to delete company ${company.id} ("${company.name}") and its data, ClearML's manual procedure is:`);
  say(`  1. in the apiserver container: python3 -m jobs.management.delete_company_data_from_mongo --id ${company.id} --name ${company.name} [--delete-user]`);
  say(`  2. then in the apiserver container: python3 -m jobs.management.cleanup_deleted_companies --ids ${company.id} --delete-company`);
  say(`  3. then delete the company's folder on the fileserver`);
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

/** Exit status of a run: the convention of every program (lib/programs/common/exit-codes.ts). */
export { EXIT };

/** Runs the bootstrap with this environment; never throws, answers the exit status. */
export async function run(env: Env, output: Output, signal?: AbortSignal): Promise<number> {
  try {
    await bootstrap(settingsFromEnv(env), output, signal);
    return EXIT.converged;
  } catch (e) {
    output.err(`bootstrap failed: ${errorText(e)}`);
    return exitCodeOf(e);
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
