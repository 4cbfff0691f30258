/**
 * An in-process fake of the Kubernetes Secrets API as the bootstrap uses it (contract version 2, section 2):
 * bearer token, `GET .../secrets/{name}` (404 when absent), `POST .../secrets` (409 when taken),
 * `PUT .../secrets/{name}` (409 when the `resourceVersion` sent is not the current one), and an RBAC check
 * built from Roles (one per namespace), so the fake allows exactly what the Job is granted. Several can run at
 * once (one per cluster), each with its own URL, token, Roles and, with `tls`, its own CA (https).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Answer, answerWithFault, Faults, Lifeline, readBody } from './faults';
import { LocalFake, TlsIdentity } from './http-server';

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

export interface FakeSecret {
  readonly namespace: string;
  readonly name: string;
  /** Decoded values. */
  readonly data: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
}

/** A Role: its namespace and rules. */
export interface FakeRole {
  readonly namespace: string;
  readonly rules: readonly PolicyRule[];
}

export interface FakeKubernetesOptions {
  readonly token: string;
  /** The Roles bound to the Job's ServiceAccount. */
  readonly roles: readonly FakeRole[];
  /** Serve https with this key and certificate. @default - plain http */
  readonly tls?: TlsIdentity;
  /** Name in messages. @default 'fake Kubernetes' */
  readonly name?: string;
}

export class FakeKubernetes extends LocalFake {
  readonly secrets = new Map<string, FakeSecret>();
  /** Every applied change, in order. */
  readonly changes: string[] = [];
  /** Every request received: `VERB name`. */
  readonly calls: string[] = [];
  readonly faults = new Faults();
  /** Runs before a POST is applied (to simulate another run winning a race). */
  beforeCreate?: (namespace: string, name: string) => void;
  /** Runs before a PUT is applied (to simulate someone changing the Secret in between). */
  beforeUpdate?: (namespace: string, name: string) => void;
  /** Every PUT received, with the resourceVersion it carried. */
  readonly updates: { readonly namespace: string; readonly name: string; readonly resourceVersion?: string }[] = [];
  private version = 0;

  constructor(
    private readonly lifeline: Lifeline,
    private readonly options: FakeKubernetesOptions,
  ) {
    super(options.name ?? 'fake Kubernetes', options.tls);
  }

  /** Puts a Secret in place directly (what an operator or another run did). */
  put(namespace: string, name: string, data: Record<string, string>, annotations: Record<string, string> = {}): void {
    this.version += 1;
    this.secrets.set(`${namespace}/${name}`, { namespace, name, data: { ...data }, annotations: { ...annotations }, resourceVersion: String(this.version) });
  }

  /** Removes a Secret directly (what an operator or a tenant workload did); logged as a change. */
  delete(namespace: string, name: string): void {
    this.secrets.delete(`${namespace}/${name}`);
    this.changes.push(`delete secret ${namespace}/${name}`);
  }

  get(namespace: string, name: string): FakeSecret | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? '/').replace(/\?.*$/, '');
    const one = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(path);
    const collection = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(path);
    let name = one ? decodeURIComponent(one[2]) : '';
    // A call is named by verb and Secret name (`GET x`, `POST x`, `PUT x`), for the fault rules.
    if (collection && req.method === 'POST') {
      try {
        name = String(JSON.parse(text)?.metadata?.name ?? '');
      } catch {
        name = '';
      }
    }
    const call = `${req.method} ${name}`;
    this.calls.push(call);
    const fault = this.faults.take(call);
    answerWithFault(req, res, fault, this.lifeline, () => this.apply(req, one, collection, text), (status) => statusObject(status, status === 429 ? 'TooManyRequests' : 'InternalError', 'injected fault').body);
  }

  private apply(req: IncomingMessage, one: RegExpExecArray | null, collection: RegExpExecArray | null, text: string): Answer {
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return statusObject(401, 'Unauthorized', 'Unauthorized');
    if (one && req.method === 'GET') {
      const [, namespace, encoded] = one;
      const name = decodeURIComponent(encoded);
      if (!this.allowed('get', namespace, name)) return forbidden('get', namespace, name);
      const secret = this.get(namespace, name);
      if (!secret) return statusObject(404, 'NotFound', `secrets "${name}" not found`);
      return { status: 200, body: render(secret) };
    }
    if (collection && req.method === 'POST') {
      const namespace = collection[1];
      if (!this.allowed('create', namespace)) return forbidden('create', namespace);
      if (req.headers['content-type'] !== 'application/json') return statusObject(415, 'UnsupportedMediaType', 'the body must be JSON');
      let body: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: unknown }; data?: Record<string, unknown> };
      try {
        body = JSON.parse(text);
      } catch {
        return statusObject(400, 'BadRequest', 'the body is not JSON');
      }
      const name = body.metadata?.name;
      if (body.kind !== 'Secret' || typeof name !== 'string' || name === '') return statusObject(422, 'Invalid', 'kind must be Secret with a metadata.name');
      if (body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) return statusObject(400, 'BadRequest', 'the namespace of the object does not match the namespace of the request');
      const data = decodeData(body.data);
      if (typeof data === 'string') return statusObject(422, 'Invalid', data);
      this.beforeCreate?.(namespace, name);
      if (this.get(namespace, name)) return statusObject(409, 'AlreadyExists', `secrets "${name}" already exists`);
      this.put(namespace, name, data, stringMap(body.metadata?.annotations));
      this.changes.push(`create secret ${namespace}/${name}`);
      return { status: 201, body: render(this.get(namespace, name) as FakeSecret) };
    }
    if (one && req.method === 'PUT') {
      const [, namespace, encoded] = one;
      const name = decodeURIComponent(encoded);
      if (!this.allowed('update', namespace, name)) return forbidden('update', namespace, name);
      if (req.headers['content-type'] !== 'application/json') return statusObject(415, 'UnsupportedMediaType', 'the body must be JSON');
      let body: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown; annotations?: unknown }; data?: Record<string, unknown> };
      try {
        body = JSON.parse(text);
      } catch {
        return statusObject(400, 'BadRequest', 'the body is not JSON');
      }
      if (body.kind !== 'Secret' || body.metadata?.name !== name) return statusObject(400, 'BadRequest', 'the name of the object does not match the name in the URL');
      const data = decodeData(body.data);
      if (typeof data === 'string') return statusObject(422, 'Invalid', data);
      const resourceVersion = typeof body.metadata?.resourceVersion === 'string' ? body.metadata.resourceVersion : undefined;
      this.updates.push({ namespace, name, resourceVersion });
      this.beforeUpdate?.(namespace, name);
      const current = this.get(namespace, name);
      if (!current) return statusObject(404, 'NotFound', `secrets "${name}" not found`);
      if (resourceVersion !== undefined && resourceVersion !== current.resourceVersion) {
        return statusObject(409, 'Conflict', `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      this.put(namespace, name, data, stringMap(body.metadata?.annotations));
      this.changes.push(`update secret ${namespace}/${name}`);
      return { status: 200, body: render(this.get(namespace, name) as FakeSecret) };
    }
    // list, watch, patch, delete: never granted
    const verb = req.method === 'GET' ? 'list' : (req.method ?? 'unknown').toLowerCase();
    return forbidden(verb, one?.[1] ?? collection?.[1] ?? '?');
  }

  /** Whether the Role's rules grant `verb` on `secrets` (named `name` when given). */
  private allowed(verb: string, namespace: string, name?: string): boolean {
    const rules = this.options.roles.filter((role) => role.namespace === namespace).flatMap((role) => role.rules);
    return rules.some(
      (r) =>
        (r.apiGroups ?? []).includes('') &&
        (r.resources ?? []).includes('secrets') &&
        r.verbs.includes(verb) &&
        (r.resourceNames === undefined || r.resourceNames.length === 0 || (name !== undefined && r.resourceNames.includes(name))),
    );
  }
}

function decodeData(raw: Record<string, unknown> | undefined): Record<string, string> | string {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return `data[${key}] is not base64`;
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return data;
}

function stringMap(raw: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') map[k] = v;
  return map;
}

function render(secret: FakeSecret) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secret.name,
      namespace: secret.namespace,
      resourceVersion: secret.resourceVersion,
      ...(Object.keys(secret.annotations).length > 0 ? { annotations: { ...secret.annotations } } : {}),
    },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

function statusObject(code: number, reason: string, message: string): Answer {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

function forbidden(verb: string, namespace: string, name?: string): Answer {
  const what = name ? `secrets "${name}"` : 'secrets';
  return statusObject(403, 'Forbidden', `${what} is forbidden: User "system:serviceaccount:clearml:clearml-bootstrap" cannot ${verb} resource "secrets" in API group "" in the namespace "${namespace}"`);
}
