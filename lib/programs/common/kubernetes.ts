/**
 * The in-cluster Kubernetes client of the programs (Node built-ins only), on the shared HTTP client: a
 * bearer token read from a file on every request (projected tokens are rotated), the cluster's CA, JSON
 * requests retried on transient failures, and the Secret operations the bootstrap needs (get, create once,
 * replace against a `resourceVersion`); the MIG setup uses `getJson` and `mergePatch` on its node.
 *
 * Refusals (4xx other than 404/408/409/429) are {@link PermanentError}s that name the object, the status and
 * the API's message, plus the caller's hint about the rights it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PermanentError, TransientError, errorText, oneLine } from './errors';
import { Backoff, HttpAnswer, RetryPolicy, parseJson, send, transientStatus, withRetry } from './http';

/** The service account's files in every pod. */
export const SERVICE_ACCOUNT = {
  dir: '/var/run/secrets/kubernetes.io/serviceaccount',
  tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;

/** Where a cluster's API server is and how to authenticate to it. */
export interface KubernetesEndpoint {
  /** `https://host:port` (or `http://` in tests, then no CA is used). */
  readonly url: string;
  readonly tokenFile: string;
  /** PEM text of the cluster's CA. */
  readonly ca?: string;
  /** What to call this cluster in messages (e.g. `cluster gpu-eu-1`); empty for the program's own cluster. */
  readonly name?: string;
  /** Whether a missing token file is an error (the bootstrap) or means no Authorization header (MIG setup). @default true */
  readonly tokenRequired?: boolean;
  /** Which setting named the token file, for messages. @default 'KUBERNETES_TOKEN_FILE' */
  readonly tokenSetting?: string;
}

export interface KubernetesClientOptions {
  readonly timeoutMs: number;
  /** The retry policy of a call, with an optional later deadline (to record what was just made). */
  readonly retry: (deadline?: number) => RetryPolicy;
  readonly signal?: AbortSignal;
  /** Added to the message of a 401 or 403 (which rights to check). */
  readonly refusalHint?: string;
}

type SecretData = Readonly<Record<string, string>>;

/** A Secret as read: decoded data, annotations and the version to update it against. */
export interface StoredSecret {
  readonly data: SecretData;
  readonly annotations: SecretData;
  readonly resourceVersion: string;
}

/** What happened when creating a Secret: made by this run, or found (made by another run) with that data. */
export type SecretOutcome = { readonly created: true } | { readonly created: false; readonly existing: SecretData };

/** What happened when replacing a Secret: done, or someone else changed it first (as it is now; undefined: deleted). */
export type ReplaceOutcome = { readonly replaced: true } | { readonly replaced: false; readonly now: StoredSecret | undefined };

export class KubernetesClient {
  constructor(
    readonly endpoint: KubernetesEndpoint,
    private readonly options: KubernetesClientOptions,
  ) {}

  private get at(): string {
    return this.endpoint.name ? ` in ${this.endpoint.name}` : '';
  }

  private headers(): Record<string, string> {
    const { tokenFile, tokenRequired = true, tokenSetting = 'KUBERNETES_TOKEN_FILE' } = this.endpoint;
    if (!tokenRequired && !existsSync(tokenFile)) return {};
    let token: string;
    try {
      token = readFileSync(tokenFile, 'utf8').trim(); // read each time: projected tokens are rotated
    } catch (e) {
      throw new PermanentError(`cannot read the service account token ${tokenFile} (${tokenSetting}): ${errorText(e)}`);
    }
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  /** One attempt; a transient status becomes a {@link TransientError}, any other status is answered. */
  async once(method: string, path: string, body?: string, contentType?: string): Promise<HttpAnswer> {
    const answer = await send(`${this.endpoint.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: this.headers(),
      body,
      contentType,
      ca: this.endpoint.url.startsWith('https:') ? this.endpoint.ca : undefined,
      timeoutMs: this.options.timeoutMs,
      signal: this.options.signal,
    });
    const transient = transientStatus(`${method} ${path}${this.at}`, answer);
    if (transient) throw transient;
    return answer;
  }

  /** The refusal of `verb` on `what`, with the API's message and the hint about rights. */
  refusal(verb: string, what: string, answer: HttpAnswer): PermanentError {
    const status = parseJson(answer.body) as { message?: unknown } | undefined;
    const message = typeof status?.message === 'string' ? oneLine(status.message, 200) : oneLine(answer.body, 200);
    const hint = (answer.status === 401 || answer.status === 403) && this.options.refusalHint ? this.options.refusalHint : '';
    return new PermanentError(`Kubernetes${this.at} refused to ${verb} ${what}: HTTP ${answer.status} ${message}${hint}`);
  }

  /** GET a JSON object, retried; undefined when it does not exist (404). */
  getJson(path: string, what: string, deadline?: number): Promise<unknown> {
    return withRetry(this.options.retry(deadline), `get ${what}${this.at}`, async () => {
      const answer = await this.once('GET', path);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw this.refusal('get', what, answer);
      const parsed = parseJson(answer.body);
      if (parsed === undefined) throw new TransientError(`get ${what}${this.at}: unreadable answer`);
      return parsed;
    });
  }

  /** A JSON merge patch, retried (a merge patch is safe to send again). */
  mergePatch(path: string, what: string, patch: object): Promise<void> {
    return withRetry(this.options.retry(), `patch ${what}${this.at}`, async () => {
      const answer = await this.once('PATCH', path, JSON.stringify(patch), 'application/merge-patch+json');
      if (answer.status < 200 || answer.status >= 300) throw this.refusal('patch', what, answer);
    });
  }

  /** The Secrets of one namespace. */
  secrets(namespace: string): Secrets {
    return new Secrets(this, namespace, this.options.retry);
  }
}

/** Secret operations in one namespace (the bootstrap contract, section 2). */
export class Secrets {
  constructor(
    private readonly client: KubernetesClient,
    readonly namespace: string,
    private readonly retry: (deadline?: number) => RetryPolicy,
  ) {}

  private path(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/secrets`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  private body(name: string, data: SecretData, annotations: SecretData, resourceVersion?: string): string {
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'clearml-tenancy-bootstrap' },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
    });
  }

  /** The Secret's decoded data, or undefined when it does not exist. Retried. */
  async get(name: string, deadline?: number): Promise<SecretData | undefined> {
    return (await this.read(name, deadline))?.data;
  }

  /** The Secret with its metadata, or undefined when it does not exist. Retried. */
  read(name: string, deadline?: number): Promise<StoredSecret | undefined> {
    const what = `Secret ${this.namespace}/${name}`;
    return withRetry(this.retry(deadline), `get ${what}`, async () => {
      const answer = await this.client.once('GET', this.path(name));
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw this.client.refusal('get', what, answer);
      return decodeSecret(this.namespace, name, answer.body);
    });
  }

  /**
   * Creates the Secret once. A 409, or a failed attempt after which the Secret exists, means it is there
   * already: when its data equals ours, an earlier attempt of this run made it (its answer was lost);
   * otherwise another run was first, and its data is returned.
   */
  async create(name: string, data: SecretData, deadline?: number, annotations: SecretData = {}): Promise<SecretOutcome> {
    const what = `create Secret ${this.namespace}/${name}`;
    const body = this.body(name, data, annotations);
    const found = (existing: SecretData): SecretOutcome => (sameData(existing, data) ? { created: true } : { created: false, existing });
    const backoff = new Backoff(this.retry(deadline), what);
    for (;;) {
      let error: TransientError;
      try {
        const answer = await this.client.once('POST', this.path(), body);
        if (answer.status === 200 || answer.status === 201 || answer.status === 202) return { created: true };
        if (answer.status !== 409) throw this.client.refusal('create', `Secret ${this.namespace}/${name}`, answer);
        const existing = await this.get(name, deadline);
        if (existing === undefined) throw new TransientError(`${what}: HTTP 409, yet the Secret is not there`);
        return found(existing);
      } catch (e) {
        if (!(e instanceof TransientError)) throw e;
        error = e;
      }
      await backoff.wait(error);
      // The failed attempt may have been applied: look before posting again.
      const existing = await this.get(name, deadline);
      if (existing !== undefined) return found(existing);
    }
  }

  /**
   * Replaces the data and annotations of the Secret read as `current` (PUT with its `resourceVersion`). A 409,
   * or a failed attempt after which the Secret changed, means someone else changed it: unless it now holds our
   * data (an earlier attempt of this run was applied, its answer lost), the caller gets it as it is now.
   */
  async replace(name: string, current: StoredSecret, data: SecretData, annotations: SecretData, deadline?: number): Promise<ReplaceOutcome> {
    const what = `update Secret ${this.namespace}/${name}`;
    const body = this.body(name, data, annotations, current.resourceVersion);
    const backoff = new Backoff(this.retry(deadline), what);
    const settled = (now: StoredSecret | undefined): ReplaceOutcome | undefined => {
      if (now !== undefined && sameData(now.data, data) && sameData(now.annotations, { ...now.annotations, ...annotations })) return { replaced: true };
      if (now === undefined || now.resourceVersion !== current.resourceVersion) return { replaced: false, now };
      return undefined; // unchanged: our attempt was not applied
    };
    for (;;) {
      let error: TransientError;
      try {
        const answer = await this.client.once('PUT', this.path(name), body);
        if (answer.status === 200 || answer.status === 201) return { replaced: true };
        if (answer.status !== 409 && answer.status !== 404) throw this.client.refusal('update', `Secret ${this.namespace}/${name}`, answer);
        const now = await this.read(name, deadline);
        return settled(now) ?? { replaced: false, now };
      } catch (e) {
        if (!(e instanceof TransientError)) throw e;
        error = e;
      }
      await backoff.wait(error);
      // The failed attempt may have been applied: look before sending it again.
      const outcome = settled(await this.read(name, deadline));
      if (outcome !== undefined) return outcome;
    }
  }
}

function decodeSecret(namespace: string, name: string, body: string): StoredSecret {
  const secret = parseJson(body) as { data?: Record<string, unknown>; metadata?: { annotations?: Record<string, unknown>; resourceVersion?: unknown } } | undefined;
  if (secret === undefined || typeof secret !== 'object' || secret === null) throw new TransientError(`get Secret ${namespace}/${name}: unreadable answer`);
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.metadata?.annotations ?? {})) if (typeof value === 'string') annotations[key] = value;
  const version = secret.metadata?.resourceVersion;
  return { data, annotations, resourceVersion: typeof version === 'string' ? version : '' };
}

/** Whether two Secret data maps hold the same keys and values. */
export function sameData(a: SecretData, b: SecretData): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
