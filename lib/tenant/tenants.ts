/**
 * Tenant files: reading `tenants/*.yaml`, checking each against the schema and the rules a schema cannot
 * state, checking them against each other and the platform, and applying the defaults.
 *
 * {@link resolveTenants} reports every problem of every file in one `ConfigError` (file, field path,
 * value, what is allowed) and returns nothing unless all files are good.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { gitopsFlavor } from '../flavors/index';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { checkDnsName, checkEmail, checkFeaturesNotExcluded, isDnsLabel } from '../config/checks';
import { ClearmlFeature } from '../config/features';
import { DOCUMENT_PATH, validateSchema } from '../config/json-schema';
import { GpuModel, isGpuModel, migProfiles, migResource, supportedFractions } from '../config/mig-profiles';
import { ResolvedPlatform } from '../platform/platform';
import { componentNamespaces } from '../components/derived';
import { ConfigError, Problems, shorten } from '../core/problems';
import { compareQuantities } from '../core/quantity';
import { ResolvedStreamSession, checkStreamPortRanges, checkStreamSession, resolveStreamSession } from './stream-ports';
import { DEFAULT_LIMIT_RANGE, TENANT_DEFAULTS, TENANT_SCHEMA, TenantSpec, TenantState } from '../config/tenant-schema';
import { checkTenantLimits } from './tenant-limits';

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
  /** The router (app gateway); `streamSession` is used by the app gateway only. */
  readonly router: { readonly hostName: string; readonly streamSession: ResolvedStreamSession };
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
  /** Why the file cannot be a tenant file (it was not read); reported on `(file)`. @default - it was read */
  readonly unreadable?: string;
}

/** Path of the problems of a file as a whole (not a tenant file, unreadable). */
export const FILE_PATH = '(file)';

/** The largest tenant file read (a tenant file is a few hundred bytes). */
export const MAX_TENANT_FILE_BYTES = 256 * 1024;

/** Most alias expansions in a tenant file (`YAML` `maxAliasCount`): a tenant file needs none. */
export const MAX_YAML_ALIASES = 100;

/**
 * Public webmail domains: never a tenant's SSO domain (anyone can get an address there, so the tenant
 * would admit strangers and the server would route all of them to it).
 */
export const PUBLIC_EMAIL_DOMAINS: readonly string[] = [
  '126.com', '163.com', 'aol.com', 'fastmail.com', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hey.com',
  'hotmail.com', 'icloud.com', 'live.com', 'mac.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com', 'outlook.com', 'pm.me',
  'proton.me', 'protonmail.com', 'qq.com', 'tuta.io', 'tutanota.com', 'web.de', 'yahoo.com', 'yandex.com', 'yandex.ru',
  'ymail.com', 'zoho.com',
];

/**
 * Namespaces of common cluster add-ons: never a tenant namespace, whatever `tenancy.namespacePrefix`
 * says (a tenant namespace gets deny-all policies and Pod Security `baseline`, and is pruned with the
 * tenant).
 */
export const ADDON_NAMESPACES: readonly string[] = [
  'argocd', 'calico-apiserver', 'calico-system', 'cattle-system', 'cert-manager', 'cilium', 'cilium-system', 'external-dns', 'external-secrets',
  'flux-system', 'gatekeeper-system', 'ingress-nginx', 'istio-system', 'keda', 'kubernetes-dashboard', 'kyverno', 'linkerd', 'local-path-storage',
  'longhorn-system', 'metallb-system', 'monitoring', 'nvidia-gpu-operator', 'olm', 'operators', 'prometheus', 'rook-ceph', 'tigera-operator',
  'traefik', 'vault', 'velero',
];

/** Path of the YAML syntax problems of a file. */
export const YAML_PATH = '(yaml)';

/**
 * The NodePorts of a tenant's sessions: the agent chart gives them `startingPort+1` ...
 * `startingPort+maxServices` (both ends included).
 */
export function sessionPorts(sessions: { readonly startingPort: number; readonly maxServices: number }): { readonly first: number; readonly last: number } {
  return { first: sessions.startingPort + 1, last: sessions.startingPort + sessions.maxServices };
}

/** The default router host of a tenant: `<name>-apps.<baseDomain>`. */
export function defaultRouterHost(name: string, baseDomain: string): string {
  return `${name}-apps.${baseDomain}`;
}

/**
 * The namespaces no tenant may take, each with the rule that reserves it: every namespace of the
 * resolved platform, Kubernetes' own, the GitOps controller's, common add-ons' and the platform's
 * `tenancy.reservedNamespaces`. (Names starting with `kube-` are refused too; see {@link namespaceRefusal}.)
 */
export function reservedNamespaces(platform: ResolvedPlatform): Map<string, string> {
  const reserved = new Map<string, string>();
  const add = (ns: string, why: string) => {
    if (!reserved.has(ns)) reserved.set(ns, why);
  };
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) add(ns, 'a namespace of Kubernetes');
  const gitops = platform.gitopsSettings;
  for (const ns of gitopsFlavor(gitops.flavor).controllerNamespaces(gitops, platform.sourceNamespace)) add(ns, `the namespace of the GitOps controller (${gitops.flavor})`);
  // The platform's own: chart sources and ingress, every component's (from the registry, lib/components/), DNS.
  const own: Array<[string, string]> = [
    [platform.sourceNamespace, 'sourceNamespace'],
    [platform.ingressNamespace, 'ingressNamespace'],
    ...componentNamespaces(platform).map((n): [string, string] => [n.namespace, n.field]),
    [platform.network.dnsNamespace, 'network.dnsNamespace'],
  ];
  for (const [ns, field] of own) add(ns, `a namespace of the platform (${field})`);
  for (const ns of platform.tenancy.reservedNamespaces) add(ns, "reserved by the platform (tenancy.reservedNamespaces)");
  for (const ns of ADDON_NAMESPACES) add(ns, 'reserved for a common cluster add-on');
  return reserved;
}

/**
 * Why `namespace` cannot be the namespace of tenant `name`, or undefined when it may be: the reserved
 * namespaces first, then the platform's allowlist (`<prefix><name>` or `<prefix><name>-<suffix>`).
 */
export function namespaceRefusal(namespace: string, name: string, platform: ResolvedPlatform, reserved = reservedNamespaces(platform)): string | undefined {
  const why = reserved.get(namespace);
  if (why !== undefined) return `is ${why}; no tenant may use it`;
  if (namespace.startsWith('kube-')) return 'is reserved for Kubernetes (names starting with "kube-"); no tenant may use it';
  const own = `${platform.tenancy.namespacePrefix}${name}`;
  if (namespace !== own && !namespace.startsWith(`${own}-`)) {
    const rule = platform.tenancy.namespacePrefix === '' ? 'the tenant\'s name, or the name followed by "-<suffix>"' : `"${platform.tenancy.namespacePrefix}" + the tenant's name, or that followed by "-<suffix>" (the platform's tenancy.namespacePrefix)`;
    return `is not allowed for tenant "${shorten(name, 63)}": a tenant namespace must be ${rule}, here "${shorten(own, 80)}" or "${shorten(own, 80)}-..."`;
  }
  return undefined;
}

/**
 * The tenant files of `dir` (sorted), with file names as `<dir>/<file>`. Every entry whose name does not
 * start with "." is returned, so that nothing is silently skipped: a regular `*.yaml` file of at most
 * {@link MAX_TENANT_FILE_BYTES} bytes of UTF-8 with its text, anything else (another name such as
 * `acme.yml`, `ACME.YAML` or `acme.yaml~`, a folder, a symbolic link, a FIFO, a too large or non-UTF-8
 * file) with the reason in `unreadable`. Symbolic links are never followed and FIFOs never opened.
 * Dotfiles (`.gitkeep`, editor swap files) are skipped. A missing folder has no tenants.
 */
export function readTenantFiles(dir: string): TenantSource[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: any) {
    if (e.code === 'ENOENT') return [];
    return [{ file: dir, unreadable: e.code === 'ENOTDIR' ? 'is not a folder: the tenants folder must be a folder of <name>.yaml files' : `cannot be listed (${e.code ?? e.message})` }];
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .map((n) => readTenantFile(join(dir, n), n));
}

function readTenantFile(file: string, name: string): TenantSource {
  const unreadable = (why: string): TenantSource => ({ file, unreadable: why });
  let stat;
  try {
    stat = lstatSync(file);
  } catch (e: any) {
    return unreadable(`cannot be read (${e.code ?? e.message})`);
  }
  if (stat.isSymbolicLink()) return unreadable('is a symbolic link; tenant files must be regular files inside the tenants folder (links are refused, not followed)');
  if (stat.isDirectory()) return unreadable('is a folder, not a tenant file; the tenants folder holds only <name>.yaml files');
  if (!stat.isFile()) return unreadable('is not a regular file (a FIFO, socket or device); tenant files must be regular <name>.yaml files');
  if (!name.endsWith('.yaml')) return unreadable(`is not a tenant file name: tenant files are named <name>.yaml (lower case)${renameHint(name)}`);
  if (stat.size > MAX_TENANT_FILE_BYTES) return unreadable(`has ${stat.size} bytes; a tenant file may have at most ${MAX_TENANT_FILE_BYTES} bytes`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e: any) {
    return unreadable(e.code === 'ELOOP' ? 'is a symbolic link; tenant files must be regular files inside the tenants folder' : `cannot be read (${e.code ?? e.message})`);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return unreadable('is not a regular file; tenant files must be regular <name>.yaml files');
    // One byte more than the file had at lstat, so that a file that grew since is seen as too large.
    const buffer = Buffer.alloc(Math.min(MAX_TENANT_FILE_BYTES, Math.max(opened.size, stat.size)) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length === buffer.length) return unreadable(`changed while it was read, or has more than ${MAX_TENANT_FILE_BYTES} bytes; a tenant file may have at most ${MAX_TENANT_FILE_BYTES} bytes`);
    try {
      return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return unreadable('is not UTF-8 text; save it as UTF-8');
    }
  } catch (e: any) {
    return unreadable(`cannot be read (${e.code ?? e.message})`);
  } finally {
    closeSync(fd);
  }
}

/** What to rename a misnamed tenant file to, when that is plain. */
function renameHint(name: string): string {
  const base = name.replace(/\.(ya?ml|json)~?$/i, '').replace(/~$/, '');
  if (name.endsWith('~')) return '; this looks like an editor backup: delete it';
  if (/\.(ya?ml)$/i.test(name) && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(base.toLowerCase())) return `; rename it to ${base.toLowerCase()}.yaml`;
  if (/\.json$/i.test(name)) return '; write it as YAML in <name>.yaml (JSON is not read)';
  return '; move it out of the tenants folder';
}

/** Tenants given in code, named `(code) tenants[<i>]` in problems. */
export function codeTenants(specs: readonly TenantSpec[]): TenantSource[] {
  return specs.map((spec, i) => ({ file: `(code) tenants[${i}]`, spec, checkFileName: false }));
}

/** Parses a tenant file's YAML; reports syntax problems and returns undefined when there are any. */
export function parseTenantYaml(text: string, problems: Problems): unknown {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text);
  } catch (e: any) {
    problems.add(YAML_PATH, undefined, `is not valid YAML: ${shorten(String(e?.message ?? e).split('\n')[0])}`);
    return undefined;
  }
  if (doc.errors.length === 0) {
    try {
      return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e: any) {
      const aliases = /alias/i.test(String(e?.message));
      problems.add(YAML_PATH, undefined, aliases
        ? `expands its aliases (*name) too often: at most ${MAX_YAML_ALIASES} alias expansions are allowed (an "alias bomb" would otherwise grow without bound); write the values out`
        : `cannot be read: ${shorten(String(e?.message ?? e).split('\n')[0])}`);
      return undefined;
    }
  }
  const lines = text.split('\n');
  for (const error of doc.errors) {
    const line = error.linePos?.[0]?.line;
    const source = line !== undefined ? lines[line - 1]?.trim() : undefined;
    problems.add(YAML_PATH, source, `is not valid YAML: ${shorten(error.message.split('\n')[0].replace(/:$/, ''))}`);
  }
  return undefined;
}

/** The domain of an e-mail address, lower case. */
function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
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
  const maxPods = queues.maxPods ?? TENANT_DEFAULTS.queues.maxPods;
  return {
    file,
    name: t.name,
    namespace: t.namespace ?? `${platform.tenancy.namespacePrefix}${t.name}`,
    admin: { name: obj(t.admin).name, email: obj(t.admin).email },
    state: t.state ?? TENANT_DEFAULTS.state,
    credentialsGeneration: t.credentialsGeneration ?? TENANT_DEFAULTS.credentialsGeneration,
    login: { admins: obj(t.login).admins ?? [], users: obj(t.login).users ?? [] },
    // A value of the wrong type is the schema's problem; the checks across tenants then see none (not a crash).
    ssoDomains: Array.isArray(t.ssoDomains) ? t.ssoDomains : [],
    ...(t.features !== undefined ? { features: t.features } : {}),
    ...(t.excludeFeatures !== undefined ? { excludeFeatures: t.excludeFeatures } : {}),
    allowedUsers: t.allowedUsers ?? TENANT_DEFAULTS.allowedUsers,
    queues: {
      default: { maxPods: obj(queues.default).maxPods ?? maxPods, requiredResources: obj(queues.default).requiredResources ?? TENANT_DEFAULTS.queues.default.requiredResources },
      gpuFractions: queues.gpuFractions ?? [...TENANT_DEFAULTS.queues.gpuFractions],
      gpuModel: queues.gpuModel ?? platform.tenantReleases.defaultGpuModel,
      maxPods,
    },
    sessions: {
      portMode: sessions.portMode ?? TENANT_DEFAULTS.sessions.portMode,
      externalIP: sessions.externalIP ?? TENANT_DEFAULTS.sessions.externalIP,
      startingPort: sessions.startingPort,
      maxServices: sessions.maxServices ?? TENANT_DEFAULTS.sessions.maxServices,
    },
    router: ((hostName: string) => ({ hostName, streamSession: resolveStreamSession(obj(t.router), hostName) }))(obj(t.router).hostName ?? defaultRouterHost(t.name, platform.baseDomain)),
    agent: {
      imageTag: agent.imageTag ?? platform.tenantReleases.agentImageTag,
      defaultContainerImage: agent.defaultContainerImage ?? platform.tenantReleases.defaultContainerImage,
      debugMode: agent.debugMode ?? TENANT_DEFAULTS.agent.debugMode,
      maxResources: agent.maxResources ?? TENANT_DEFAULTS.agent.maxResources,
    },
    ...(t.quota !== undefined ? { quota: t.quota } : {}),
    ...(t.limitRange !== undefined ? { limitRange: t.limitRange } : isObject(t.quota) && limitsCompute(t.quota) ? { limitRange: DEFAULT_LIMIT_RANGE } : {}),
  };
}

/** Whether a quota limits CPU or memory, so that every container needs requests or limits for them. */
export function limitsCompute(quota: TenantQuotaSpec): boolean {
  return [quota.cpu, quota.memory, quota.limitsCpu, quota.limitsMemory].some((q) => q !== undefined);
}

/** The checks of one tenant that a JSON Schema cannot state. `tenant` has the defaults applied. */
function checkTenant(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform, fileName: string | undefined, reserved: Map<string, string>): void {
  const supervisor = platform.server.supervisor.email;
  if (typeof tenant.admin.email === 'string' && tenant.admin.email !== '' && checkEmail(problems, 'admin.email', tenant.admin.email)) {
    if (tenant.admin.email.toLowerCase() === supervisor.toLowerCase()) problems.add('admin.email', tenant.admin.email, "is the supervisor's e-mail (server.supervisor.email); a tenant admin needs an address of its own");
  }
  if (Array.isArray(data.ssoDomains)) {
    const supervisorDomain = emailDomain(supervisor);
    data.ssoDomains.forEach((d: unknown, i: number) => {
      if (typeof d !== 'string' || !checkDnsName(problems, `ssoDomains[${i}]`, d)) return;
      const path = `ssoDomains[${i}]`;
      const webmail = PUBLIC_EMAIL_DOMAINS.find((w) => d === w || d.endsWith(`.${w}`));
      if (webmail !== undefined) problems.add(path, d, `is a public webmail domain (${webmail}): anyone can have an address there; an SSO domain must be the tenant's own`);
      else if (d === platform.baseDomain || d.endsWith(`.${platform.baseDomain}`)) problems.add(path, d, `is the platform's base domain ${platform.baseDomain} or inside it; an SSO domain must be the tenant's own`);
      else if (d === supervisorDomain) problems.add(path, d, `is the domain of the supervisor's e-mail (server.supervisor.email); an SSO domain must be the tenant's own`);
    });
  }
  checkLogin(problems, data);
  for (const role of ['admins', 'users'] as const) {
    const list = obj(data.login)[role];
    if (!Array.isArray(list)) continue;
    list.forEach((e: unknown, i: number) => {
      if (typeof e === 'string' && e.toLowerCase() === supervisor.toLowerCase()) {
        problems.add(`login.${role}[${i}]`, e, "is the supervisor's e-mail (server.supervisor.email); the supervisor's login must never be routed to a tenant company");
      }
    });
  }
  checkFeaturesNotExcluded(problems, 'features', data.features, { path: 'excludeFeatures', value: data.excludeFeatures });

  if (fileName !== undefined && fileName.endsWith('.yml')) {
    problems.add(DOCUMENT_PATH, fileName, `is not a tenant file name: tenant files are named <name>.yaml; rename it to ${isDnsLabel(data.name) ? data.name : '<name>'}.yaml`);
  } else if (fileName !== undefined && typeof data.name === 'string' && fileName !== `${data.name}.yaml`) {
    problems.add('name', data.name, `must match the file name: the file is ${shorten(fileName)}, so the name must be "${shorten(fileName.replace(/\.yaml$/, ''))}"${isDnsLabel(data.name) ? ` (or rename the file to ${data.name}.yaml)` : ''}`);
  }

  const nsPath = data.namespace === undefined ? 'namespace (defaults to name)' : 'namespace';
  if (isDnsLabel(tenant.namespace) && isDnsLabel(tenant.name)) {
    const refusal = namespaceRefusal(tenant.namespace, tenant.name, platform, reserved);
    if (refusal !== undefined) problems.add(nsPath, tenant.namespace, refusal);
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

  // The agent chart gives the sessions the ports startingPort+1 ... startingPort+maxServices.
  const { startingPort, maxServices } = tenant.sessions;
  const range = platform.network.nodePortRange;
  if (Number.isInteger(startingPort) && (startingPort < range.min || startingPort >= range.max)) {
    problems.add('sessions.startingPort', startingPort, `must be from ${range.min} to ${range.max - 1}: the session ports startingPort+1 ... startingPort+maxServices must lie inside the NodePort range ${range.min}-${range.max} (the platform's network.nodePortRange)`);
  } else if (Number.isInteger(startingPort) && Number.isInteger(maxServices) && maxServices >= 1) {
    const { first, last } = sessionPorts(tenant.sessions);
    if (last > range.max) {
      problems.add('sessions.maxServices', maxServices, `makes the session ports ${first}-${last} (startingPort+1 ... startingPort+maxServices), which leave the NodePort range ${range.min}-${range.max}; at most ${range.max - startingPort} from startingPort ${startingPort}`);
    }
  }

  checkStreamSession(problems, tenant.router.streamSession, obj(obj(data.router).streamSession).routerAddress !== undefined, platform);

  const host = tenant.router.hostName;
  const hostPath = obj(data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName';
  const derivedFromBadName = obj(data.router).hostName === undefined && !isDnsLabel(data.name); // the name's own problem says it
  if (typeof host === 'string' && obj(data.router).hostName === undefined && !derivedFromBadName && host.split('.')[0].length > 63) {
    problems.add(hostPath, host, `is longer than a DNS label may be (63 characters): the default host is <name>-apps.<baseDomain>, so a name of ${tenant.name.length} characters needs router.hostName set`);
  } else if (typeof host === 'string' && !derivedFromBadName && checkDnsName(problems, hostPath, host)) {
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

/**
 * A tenant's e-mails (its admin and its login whitelist) must not belong to another tenant: not another
 * tenant's admin, and not inside another tenant's SSO domains, whose users ClearML routes to that company.
 * Otherwise one tenant file could route another tenant's people into its own company.
 */
function checkEmailsOfOthers(items: readonly Checked[]): void {
  const admins = new Map<string, Checked>();
  for (const c of items) if (typeof c.tenant.admin.email === 'string') admins.set(c.tenant.admin.email.toLowerCase(), c);
  const domainOwner = (email: string, self: Checked): { c: Checked; domain: string } | undefined => {
    const host = email.slice(email.lastIndexOf('@') + 1);
    for (const c of items) {
      if (c === self) continue;
      const domain = c.tenant.ssoDomains.find((d) => typeof d === 'string' && (host === d.toLowerCase() || host.endsWith(`.${d.toLowerCase()}`)));
      if (domain) return { c, domain };
    }
    return undefined;
  };
  for (const c of items) {
    const own = typeof c.tenant.admin.email === 'string' ? [{ path: 'admin.email', email: c.tenant.admin.email.toLowerCase() }] : [];
    for (const { path, email } of [...own, ...loginEmails(c)]) {
      const admin = admins.get(email);
      if (path !== 'admin.email' && admin && admin !== c) {
        c.problems.add(path, email, `is the admin e-mail of ${admin.file}; a tenant may not route another tenant's admin to its company`);
        continue;
      }
      const owner = domainOwner(email, c);
      if (owner) c.problems.add(path, email, `is inside the SSO domain ${owner.domain} of ${owner.c.file}; that tenant's users belong to its company, so use an address outside it`);
    }
  }
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

/**
 * Reports `value` of a later file that equals one of an earlier file, on the later file. `shown` is the
 * value to report when `value` is a normalized key (e.g. lower case).
 */
function checkUnique(items: readonly Checked[], path: (c: Checked) => string, value: (c: Checked) => unknown, what: string, shown: (c: Checked) => unknown = value): void {
  const first = new Map<unknown, Checked>();
  for (const c of items) {
    const v = value(c);
    if (typeof v !== 'string') continue;
    const prev = first.get(v);
    if (prev) c.problems.add(path(c), shown(c), `is also the ${what} of ${prev.file}; each tenant needs its own`);
    else first.set(v, c);
  }
}

/**
 * An SSO domain claimed by two tenants (ClearML then routes its users to either), reported on the later
 * file naming the earlier one.
 */
function checkSsoDomainsUnique(items: readonly Checked[]): void {
  const first = new Map<string, { c: Checked; index: number }>();
  for (const c of items) {
    c.tenant.ssoDomains.forEach((d, i) => {
      if (typeof d !== 'string') return;
      const prev = first.get(d);
      if (prev && prev.c !== c) {
        c.problems.add(`ssoDomains[${i}]`, d, `is also an SSO domain of ${prev.c.file} (ssoDomains[${prev.index}]); a domain may belong to one tenant only, or ClearML's SSO routing is unstable`);
      } else if (!prev) first.set(d, { c, index: i });
    });
  }
}

/** Session port ranges that overlap, each pair reported on the file that comes later in `items`. */
function checkPortRanges(items: readonly Checked[]): void {
  const ranges = items
    .map((c, index) => ({ c, index, start: c.tenant.sessions.startingPort, count: c.tenant.sessions.maxServices }))
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.count) && r.count >= 1)
    .map((r) => ({ ...r, end: r.start + r.count })) // the ports are (start, end]: start+1 ... start+count
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const open: typeof ranges = [];
  for (const r of ranges) {
    for (let i = open.length - 1; i >= 0; i--) if (open[i].end <= r.start) open.splice(i, 1);
    for (const o of open) {
      const [later, earlier] = r.index > o.index ? [r, o] : [o, r];
      later.c.problems.add(
        'sessions.startingPort',
        later.start,
        `makes the session ports ${later.start + 1}-${later.end} (startingPort+1 ... startingPort+maxServices), which overlap the ports ${earlier.start + 1}-${earlier.end} of ${earlier.c.file}; pick a free range (npm run tenant:new does)`,
      );
    }
    open.push(r);
  }
}

/** The session NodePorts of a tenant, when its file gives whole numbers. */
function validSessionPorts(tenant: ResolvedTenant): { first: number; last: number } | undefined {
  const { startingPort, maxServices } = tenant.sessions;
  return Number.isInteger(startingPort) && Number.isInteger(maxServices) && maxServices >= 1 ? sessionPorts(tenant.sessions) : undefined;
}

/**
 * The problems of the tenants that need no platform: YAML syntax and schema. For reporting them along
 * with the platform's own problems when the platform props are wrong.
 */
export function tenantSchemaProblems(sources: readonly TenantSource[]): Problems {
  const all = new Problems();
  for (const source of sources) {
    const problems = all.forFile(source.file);
    if (source.unreadable !== undefined) {
      problems.add(FILE_PATH, basename(source.file), source.unreadable);
      continue;
    }
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
  const reserved = reservedNamespaces(platform);
  for (const source of sources) {
    const problems = all.forFile(source.file);
    if (source.unreadable !== undefined) {
      problems.add(FILE_PATH, basename(source.file), source.unreadable);
      continue;
    }
    const data = source.text !== undefined ? parseTenantYaml(source.text, problems) : source.spec;
    if (source.text !== undefined && data === undefined) continue;
    validateSchema(TENANT_SCHEMA, data, problems);
    if (!isObject(data)) continue;
    const tenant = applyTenantDefaults(source.file, data, platform);
    const fileName = (source.checkFileName ?? source.text !== undefined) ? basename(source.file) : undefined;
    checkTenant(problems, data, tenant, platform, fileName, reserved);
    checkTenantLimits(problems, data, tenant, platform.tenancy.limits);
    checked.push({ file: source.file, problems, data, tenant });
  }
  checkUnique(checked, () => 'name', (c) => c.tenant.name, 'name');
  checkUnique(checked, (c) => (c.data.namespace === undefined ? 'namespace (defaults to name)' : 'namespace'), (c) => c.tenant.namespace, 'namespace');
  checkUnique(checked, (c) => (obj(c.data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName'), (c) => c.tenant.router.hostName, 'router host name');
  checkPortRanges(checked);
  checkStreamPortRanges(checked.map((c) => ({ file: c.file, problems: c.problems, sessions: validSessionPorts(c.tenant), stream: c.tenant.router.streamSession.portRange })));
  checkSsoDomainsUnique(checked);
  checkUnique(checked, () => 'admin.email', (c) => (typeof c.tenant.admin.email === 'string' ? c.tenant.admin.email.toLowerCase() : undefined), 'admin e-mail', (c) => c.tenant.admin.email);
  checkLoginUnique(checked);
  checkEmailsOfOthers(checked);
  if (all.count > 0) {
    const order = new Map(sources.map((source, i) => [source.file, i]));
    throw new ConfigError([...all.all].sort((a, b) => (order.get(a.file!) ?? 0) - (order.get(b.file!) ?? 0)));
  }
  return checked.map((c) => c.tenant);
}
