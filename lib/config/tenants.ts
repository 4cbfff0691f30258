/**
 * Tenant files: reading `tenants/*.yaml`, checking each against the schema and the rules a schema cannot
 * state, checking them against each other and the platform, and applying the defaults.
 *
 * {@link resolveTenants} reports every problem of every file in one `ConfigError` (file, field path,
 * value, what is allowed) and returns nothing unless all files are good.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { checkDnsName, checkEmail, checkFeaturesNotExcluded, isDnsLabel } from './checks';
import { ClearmlFeature } from './features';
import { DOCUMENT_PATH, validateSchema } from './json-schema';
import { GpuModel, isGpuModel, migProfiles, migResource, supportedFractions } from './mig-profiles';
import { ResolvedPlatform } from './platform';
import { ConfigError, Problems } from './problems';
import { compareQuantities } from './quantity';
import { DEFAULT_LIMIT_RANGE, LIFECYCLE_DEFAULTS, TENANT_SCHEMA, TenantSpec, TenantState } from './tenant-schema';

/** A tenant's `quota` as written (see TENANT_SCHEMA). */
export type TenantQuotaSpec = NonNullable<TenantSpec['quota']>;
/** A tenant's container defaults and maxima (`limitRange`, see TENANT_SCHEMA). */
export type TenantLimitRangeSpec = NonNullable<TenantSpec['limitRange']>;

/** A tenant with every default applied. Field meanings: see {@link TENANT_SCHEMA}. */
export interface ResolvedTenant {
  /** Where it came from (`tenants/acme.yaml`, or a pseudo name for tenants given in code). */
  readonly file: string;
  readonly name: string;
  readonly namespace: string;
  readonly admin: { readonly name: string; readonly email: string };
  /** Lifecycle state (README "Tenant lifecycle"). */
  readonly state: TenantState;
  /** Generation of the tenant's keys; raising it rotates them. */
  readonly credentialsGeneration: number;
  /** Login whitelist: e-mails routed to the company as admins, and as users. */
  readonly login: { readonly admins: readonly string[]; readonly users: readonly string[] };
  readonly ssoDomains: readonly string[];
  /** Absent: the server's company defaults apply. */
  readonly features?: readonly ClearmlFeature[];
  readonly excludeFeatures?: readonly ClearmlFeature[];
  readonly allowedUsers: number;
  readonly queues: {
    readonly default: { readonly maxPods: number; readonly requiredResources: number };
    readonly gpuFractions: readonly number[];
    readonly gpuModel: GpuModel;
    readonly maxPods: number;
  };
  readonly sessions: { readonly portMode: boolean; readonly externalIP: string; readonly startingPort: number; readonly maxServices: number };
  readonly router: { readonly hostName: string };
  readonly agent: { readonly imageTag: string; readonly defaultContainerImage: string; readonly debugMode: boolean; readonly maxResources: number };
  /** The ResourceQuota; absent: none. */
  readonly quota?: TenantQuotaSpec;
  /**
   * The LimitRange: `limitRange` as written, or {@link DEFAULT_LIMIT_RANGE} when the quota limits CPU or
   * memory and the file has no `limitRange`; absent: none.
   */
  readonly limitRange?: TenantLimitRangeSpec;
}

/** One tenant to check: a file's text, or a spec given in code. */
export interface TenantSource {
  /** The file name shown in problems, e.g. `tenants/acme.yaml`. */
  readonly file: string;
  /** YAML text of the file. */
  readonly text?: string;
  /** Already-parsed content (tenants given in code). */
  readonly spec?: TenantSpec;
  /** Require the file name to be `<name>.yaml`. @default - true when `text` is given */
  readonly checkFileName?: boolean;
}

/** Path of the YAML syntax problems of a file. */
export const YAML_PATH = '(yaml)';

/** The default router host of a tenant: `<name>-apps.<baseDomain>`. */
export function defaultRouterHost(name: string, baseDomain: string): string {
  return `${name}-apps.${baseDomain}`;
}

/** Namespaces no tenant may take: the platform's own and Kubernetes' reserved ones. */
export function platformNamespaces(platform: ResolvedPlatform): Set<string> {
  return new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    platform.sourceNamespace,
    platform.ingressNamespace,
    platform.gpuOperator.namespace,
    platform.dynamicMigOperator.namespace,
    platform.server.namespace,
    platform.redis.namespace,
    platform.billing.namespace,
    platform.migSetup.namespace,
    platform.network.dnsNamespace,
  ]);
}

/**
 * The tenant files of `dir` (`*.yaml`, sorted), with file names as `<dir>/<file>`. A `.yml` file is
 * returned too, so that it is reported rather than silently skipped. A missing folder has no tenants.
 */
export function readTenantFiles(dir: string): TenantSource[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: any) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => ({ file: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
}

/** Tenants given in code, named `(code) tenants[<i>]` in problems. */
export function codeTenants(specs: readonly TenantSpec[]): TenantSource[] {
  return specs.map((spec, i) => ({ file: `(code) tenants[${i}]`, spec, checkFileName: false }));
}

/** Parses a tenant file's YAML; reports syntax problems and returns undefined when there are any. */
export function parseTenantYaml(text: string, problems: Problems): unknown {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length === 0) return doc.toJS();
  const lines = text.split('\n');
  for (const error of doc.errors) {
    const line = error.linePos?.[0]?.line;
    const source = line !== undefined ? lines[line - 1]?.trim() : undefined;
    problems.add(YAML_PATH, source, `is not valid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`);
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const obj = (v: unknown): Record<string, any> => (isObject(v) ? v : {});

/**
 * Applies the defaults to a tenant file's content. The content is trusted to match the schema here;
 * {@link resolveTenants} only returns the result when it does.
 */
export function applyTenantDefaults(file: string, data: unknown, platform: ResolvedPlatform): ResolvedTenant {
  const t = obj(data) as TenantSpec;
  const queues = obj(t.queues);
  const sessions = obj(t.sessions);
  const agent = obj(t.agent);
  const maxPods = queues.maxPods ?? 10;
  return {
    file,
    name: t.name,
    namespace: t.namespace ?? t.name,
    admin: { name: obj(t.admin).name, email: obj(t.admin).email },
    state: t.state ?? LIFECYCLE_DEFAULTS.state,
    credentialsGeneration: t.credentialsGeneration ?? LIFECYCLE_DEFAULTS.credentialsGeneration,
    login: { admins: obj(t.login).admins ?? [], users: obj(t.login).users ?? [] },
    ssoDomains: t.ssoDomains ?? [],
    ...(t.features !== undefined ? { features: t.features } : {}),
    ...(t.excludeFeatures !== undefined ? { excludeFeatures: t.excludeFeatures } : {}),
    allowedUsers: t.allowedUsers ?? 10,
    queues: {
      default: { maxPods: obj(queues.default).maxPods ?? maxPods, requiredResources: obj(queues.default).requiredResources ?? 0.5 },
      gpuFractions: queues.gpuFractions ?? [1, 0.5, 0.25],
      gpuModel: queues.gpuModel ?? platform.tenantReleases.defaultGpuModel,
      maxPods,
    },
    sessions: {
      portMode: sessions.portMode ?? false,
      externalIP: sessions.externalIP ?? '0.0.0.0',
      startingPort: sessions.startingPort,
      maxServices: sessions.maxServices ?? 10,
    },
    router: { hostName: obj(t.router).hostName ?? defaultRouterHost(t.name, platform.baseDomain) },
    agent: {
      imageTag: agent.imageTag ?? platform.tenantReleases.agentImageTag,
      defaultContainerImage: agent.defaultContainerImage ?? platform.tenantReleases.defaultContainerImage,
      debugMode: agent.debugMode ?? true,
      maxResources: agent.maxResources ?? 3,
    },
    ...(t.quota !== undefined ? { quota: t.quota } : {}),
    ...(t.limitRange !== undefined ? { limitRange: t.limitRange } : t.quota !== undefined && limitsCompute(t.quota) ? { limitRange: DEFAULT_LIMIT_RANGE } : {}),
  };
}

/** Whether a quota limits CPU or memory, so that every container needs requests or limits for them. */
export function limitsCompute(quota: TenantQuotaSpec): boolean {
  return [quota.cpu, quota.memory, quota.limitsCpu, quota.limitsMemory].some((q) => q !== undefined);
}

/** The checks of one tenant that a JSON Schema cannot state. `tenant` has the defaults applied. */
function checkTenant(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform, fileName: string | undefined): void {
  if (typeof tenant.admin.email === 'string' && tenant.admin.email !== '') checkEmail(problems, 'admin.email', tenant.admin.email);
  if (Array.isArray(data.ssoDomains)) {
    data.ssoDomains.forEach((d: unknown, i: number) => {
      if (typeof d === 'string') checkDnsName(problems, `ssoDomains[${i}]`, d);
    });
  }
  checkLogin(problems, data);
  checkFeaturesNotExcluded(problems, 'features', data.features, { path: 'excludeFeatures', value: data.excludeFeatures });

  if (fileName !== undefined && fileName.endsWith('.yml')) {
    problems.add(DOCUMENT_PATH, fileName, `is not a tenant file name: tenant files are named <name>.yaml; rename it to ${typeof data.name === 'string' ? data.name : '<name>'}.yaml`);
  } else if (fileName !== undefined && typeof data.name === 'string' && fileName !== `${data.name}.yaml`) {
    problems.add('name', data.name, `must match the file name: the file is ${fileName}, so the name must be "${fileName.replace(/\.yaml$/, '')}" (or rename the file to ${data.name}.yaml)`);
  }

  const nsPath = data.namespace === undefined ? 'namespace (defaults to name)' : 'namespace';
  if (typeof tenant.namespace === 'string' && platformNamespaces(platform).has(tenant.namespace)) {
    problems.add(nsPath, tenant.namespace, `is a namespace of the platform or of Kubernetes; not allowed: ${[...platformNamespaces(platform)].sort().join(', ')}`);
  } else if (typeof tenant.namespace === 'string' && tenant.namespace.startsWith('kube-')) {
    problems.add(nsPath, tenant.namespace, 'must not start with "kube-" (reserved for Kubernetes)');
  }

  const model = tenant.queues.gpuModel;
  if (isGpuModel(model) && Array.isArray(tenant.queues.gpuFractions)) {
    const allowed = supportedFractions(model);
    tenant.queues.gpuFractions.forEach((f, i) => {
      if (typeof f !== 'number' || f <= 0 || f > 1) return; // the schema reports it
      if (migResource(model, f) === undefined) {
        const whose = obj(data.queues).gpuModel === undefined ? `the platform's default GPU model ${model}` : model;
        problems.add(`queues.gpuFractions[${i}]`, f, `has no MIG profile on ${whose}; allowed: ${allowed.join(', ')}`);
      }
    });
  }

  checkQuota(problems, data, tenant);

  const { startingPort, maxServices } = tenant.sessions;
  const range = platform.network.nodePortRange;
  if (Number.isInteger(startingPort) && (startingPort < range.min || startingPort > range.max)) {
    problems.add('sessions.startingPort', startingPort, `must be inside the NodePort range ${range.min}-${range.max} (the platform's network.nodePortRange)`);
  } else if (Number.isInteger(startingPort) && Number.isInteger(maxServices) && maxServices >= 1) {
    const last = startingPort + maxServices - 1;
    if (last > range.max) {
      problems.add('sessions.maxServices', maxServices, `makes the ports ${startingPort}-${last}, which leave the NodePort range ${range.min}-${range.max}; at most ${range.max - startingPort + 1} from startingPort ${startingPort}`);
    }
  }

  const host = tenant.router.hostName;
  const hostPath = obj(data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName';
  const derivedFromBadName = obj(data.router).hostName === undefined && !isDnsLabel(data.name); // the name's own problem says it
  if (typeof host === 'string' && !derivedFromBadName && checkDnsName(problems, hostPath, host)) {
    if (!host.endsWith(`.${platform.baseDomain}`)) {
      problems.add(hostPath, host, `must be inside the platform's base domain: "<something>.${platform.baseDomain}"`);
    }
    const platformHosts = Object.values(platform.hosts);
    if (platformHosts.includes(host)) problems.add(hostPath, host, `is a host of the ClearML server (${platformHosts.join(', ')}); choose another`);
  }
}

/** The login whitelist: e-mail syntax, and no e-mail both an admin and a user. */
function checkLogin(problems: Problems, data: Record<string, any>): void {
  const login = obj(data.login);
  const admins = new Set<string>();
  for (const role of ['admins', 'users'] as const) {
    if (!Array.isArray(login[role])) continue;
    login[role].forEach((e: unknown, i: number) => {
      if (typeof e !== 'string' || e === '' || !checkEmail(problems, `login.${role}[${i}]`, e)) return;
      if (role === 'admins') admins.add(e.toLowerCase());
      else if (admins.has(e.toLowerCase())) problems.add(`login.${role}[${i}]`, e, 'is also in login.admins; list each e-mail once, under admins or under users');
    });
  }
}

/** The whitelisted e-mails of a tenant, lower-cased, with their field paths. */
function loginEmails(c: Checked): Array<{ path: string; email: string }> {
  const login = obj(c.data.login);
  return (['admins', 'users'] as const).flatMap((role) =>
    Array.isArray(login[role]) ? login[role].flatMap((e: unknown, i: number) => (typeof e === 'string' ? [{ path: `login.${role}[${i}]`, email: e.toLowerCase() }] : [])) : [],
  );
}

/** An e-mail whitelisted by two tenants: ClearML routes a login to one company only. Reported on the later file, naming both. */
function checkLoginUnique(items: readonly Checked[]): void {
  const first = new Map<string, { c: Checked; path: string }>();
  for (const c of items) {
    for (const { path, email } of loginEmails(c)) {
      const prev = first.get(email);
      if (prev && prev.c !== c) {
        c.problems.add(path, email, `is also whitelisted by ${prev.c.file} (${prev.path}); a login goes to one company only, so list the e-mail in one tenant file (${prev.c.file} or ${c.file})`);
      } else if (!prev) first.set(email, { c, path });
    }
  }
}

/**
 * The quota and LimitRange rules a schema cannot state: MIG profiles of the tenant's GPU model, queues
 * that the quota would never let run, limits below requests, and containers the quota would reject.
 */
function checkQuota(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant): void {
  const quota = isObject(data.quota) ? (data.quota as TenantQuotaSpec) : undefined;
  const range = isObject(data.limitRange) ? (data.limitRange as TenantLimitRangeSpec) : undefined;
  const model = tenant.queues.gpuModel;
  const whose = obj(data.queues).gpuModel === undefined ? `the platform's default GPU model ${model}` : `GPU model ${model} (queues.gpuModel)`;

  if (quota && isObject(quota.mig) && isGpuModel(model)) {
    const profiles = migProfiles(model);
    for (const [profile, count] of Object.entries(quota.mig)) {
      if (!profiles.includes(profile)) {
        problems.add(`quota.mig.${profile}`, count, `is not a MIG profile of ${whose}; allowed: ${profiles.join(', ')}`);
      } else if (count === 0 && Array.isArray(tenant.queues.gpuFractions)) {
        const fraction = tenant.queues.gpuFractions.find((f) => migResource(model, f) === `nvidia.com/mig-${profile}`);
        if (fraction !== undefined) {
          problems.add(`quota.mig.${profile}`, count, `leaves the queue of GPU fraction ${fraction} (queues.gpuFractions) no device ever; allow at least 1, or remove the fraction`);
        }
      }
    }
  }

  const notBelow = (lowPath: string, low: unknown, highPath: string, high: unknown, why: string) => {
    if (typeof low !== 'string' || typeof high !== 'string') return;
    if (compareQuantities(low, high) === 1) problems.add(highPath, high, `must be at least ${lowPath} (${JSON.stringify(low)}): ${why}`);
  };
  if (quota) {
    notBelow('quota.cpu', quota.cpu, 'quota.limitsCpu', quota.limitsCpu, 'a container\'s limit is never below its request');
    notBelow('quota.memory', quota.memory, 'quota.limitsMemory', quota.limitsMemory, 'a container\'s limit is never below its request');
  }
  if (range) {
    for (const [resource, label] of [['Cpu', 'CPU'], ['Memory', 'memory']] as const) {
      const request = range[`defaultRequest${resource}`];
      const limit = range[`default${resource}`];
      const max = range[`max${resource}`];
      const why = 'Kubernetes requires defaultRequest <= default <= max';
      notBelow(`limitRange.defaultRequest${resource}`, request, `limitRange.default${resource}`, limit, why);
      notBelow(`limitRange.default${resource}`, limit, `limitRange.max${resource}`, max, why);
      if (limit === undefined) notBelow(`limitRange.defaultRequest${resource}`, request, `limitRange.max${resource}`, max, why);
      // Kubernetes fills a missing request from the default limit, and a missing default limit from max.
      const requestFilled = request !== undefined || limit !== undefined || max !== undefined;
      const limitFilled = limit !== undefined || max !== undefined;
      const quotaRequest = resource === 'Cpu' ? quota?.cpu : quota?.memory;
      const quotaLimit = resource === 'Cpu' ? quota?.limitsCpu : quota?.limitsMemory;
      const quotaPath = resource === 'Cpu' ? 'cpu' : 'memory';
      if (quotaRequest !== undefined && !requestFilled) {
        problems.add(`limitRange.defaultRequest${resource}`, undefined, `is required: quota.${quotaPath} limits ${label} requests, and Kubernetes rejects containers without a ${label} request; set defaultRequest${resource}, default${resource} or max${resource} (or remove limitRange to get the built-in defaults)`);
      }
      if (quotaLimit !== undefined && !limitFilled) {
        problems.add(`limitRange.default${resource}`, undefined, `is required: quota.limits${resource} limits ${label} limits, and Kubernetes rejects containers without a ${label} limit; set default${resource} or max${resource} (or remove limitRange to get the built-in defaults)`);
      }
    }
  }
}

interface Checked {
  readonly file: string;
  readonly problems: Problems;
  readonly data: Record<string, any>;
  readonly tenant: ResolvedTenant;
}

/** Reports `value` of a later file that equals one of an earlier file, on the later file. */
function checkUnique(items: readonly Checked[], path: (c: Checked) => string, value: (c: Checked) => unknown, what: string): void {
  const first = new Map<unknown, Checked>();
  for (const c of items) {
    const v = value(c);
    if (typeof v !== 'string') continue;
    const prev = first.get(v);
    if (prev) c.problems.add(path(c), v, `is also the ${what} of ${prev.file}; each tenant needs its own`);
    else first.set(v, c);
  }
}

/** Session port ranges that overlap, each pair reported on the file that comes later in `items`. */
function checkPortRanges(items: readonly Checked[]): void {
  const ranges = items
    .map((c, index) => ({ c, index, start: c.tenant.sessions.startingPort, count: c.tenant.sessions.maxServices }))
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.count) && r.count >= 1)
    .map((r) => ({ ...r, end: r.start + r.count })) // exclusive
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const open: typeof ranges = [];
  for (const r of ranges) {
    for (let i = open.length - 1; i >= 0; i--) if (open[i].end <= r.start) open.splice(i, 1);
    for (const o of open) {
      const [later, earlier] = r.index > o.index ? [r, o] : [o, r];
      later.c.problems.add(
        'sessions.startingPort',
        later.start,
        `makes the ports ${later.start}-${later.end - 1} (startingPort + maxServices), which overlap the ports ${earlier.start}-${earlier.end - 1} of ${earlier.c.file}; pick a free range (npm run tenant:new does)`,
      );
    }
    open.push(r);
  }
}

/**
 * The problems of the tenants that need no platform: YAML syntax and schema. For reporting them along
 * with the platform's own problems when the platform props are wrong.
 */
export function tenantSchemaProblems(sources: readonly TenantSource[]): Problems {
  const all = new Problems();
  for (const source of sources) {
    const problems = all.forFile(source.file);
    const data = source.text !== undefined ? parseTenantYaml(source.text, problems) : source.spec;
    if (source.text === undefined || data !== undefined) validateSchema(TENANT_SCHEMA, data, problems);
  }
  return all;
}

/**
 * Checks every tenant (schema, rules, against each other and the platform) and applies the defaults.
 * Throws one `ConfigError` with all problems of all tenants; returns the tenants in the given order.
 */
export function resolveTenants(sources: readonly TenantSource[], platform: ResolvedPlatform): ResolvedTenant[] {
  const all = new Problems();
  const checked: Checked[] = [];
  for (const source of sources) {
    const problems = all.forFile(source.file);
    const data = source.text !== undefined ? parseTenantYaml(source.text, problems) : source.spec;
    if (source.text !== undefined && data === undefined) continue;
    validateSchema(TENANT_SCHEMA, data, problems);
    if (!isObject(data)) continue;
    const tenant = applyTenantDefaults(source.file, data, platform);
    const fileName = (source.checkFileName ?? source.text !== undefined) ? basename(source.file) : undefined;
    checkTenant(problems, data, tenant, platform, fileName);
    checked.push({ file: source.file, problems, data, tenant });
  }
  checkUnique(checked, () => 'name', (c) => c.tenant.name, 'name');
  checkUnique(checked, (c) => (c.data.namespace === undefined ? 'namespace (defaults to name)' : 'namespace'), (c) => c.tenant.namespace, 'namespace');
  checkUnique(checked, (c) => (obj(c.data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName'), (c) => c.tenant.router.hostName, 'router host name');
  checkPortRanges(checked);
  checkLoginUnique(checked);
  if (all.count > 0) {
    const order = new Map(sources.map((source, i) => [source.file, i]));
    throw new ConfigError([...all.all].sort((a, b) => (order.get(a.file!) ?? 0) - (order.get(b.file!) ?? 0)));
  }
  return checked.map((c) => c.tenant);
}
