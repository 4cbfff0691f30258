/**
 * An in-process fake of the ClearML apiserver, as the contract (version 2, section 1) describes it:
 * the calls the bootstrap makes, the envelope, Basic auth, `X-Clearml-Impersonate-As` / `X-Clearml-Act-As`,
 * the error codes that matter, and fault injection per call.
 */
import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Answer, answerWithFault, Faults, Lifeline, readBody } from './faults';
import { LocalFake } from './http-server';

export interface FakeCompany {
  readonly id: string;
  readonly name: string;
  readonly defaults: Record<string, unknown>;
  settings: Record<string, unknown>;
  domains: string[];
  whitelist: { email: string; is_admin: boolean }[];
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly company: string;
  readonly email: string;
  readonly role: string;
  readonly internal?: boolean;
}

/** One request as received: the action and the identity headers it carried. */
export interface FakeRequest {
  readonly action: string;
  readonly impersonate?: string;
  readonly actAs?: string;
}

export interface FakeKey {
  readonly access_key: string;
  readonly secret_key: string;
  readonly label?: string;
  readonly user: string;
  revoked: boolean;
}

export interface FakeQueue {
  readonly id: string;
  readonly name: string;
  readonly company: string;
}

interface Identity {
  readonly user: string;
  readonly role: string;
  readonly company: string;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly subcode: number,
    message: string,
  ) {
    super(message);
  }
}

export const SUPERVISOR = { user: 'supervisor', role: 'system', company: 'system-company', accessKey: 'SUPERVISORKEY0001', secretKey: 'supervisor-secret-do-not-print' };

export interface FakeClearmlOptions {
  /** `company.unique_names`: a second company with a taken name is refused with 801. @default false */
  readonly uniqueCompanyNames?: boolean;
}

export class FakeClearml extends LocalFake {
  readonly companies: FakeCompany[] = [];
  readonly users: FakeUser[] = [];
  readonly keys: FakeKey[] = [];
  readonly queues: FakeQueue[] = [];
  /** Every applied change, in order: `action detail`. */
  readonly changes: string[] = [];
  /** Every request received: `action`. */
  readonly calls: string[] = [];
  /** Every request received, with its identity headers. */
  readonly requests: FakeRequest[] = [];
  readonly faults = new Faults();
  /** Rewrites the data of a successful answer of that action (to test how the program checks answers). */
  readonly tamper = new Map<string, (data: any) => unknown>();
  /** Runs when a key is revoked (the harness checks that no Secret holds it). */
  onRevoke?: (key: FakeKey) => void;
  private counter = 0;

  constructor(
    private readonly lifeline: Lifeline,
    private readonly options: FakeClearmlOptions = {},
  ) {
    super('fake ClearML');
    this.users.push({ id: SUPERVISOR.user, name: 'supervisor', company: SUPERVISOR.company, email: 'supervisor@example.com', role: SUPERVISOR.role });
    this.keys.push({ access_key: SUPERVISOR.accessKey, secret_key: SUPERVISOR.secretKey, user: SUPERVISOR.user, revoked: false });
  }

  // ----- direct state helpers for tests -----

  addCompany(name: string): FakeCompany {
    const company: FakeCompany = { id: this.id('company'), name, defaults: {}, settings: {}, domains: [], whitelist: [] };
    this.companies.push(company);
    return company;
  }

  addUser(company: string, email: string, role = 'admin'): FakeUser {
    const user: FakeUser = { id: this.id('user'), name: email, company, email, role };
    this.users.push(user);
    return user;
  }

  addQueue(company: string, name: string): FakeQueue {
    const queue: FakeQueue = { id: this.id('queue'), name, company };
    this.queues.push(queue);
    return queue;
  }

  addKey(user: string, label?: string): FakeKey {
    const n = this.next();
    const key: FakeKey = { access_key: `AK${String(n).padStart(8, '0')}`, secret_key: `secret-${n}-${randomBytes(12).toString('hex')}`, label, user, revoked: false };
    this.keys.push(key);
    return key;
  }

  liveKeys(user: string): FakeKey[] {
    return this.keys.filter((k) => k.user === user && !k.revoked);
  }

  // ----- the API -----

  private next(): number {
    this.counter += 1;
    return this.counter;
  }

  private id(kind: string): string {
    return `${kind}-${this.next()}`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const action = (req.url ?? '/').replace(/^\/+/, '').replace(/\?.*$/, '');
    this.calls.push(action);
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    this.requests.push({ action, impersonate: header('x-clearml-impersonate-as'), actAs: header('x-clearml-act-as') });
    const fault = this.faults.take(action);
    answerWithFault(req, res, fault, this.lifeline, () => this.apply(action, req, text), (status) => envelope(action, status, 0, status === 429 ? 'Too many requests' : 'Internal server error', null).body);
  }

  private apply(action: string, req: IncomingMessage, text: string): Answer {
    try {
      if (req.method !== 'POST') throw new ApiFailure(400, 1, 'endpoint is not supported');
      const identity = this.identity(req);
      let body: Record<string, unknown>;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new ApiFailure(400, 12, 'validation error: body is not JSON');
      }
      if (req.headers['content-type'] !== 'application/json') throw new ApiFailure(400, 5, 'invalid headers: Content-Type must be application/json');
      const data = this.dispatch(action, identity, body);
      const tamper = this.tamper.get(action);
      return envelope(action, 200, 0, 'OK', tamper ? tamper(data) : data);
    } catch (e) {
      if (e instanceof ApiFailure) return envelope(action, e.status, e.subcode, e.message, null);
      throw e;
    }
  }

  private identity(req: IncomingMessage): Identity {
    const header = req.headers.authorization;
    if (!header) throw new ApiFailure(401, 20, 'unauthorized (missing credentials)');
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new ApiFailure(401, 21, 'unauthorized (malformed credentials)');
    const key = this.keys.find((k) => k.access_key === decoded.slice(0, colon) && !k.revoked);
    if (!key || key.secret_key !== decoded.slice(colon + 1)) throw new ApiFailure(401, 22, 'unauthorized (invalid credentials)');
    const caller = this.user(key.user);
    const impersonate = req.headers['x-clearml-impersonate-as'];
    const actAs = req.headers['x-clearml-act-as'];
    if (impersonate !== undefined && actAs !== undefined) throw new ApiFailure(400, 5, 'invalid headers: Impersonate-As and Act-As together');
    const target = impersonate ?? actAs;
    if (target === undefined) return { user: caller.id, role: caller.role, company: caller.company };
    if (caller.role !== 'system' && caller.role !== 'root') throw new ApiFailure(403, 20, 'forbidden (not allowed for role): impersonation');
    const user = this.users.find((u) => u.id === target);
    if (!user) throw new ApiFailure(400, 6, `impersonation error: no user ${String(target)}`);
    return impersonate !== undefined ? { user: user.id, role: user.role, company: user.company } : { user: caller.id, role: caller.role, company: user.company };
  }

  private user(id: string): FakeUser {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new ApiFailure(401, 22, 'unauthorized (invalid credentials)');
    return user;
  }

  private dispatch(action: string, who: Identity, body: Record<string, unknown>): unknown {
    const requireRole = (...roles: string[]) => {
      if (!roles.includes(who.role)) throw new ApiFailure(403, 20, `forbidden (not allowed for role ${who.role})`);
    };
    const requireString = (field: string): string => {
      const value = body[field];
      if (value === undefined) throw new ApiFailure(400, 11, `missing required fields: ${field}`);
      if (typeof value !== 'string' || value === '') throw new ApiFailure(400, 12, `validation error: ${field} must be a string`);
      return value;
    };
    const companyById = (id: string): FakeCompany => {
      const company = this.companies.find((c) => c.id === id);
      if (!company) throw new ApiFailure(400, 10, `invalid object id: company ${id}`);
      return company;
    };
    const checkSettings = (settings: Record<string, unknown>) => {
      for (const list of ['features', 'exclude_features']) {
        const v = settings[list];
        if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new ApiFailure(400, 12, `validation error: ${list}`);
      }
      const users = settings.allowed_users;
      if (users !== undefined && !Number.isInteger(users)) throw new ApiFailure(400, 12, 'validation error: allowed_users must be an integer');
    };

    switch (action) {
      case 'system.get_companies':
        requireRole('system', 'root');
        return { companies: this.companies.map((c) => ({ id: c.id, name: c.name })) };
      case 'system.create_company': {
        requireRole('system', 'root');
        const name = requireString('name');
        const defaults = (body.defaults ?? {}) as Record<string, unknown>;
        checkSettings(defaults);
        if (this.options.uniqueCompanyNames && this.companies.some((c) => c.name === name)) throw new ApiFailure(400, 801, 'value combination already exists: company name');
        const company: FakeCompany = { id: this.id('company'), name, defaults, settings: { ...defaults }, domains: [], whitelist: [] };
        this.companies.push(company);
        this.changes.push(`create_company ${name} ${company.id}`);
        return { id: company.id };
      }
      case 'system.update_company_settings': {
        requireRole('system', 'root');
        const company = companyById(requireString('company'));
        const { company: _, ...settings } = body;
        checkSettings(settings);
        company.settings = { ...company.settings, ...settings };
        this.changes.push(`update_company_settings ${company.id}`);
        return { updated: 1 };
      }
      case 'auth.create_user': {
        requireRole('system', 'root', 'admin');
        const name = requireString('name');
        const company = companyById(requireString('company')).id;
        const email = requireString('email');
        if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ApiFailure(400, 22, 'malformed email address');
        const role = (body.role as string | undefined) ?? 'user';
        if (this.users.some((u) => u.email.toLowerCase() === email.toLowerCase())) throw new ApiFailure(400, 801, 'value combination already exists: email');
        if (body.internal !== undefined && typeof body.internal !== 'boolean') throw new ApiFailure(400, 12, 'validation error: internal must be a boolean');
        const user: FakeUser = { id: this.id('user'), name, company, email, role, ...(body.internal === true ? { internal: true } : {}) };
        this.users.push(user);
        this.changes.push(`create_user ${email} ${user.id}${user.internal ? ' internal' : ''}`);
        return { id: user.id };
      }
      case 'users.get_by_id': {
        const id = requireString('user');
        const user = this.users.find((u) => u.id === id);
        if (!user) throw new ApiFailure(400, 10, `invalid user id: ${id}`);
        if (who.role !== 'system' && who.role !== 'root' && user.company !== who.company) throw new ApiFailure(400, 10, `invalid user id: ${id}`);
        return { user: { id: user.id, name: user.name, company: user.company, role: user.role, email: user.email } };
      }
      case 'users.get_all': {
        const page = body.page === undefined ? 0 : Number(body.page);
        const size = body.page_size === undefined ? 500 : Number(body.page_size);
        if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1) throw new ApiFailure(400, 12, 'validation error: page, page_size');
        const all = this.users.filter((u) => u.company === who.company);
        return { users: all.slice(page * size, page * size + size).map((u) => ({ id: u.id, company: u.company, name: u.name })) };
      }
      case 'auth.create_credentials': {
        const label = body.label === undefined ? undefined : String(body.label);
        const key = this.addKey(who.user, label);
        this.changes.push(`create_credentials ${key.access_key} ${label ?? ''} for ${who.user}`);
        return { credentials: { access_key: key.access_key, secret_key: key.secret_key, label } };
      }
      case 'auth.get_credentials':
        return { credentials: this.liveKeys(who.user).map((k) => ({ access_key: k.access_key, label: k.label })) };
      case 'auth.revoke_credentials': {
        const accessKey = requireString('access_key');
        const key = this.keys.find((k) => k.access_key === accessKey && k.user === who.user && !k.revoked);
        if (!key) return { revoked: 0 };
        key.revoked = true;
        this.changes.push(`revoke_credentials ${accessKey}`);
        this.onRevoke?.(key);
        return { revoked: 1 };
      }
      case 'login.set_domains': {
        requireRole('system', 'root', 'admin');
        const domains = body.domains;
        if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string' && /^[a-z0-9.-]+\.[a-z]+$/i.test(d))) throw new ApiFailure(400, 23, 'malformed domain name');
        const company = companyById(who.company);
        company.domains = [...domains];
        this.changes.push(`set_domains ${company.id}`);
        return {};
      }
      case 'login.get_settings': {
        requireRole('system', 'root', 'admin');
        const company = companyById(who.company);
        return { domains: [...company.domains], whitelist: company.whitelist.map((w) => ({ ...w })) };
      }
      case 'login.add_whitelist_entries': {
        requireRole('system', 'root', 'admin');
        const company = companyById(who.company);
        const emails = body.emails;
        if (!Array.isArray(emails) || !emails.every((e) => typeof e === 'string' && /^[^@\s]+@[^@\s]+$/.test(e))) throw new ApiFailure(400, 22, 'malformed email address');
        if (typeof body.is_admin !== 'boolean') throw new ApiFailure(400, 12, 'validation error: is_admin must be a boolean');
        for (const email of emails as string[]) {
          company.whitelist = company.whitelist.filter((w) => w.email.toLowerCase() !== email.toLowerCase());
          company.whitelist.push({ email, is_admin: body.is_admin });
        }
        this.changes.push(`add_whitelist_entries ${company.id} ${(emails as string[]).join(',')} admin=${body.is_admin}`);
        return {};
      }
      case 'login.remove_whitelist_entries': {
        requireRole('system', 'root', 'admin');
        const company = companyById(who.company);
        const emails = body.emails;
        if (!Array.isArray(emails) || !emails.every((e) => typeof e === 'string')) throw new ApiFailure(400, 12, 'validation error: emails');
        const gone = new Set((emails as string[]).map((e) => e.toLowerCase()));
        company.whitelist = company.whitelist.filter((w) => !gone.has(w.email.toLowerCase()));
        this.changes.push(`remove_whitelist_entries ${company.id} ${(emails as string[]).join(',')}`);
        return {};
      }
      case 'queues.get_all': {
        let pattern: RegExp | undefined;
        if (body.name !== undefined) {
          try {
            pattern = new RegExp(String(body.name));
          } catch {
            throw new ApiFailure(400, 21, 'malformed regular expression');
          }
        }
        return { queues: this.queues.filter((q) => q.company === who.company && (!pattern || pattern.test(q.name))).map((q) => ({ id: q.id, name: q.name })) };
      }
      case 'queues.create': {
        const name = requireString('name');
        if (this.queues.some((q) => q.company === who.company && q.name === name)) throw new ApiFailure(400, 801, 'value combination already exists: queue name');
        const queue = { id: this.id('queue'), name, company: who.company };
        this.queues.push(queue);
        this.changes.push(`create_queue ${name} ${queue.id} in ${who.company}`);
        return { id: queue.id };
      }
      default:
        throw new ApiFailure(400, 1, `endpoint is not supported: ${action}`);
    }
  }
}

function envelope(action: string, code: number, subcode: number, msg: string, data: unknown): Answer {
  return {
    status: code,
    body: {
      meta: {
        id: randomBytes(16).toString('hex'),
        trx: randomBytes(16).toString('hex'),
        endpoint: { name: action, requested_version: '2.31', actual_version: '2.31' },
        result_code: code,
        result_subcode: subcode,
        result_msg: msg,
        error_stack: null,
        error_data: {},
      },
      data,
    },
  };
}
