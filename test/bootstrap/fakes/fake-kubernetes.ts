/**
 * An in-process fake of the Kubernetes Secrets API as the bootstrap uses it (BOOTSTRAP-API.md, section 2):
 * bearer token, `GET .../secrets/{name}` (404 when absent), `POST .../secrets` (409 when taken), and an RBAC
 * check built from the Role that synth writes, so the fake allows exactly what the Job is granted.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Answer, answerWithFault, Faults, Lifeline, readBody } from './faults';
import { LocalFake } from './http-server';

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
  readonly resourceVersion: string;
}

export interface FakeKubernetesOptions {
  readonly token: string;
  /** Namespace of the Role. */
  readonly roleNamespace: string;
  /** The Role's rules. */
  readonly rules: readonly PolicyRule[];
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
  private version = 0;

  constructor(
    private readonly lifeline: Lifeline,
    private readonly options: FakeKubernetesOptions,
  ) {
    super('fake Kubernetes');
  }

  /** Puts a Secret in place directly (what an operator or another run did). */
  put(namespace: string, name: string, data: Record<string, string>): void {
    this.version += 1;
    this.secrets.set(`${namespace}/${name}`, { namespace, name, data: { ...data }, resourceVersion: String(this.version) });
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
      let body: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; data?: Record<string, unknown> };
      try {
        body = JSON.parse(text);
      } catch {
        return statusObject(400, 'BadRequest', 'the body is not JSON');
      }
      const name = body.metadata?.name;
      if (body.kind !== 'Secret' || typeof name !== 'string' || name === '') return statusObject(422, 'Invalid', 'kind must be Secret with a metadata.name');
      if (body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) return statusObject(400, 'BadRequest', 'the namespace of the object does not match the namespace of the request');
      const data: Record<string, string> = {};
      for (const [key, value] of Object.entries(body.data ?? {})) {
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return statusObject(422, 'Invalid', `data[${key}] is not base64`);
        data[key] = Buffer.from(value, 'base64').toString('utf8');
      }
      this.beforeCreate?.(namespace, name);
      if (this.get(namespace, name)) return statusObject(409, 'AlreadyExists', `secrets "${name}" already exists`);
      this.put(namespace, name, data);
      this.changes.push(`create secret ${namespace}/${name}`);
      return { status: 201, body: render(this.get(namespace, name) as FakeSecret) };
    }
    // list, watch, update, patch, delete: never granted
    const verb = req.method === 'GET' ? 'list' : (req.method ?? 'unknown').toLowerCase();
    return forbidden(verb, one?.[1] ?? collection?.[1] ?? '?');
  }

  /** Whether the Role's rules grant `verb` on `secrets` (named `name` when given). */
  private allowed(verb: string, namespace: string, name?: string): boolean {
    if (namespace !== this.options.roleNamespace) return false;
    return this.options.rules.some(
      (r) =>
        (r.apiGroups ?? []).includes('') &&
        (r.resources ?? []).includes('secrets') &&
        r.verbs.includes(verb) &&
        (r.resourceNames === undefined || r.resourceNames.length === 0 || (name !== undefined && r.resourceNames.includes(name))),
    );
  }
}

function render(secret: FakeSecret) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.name, namespace: secret.namespace, resourceVersion: secret.resourceVersion },
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
