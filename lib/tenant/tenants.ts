/**
 * Tenant files: checking each (read by tenant-files.ts) against the schema and the rules a schema cannot
 * state, checking them against each other and the platform, and applying the defaults.
 *
 * {@link resolveTenants} reports every problem of every file in one `ConfigError` (file, field path,
 * value, what is allowed) and returns nothing unless all files are good.
 */
import { WORKER_ACCESS_NAMESPACE } from './worker-access';
import { routerKindOf } from './router-kinds';
import { gitopsFlavor } from '../flavors/index';
import { basename } from 'node:path';
import { FILE_PATH, TenantSource, parseTenantYaml } from './tenant-files';
import { checkDnsName, checkEmail, checkFeaturesNotExcluded, isDnsLabel, isDnsName } from '../config/checks';
import { ClearmlFeature } from '../config/features';
import { DOCUMENT_PATH, validateSchema } from '../config/json-schema';
import { migProfiles, migResource, supportedFractions } from '../config/mig-profiles';
import { GpuModel, isGpuModel } from '../config/gpu-models';
import { ResolvedPlatform } from '../platform/platform';
import type { ClusterContext } from '../platform/clusters';
import { componentNamespaces } from '../components/derived';
import { ConfigError, Problems, shorten } from '../core/problems';
import { compareQuantities } from '../core/quantity';
import { PICK_FREE_RANGE, ResolvedStreamSession, checkStreamPortRanges, checkStreamSession, inOneCluster, resolveStreamSession } from './stream-ports';
import { DEFAULT_LIMIT_RANGE, TENANT_BOUNDS, TENANT_DEFAULTS, TENANT_SCHEMA, TenantSpec, TenantState } from '../config/tenant-schema';
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
  /**
   * The clusters that run its namespace and workloads (`clusters`, default: the platform's default worker
   * cluster); empty on a platform of one cluster when the file names none.
   */
  readonly clusters: readonly string[];
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
 * Common public suffixes of more than one label (the single-label ones, `com`, `uk`, ..., are refused as
 * domains of one label): an SSO domain there would route every company registered under it to one tenant.
 * Not the whole Public Suffix List, only the suffixes under which companies commonly register.
 */
export const PUBLIC_SUFFIXES: readonly string[] = [
  'ac.in', 'ac.jp', 'ac.nz', 'ac.uk', 'co.at', 'co.id', 'co.il', 'co.in', 'co.jp', 'co.kr', 'co.nz', 'co.th', 'co.uk', 'co.za',
  'com.ar', 'com.au', 'com.br', 'com.cn', 'com.co', 'com.hk', 'com.mx', 'com.my', 'com.pl', 'com.sg', 'com.tr', 'com.tw', 'com.ua', 'com.vn',
  'edu.au', 'gov.uk', 'gv.at', 'ltd.uk', 'me.uk', 'ne.jp', 'net.au', 'net.br', 'net.cn', 'net.nz', 'or.jp', 'org.au', 'org.br', 'org.cn',
  'org.nz', 'org.uk', 'plc.uk', 'gov.au', 'govt.nz', 'or.kr', 'ne.kr', 'github.io', 'herokuapp.com', 'vercel.app', 'netlify.app', 'pages.dev',
];

/** The ClearML server's own default company (clearml-server creates it): never a tenant's company name. */
export const CLEARML_DEFAULT_COMPANY = 'clearml';

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
  // A worker of several clusters keeps the tenants' writer accounts there (lib/tenant/worker-access.ts).
  add(WORKER_ACCESS_NAMESPACE, "the namespace of the bootstrap's writer accounts in a worker cluster");
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

/** Whether two domains are the same, or one is inside the other (case-insensitive). */
export function domainsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** Why SSO domain `a` conflicts with SSO domain `b` (`path` of `file`), which overlap. */
function domainConflict(a: string, b: string, file: string, path: string): string {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return `is also an SSO domain of ${file} (${path}); a domain may belong to one tenant only, or ClearML's SSO routing is unstable`;
  const how = x.endsWith(`.${y}`) ? 'is inside' : 'is a parent of';
  return `${how} the SSO domain ${b} of ${file} (${path}); a domain and every domain inside it may belong to one tenant only, or ClearML routes one tenant's users to the other's company`;
}

/** Whether an e-mail's domain is a public webmail domain (or inside one). */
function isWebmail(domain: string): boolean {
  return PUBLIC_EMAIL_DOMAINS.some((w) => domain === w || domain.endsWith(`.${w}`));
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
export function applyTenantDefaults(file: string, data: unknown, platform: ResolvedPlatform, clusters: readonly ClusterContext[] = platformClusters(platform)): ResolvedTenant {
  const t = obj(data) as TenantSpec;
  // One cluster: nothing to choose, the tenant names none.
  const defaultCluster = clusters.length > 1 ? defaultWorkerCluster(clusters, platform) : undefined;
  const queues = obj(t.queues);
  const sessions = obj(t.sessions);
  const agent = obj(t.agent);
  const maxPods = queues.maxPods ?? TENANT_DEFAULTS.queues.maxPods;
  return {
    file,
    name: t.name,
    clusters: Array.isArray(t.clusters) ? t.clusters : defaultCluster !== undefined ? [defaultCluster.name] : [],
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

/**
 * The platform's clusters (`clusters` of the resolved platform, lib/platform/clusters.ts), read only when
 * its resolution has them; none otherwise (one cluster).
 */
export function platformClusters(platform: ResolvedPlatform): readonly ClusterContext[] {
  return (platform as { readonly clusters?: readonly ClusterContext[] }).clusters ?? [];
}

/**
 * The platform's default worker cluster: its `defaultWorkerCluster` when it names one of `clusters` that
 * runs tenants, else the first cluster (in the platform's order) that does.
 */
export function defaultWorkerCluster(clusters: readonly ClusterContext[], platform?: ResolvedPlatform): ClusterContext | undefined {
  const named = platform === undefined ? undefined : (platform as { readonly defaultWorkerCluster?: string }).defaultWorkerCluster;
  return clusters.find((c) => c.worker && c.name === named) ?? clusters.find((c) => c.worker);
}

/**
 * The tenant's `clusters` against the platform's: each a cluster that runs tenant workloads (role `worker`
 * or `both`); without the platform's clusters (one cluster), the field must be left out. Duplicates, bounds and
 * syntax are the schema's.
 */
function checkClusters(problems: Problems, data: Record<string, any>, clusters: readonly ClusterContext[]): void {
  if (!Array.isArray(data.clusters)) return;
  const workers = clusters.filter((c) => c.worker).map((c) => c.name);
  const allowed = workers.length > 0 ? `allowed: ${workers.join(', ')}` : 'the platform names no cluster that runs tenants';
  if (clusters.length === 0) {
    problems.add('clusters', data.clusters, "is for a platform of several clusters (the platform props' clusters); this platform has one cluster: leave clusters out");
    return;
  }
  data.clusters.forEach((name: unknown, i: number) => {
    if (typeof name !== 'string' || !isDnsLabel(name) || name.length > TENANT_BOUNDS.clusterName) return; // the schema reports it
    const cluster = clusters.find((c) => c.name === name);
    if (cluster === undefined) problems.add(`clusters[${i}]`, name, `is not a cluster of the platform; ${allowed}`);
    else if (!cluster.worker) problems.add(`clusters[${i}]`, name, `is the control plane (role ${cluster.role}), which runs no tenant namespace or workloads; ${allowed}`);
  });
}

/**
 * Checked for one cluster of several (`platform.cluster`, its own resolved platform): a tenant that runs
 * there needs a flavor there that can install tenants (k3s cannot), whatever the platform's flavor is.
 */
function checkClusterFlavor(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform): void {
  const cluster = platform.cluster;
  const support = platform.catalog.flavor.capabilities.tenants;
  if (cluster === undefined || !cluster.worker || support.supported) return;
  const i = tenant.clusters.indexOf(cluster.name);
  if (i < 0) return;
  const path = Array.isArray(data.clusters) ? `clusters[${i}]` : 'clusters (default)';
  problems.add(path, cluster.name, `is a cluster whose GitOps flavor "${platform.gitops}" (clusters[${cluster.index}].gitops of the platform props) cannot install tenants: ${support.why}`);
}

/** Whether a quota limits CPU or memory, so that every container needs requests or limits for them. */
export function limitsCompute(quota: TenantQuotaSpec): boolean {
  return [quota.cpu, quota.memory, quota.limitsCpu, quota.limitsMemory].some((q) => q !== undefined);
}

/** The checks of one tenant that a JSON Schema cannot state. `tenant` has the defaults applied. */
function checkTenant(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform, fileName: string | undefined, reserved: Map<string, string>, clusters: readonly ClusterContext[]): void {
  checkClusters(problems, data, clusters);
  checkClusterFlavor(problems, data, tenant, platform);
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
      else if (PUBLIC_SUFFIXES.includes(d.toLowerCase())) problems.add(path, d, 'is a public suffix (companies register their own domains under it); an SSO domain must be the tenant\'s own domain, such as "acme.co.uk"');
      else if (domainsOverlap(d, supervisorDomain)) problems.add(path, d, `is the domain of the supervisor's e-mail (server.supervisor.email), or inside or a parent of it (${supervisorDomain}); an SSO domain must be the tenant's own`);
    });
  }
  checkCompanyName(problems, data, platform);
  checkPortCaps(problems, data, tenant, platform);
  checkRouterHosts(problems, data, tenant, platform);
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
    // The highest startingPort whose last session port (startingPort+maxServices) is still in the range.
    const fits = Number.isInteger(maxServices) && maxServices >= 1 && range.max - maxServices >= range.min;
    problems.add(
      'sessions.startingPort',
      startingPort,
      fits
        ? `must be from ${range.min} to ${range.max - maxServices} (with maxServices ${maxServices}, the session ports startingPort+1 ... startingPort+${maxServices} lie in the NodePort range ${range.min}-${range.max}, the platform's network.nodePortRange)`
        : `must be from ${range.min} to ${range.max - 1}: the session ports startingPort+1 ... startingPort+maxServices must lie inside the NodePort range ${range.min}-${range.max} (the platform's network.nodePortRange)`,
    );
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
 * tenant's admin, not inside another tenant's SSO domains, whose users ClearML routes to that company,
 * and not inside another tenant's admin e-mail domain (unless that is a public webmail domain).
 * Otherwise one tenant file could route another tenant's people into its own company. Each conflict is
 * reported on both files, each naming the other.
 */
function checkEmailsOfOthers(items: readonly Checked[], ok: (c: Checked, path: string) => boolean = () => true): void {
  const adminOf = (c: Checked) => (typeof c.tenant.admin.email === 'string' && c.tenant.admin.email.includes('@') && ok(c, 'admin.email') ? c.tenant.admin.email : undefined);
  const admins = new Map<string, Checked>();
  for (const c of items) if (adminOf(c) !== undefined) admins.set(adminOf(c)!.toLowerCase(), c);
  const inside = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);
  type Owner = { c: Checked; domain: string; path: string; value: string; what: string };
  const ssoOwner = (host: string, self: Checked | undefined, others: boolean): Owner | undefined => {
    for (const c of items) {
      if ((c === self) === others) continue;
      const i = c.tenant.ssoDomains.findIndex((d, j) => typeof d === 'string' && ok(c, `ssoDomains[${j}]`) && inside(host, d.toLowerCase()));
      if (i >= 0) return { c, domain: c.tenant.ssoDomains[i], path: `ssoDomains[${i}]`, value: c.tenant.ssoDomains[i], what: 'SSO domain' };
    }
    return undefined;
  };
  // An admin's domain counts as the tenant's unless it is webmail or inside another tenant's SSO domain.
  const ownsAdminDomain = (c: Checked) => {
    const admin = adminOf(c);
    return admin !== undefined && !isWebmail(emailDomain(admin)) && ssoOwner(emailDomain(admin), c, true) === undefined;
  };
  const domainOwner = (email: string, self: Checked): Owner | undefined => {
    const host = emailDomain(email);
    const sso = ssoOwner(host, self, true);
    if (sso || ssoOwner(host, self, false)) return sso; // inside the tenant's own SSO domains: its own people
    for (const c of items) {
      const admin = adminOf(c);
      if (c === self || admin === undefined || admin.toLowerCase() === email || !ownsAdminDomain(c)) continue;
      const domain = emailDomain(admin);
      // Two admins of one domain: reported once on each file (from the later one), each naming the other.
      if (host === domain && admins.get(email) === self && ownsAdminDomain(self) && items.indexOf(self) < items.indexOf(c)) continue;
      if (inside(host, domain)) return { c, domain, path: 'admin.email', value: admin, what: 'admin e-mail domain' };
    }
    return undefined;
  };
  for (const c of items) {
    const own = adminOf(c) !== undefined ? [{ path: 'admin.email', email: adminOf(c)!.toLowerCase() }] : [];
    for (const { path, email } of [...own, ...loginEmails(c).filter((e) => ok(c, e.path))]) {
      const admin = admins.get(email);
      if (path !== 'admin.email' && admin && admin !== c) {
        c.problems.add(path, email, `is the admin e-mail of ${admin.file}; a tenant may not route another tenant's admin to its company`);
        admin.problems.add('admin.email', admin.tenant.admin.email, `is whitelisted by ${c.file} (${path}); a tenant may not route another tenant's admin to its company, so ${c.file} must remove it`);
        continue;
      }
      const owner = domainOwner(email, c);
      if (!owner) continue;
      c.problems.add(path, email, `is inside the ${owner.what} ${owner.domain} of ${owner.c.file}; that tenant's users belong to its company, so use an address outside it`);
      owner.c.problems.add(owner.path, owner.value, `is the ${owner.what} of ${email}, which ${c.file} lists (${path}); one tenant's people may not be routed to another tenant's company, so ${c.file} must use an address outside ${owner.domain}`);
    }
  }
}

/** An e-mail whitelisted by two tenants: ClearML routes a login to one company only. Reported on both files, each naming the other. */
function checkLoginUnique(items: readonly Checked[], ok: (c: Checked, path: string) => boolean = () => true): void {
  const first = new Map<string, { c: Checked; path: string }>();
  for (const c of items) {
    for (const { path, email } of loginEmails(c).filter((e) => ok(c, e.path))) {
      const prev = first.get(email);
      if (prev && prev.c !== c) {
        c.problems.add(path, email, `is also whitelisted by ${prev.c.file} (${prev.path}); a login goes to one company only, so list the e-mail in one tenant file (${prev.c.file} or ${c.file})`);
        prev.c.problems.add(prev.path, email, `is also whitelisted by ${c.file} (${path}); a login goes to one company only, so list the e-mail in one tenant file (${prev.c.file} or ${c.file})`);
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

/** `clearml` (the server's own default company) and the platform's `tenancy.reservedCompanyNames`, case-insensitively. */
function checkCompanyName(problems: Problems, data: Record<string, any>, platform: ResolvedPlatform): void {
  if (typeof data.name !== 'string') return;
  const name = data.name.toLowerCase();
  if (name === CLEARML_DEFAULT_COMPANY) {
    problems.add('name', data.name, `is the name of the ClearML server's own default company ("${CLEARML_DEFAULT_COMPANY}", in any case); the bootstrap finds a tenant's company by its name and would take that company over: choose another name`);
    return;
  }
  const reserved = platform.tenancy.reservedCompanyNames.find((n) => n.toLowerCase() === name);
  if (reserved !== undefined) {
    problems.add('name', data.name, `is the name of a company that already exists in the ClearML server (the platform's tenancy.reservedCompanyNames: ${platform.tenancy.reservedCompanyNames.join(', ')}; compared in any case); the bootstrap would take it over: choose another name`);
  }
}

/** The platform's caps on a tenant's NodePorts, and stream sessions only with the app gateway. */
function checkPortCaps(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform): void {
  const { maxSessionPorts, maxStreamPorts } = platform.tenancy;
  const maxServices = tenant.sessions.maxServices;
  if (Number.isInteger(maxServices) && maxServices > maxSessionPorts && maxServices <= TENANT_BOUNDS.maxServices) {
    problems.add('sessions.maxServices', maxServices, `takes ${maxServices} session NodePorts; the platform allows at most ${maxSessionPorts} per tenant (tenancy.maxSessionPorts)`);
  }
  const stream = obj(data.router).streamSession;
  if (stream !== undefined && stream !== null) {
    const { routerKind, routerEnabled } = platform.tenantReleases;
    if (!routerEnabled || !routerKindOf(platform).streamSessions) {
      const why = !routerEnabled ? 'deploys no router (tenantReleases.routerEnabled is false)' : `deploys the ${routerKind} (tenantReleases.routerKind), which has no stream sessions`;
      problems.add('router.streamSession', stream, `is for the app gateway only, and the platform ${why}; remove router.streamSession`);
    }
  }
  const r = tenant.router.streamSession.portRange;
  if (r && Number.isInteger(r.start) && Number.isInteger(r.end) && r.end >= r.start) {
    const n = r.end - r.start + 1;
    if (n > maxStreamPorts && n <= TENANT_BOUNDS.streamPorts) {
      problems.add('router.streamSession.portRange', r, `holds ${n} ports; the platform allows at most ${maxStreamPorts} stream ports per tenant (tenancy.maxStreamPorts)`);
    }
  }
}

/** The characters of a long tenant name its router host must start with (see checkRouterHosts). */
export const ROUTER_HOST_STEM = 52;

/**
 * The hosts of the ClearML server, with the file server in both its `file.` and `files.` forms (the
 * runbook and the current profile differ), plus the default server hosts of the base domain.
 */
export function serverHostNames(platform: ResolvedPlatform): Set<string> {
  const hosts = new Set<string>();
  const base = platform.baseDomain;
  for (const h of [...Object.values(platform.hosts), `api.${base}`, `app.${base}`, `file.${base}`, `files.${base}`]) {
    hosts.add(h);
    if (h.startsWith('file.')) hosts.add(`files.${h.slice('file.'.length)}`);
    if (h.startsWith('files.')) hosts.add(`file.${h.slice('files.'.length)}`);
  }
  return hosts;
}

/**
 * A router host set in the file must be `<name>-apps.<baseDomain>` or `<name>-<anything>-apps.<baseDomain>`
 * (so that a tenant cannot take the Ingress host of another app under the base domain), and no host of
 * the server; a stream router address must be no server host.
 */
function checkRouterHosts(problems: Problems, data: Record<string, any>, tenant: ResolvedTenant, platform: ResolvedPlatform): void {
  const base = platform.baseDomain;
  const server = serverHostNames(platform);
  const host = obj(data.router).hostName;
  if (typeof host === 'string' && isDnsName(host) && host.endsWith(`.${base}`) && typeof tenant.name === 'string' && isDnsLabel(tenant.name)) {
    const label = host.slice(0, -(base.length + 1));
    const something = label.endsWith('-apps') && !label.includes('.') ? label.slice(0, -'-apps'.length) : undefined;
    // A name too long for "<name>-apps" (a DNS label has at most 63 characters) gives its first ROUTER_HOST_STEM characters.
    const long = tenant.name.length > 63 - '-apps'.length;
    const own = something !== undefined && (something === tenant.name || something.startsWith(`${tenant.name}-`) || (long && something.startsWith(tenant.name.slice(0, ROUTER_HOST_STEM))));
    if (server.has(host) && !Object.values(platform.hosts).includes(host)) {
      problems.add('router.hostName', host, `is a host of the ClearML server (${[...server].sort().join(', ')}); choose ${defaultRouterHost(tenant.name, base)}`);
    } else if (!own && !Object.values(platform.hosts).includes(host)) {
      const allowed = long
        ? `"${tenant.name.slice(0, ROUTER_HOST_STEM)}<anything>-apps.${base}" (the name's first ${ROUTER_HOST_STEM} characters: "<name>-apps" is longer than a DNS label)`
        : `${defaultRouterHost(tenant.name, base)} (the default) or "${tenant.name}-<anything>-apps.${base}"`;
      problems.add('router.hostName', host, `must be ${allowed}: a tenant's router host starts with its name and ends in "-apps", so that it cannot take the host of another app under the base domain`);
    }
  }
  const address = obj(obj(data.router).streamSession).routerAddress;
  if (typeof address === 'string' && server.has(address.toLowerCase())) {
    problems.add('router.streamSession.routerAddress', address, `is a host of the ClearML server (${[...server].sort().join(', ')}); the stream router address must be the tenant's router host, a node or a load balancer of its own`);
  }
}

/** A stream router address that is another tenant's router host, reported on both files. */
function checkRouterAddresses(items: readonly Checked[], ok: (c: Checked, path: string) => boolean): void {
  const path = 'router.streamSession.routerAddress';
  for (const c of items) {
    const address = obj(obj(c.data.router).streamSession).routerAddress;
    if (typeof address !== 'string' || !ok(c, path)) continue;
    for (const other of items) {
      if (other === c || !ok(other, 'router.hostName') || typeof other.tenant.router.hostName !== 'string' || other.tenant.router.hostName.toLowerCase() !== address.toLowerCase()) continue;
      const hostPath = obj(other.data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName';
      c.problems.add(path, address, `is the router host of ${other.file}; the stream router address must be this tenant's own`);
      other.problems.add(hostPath, other.tenant.router.hostName, `is taken as the stream router address by ${c.file} (${path}); a tenant may not point its streams at another tenant's router`);
    }
  }
}

/**
 * SSO domains of two tenants that are equal, or one inside the other (ClearML would route the users
 * of one to the other's company), reported on both files, each naming the other.
 */
function checkSsoDomainsOverlap(items: readonly Checked[], ok: (c: Checked, path: string) => boolean): void {
  const domains = items.map((c) => c.tenant.ssoDomains.flatMap((d, i) => (typeof d === 'string' && ok(c, `ssoDomains[${i}]`) ? [{ d, i }] : [])));
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      for (const x of domains[a]) {
        for (const y of domains[b]) {
          if (!domainsOverlap(x.d, y.d)) continue;
          items[b].problems.add(`ssoDomains[${y.i}]`, y.d, domainConflict(y.d, x.d, items[a].file, `ssoDomains[${x.i}]`));
          items[a].problems.add(`ssoDomains[${x.i}]`, x.d, domainConflict(x.d, y.d, items[b].file, `ssoDomains[${y.i}]`));
        }
      }
    }
  }
}

/**
 * Whether the problems of `file` (so far) touch the field `path`: at it, inside it, or at a field it
 * is inside. The checks across tenants skip such fields (their own problem says what is wrong).
 */
function problemsTouch(problems: readonly { file?: string; path: string }[], file: string, path: string): boolean {
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || a.startsWith(`${b} `);
  return problems.some((p) => p.file === file && (inside(p.path, path) || inside(path, p.path)));
}

interface Checked {
  readonly file: string;
  readonly problems: Problems;
  readonly data: Record<string, any>;
  readonly tenant: ResolvedTenant;
}

/**
 * Reports `value` of a later file that equals one of an earlier file, on both files (each naming the
 * other, so that CI does not blame only the tenant that was there first). `shown` is the
 * value to report when `value` is a normalized key (e.g. lower case).
 */
function checkUnique(items: readonly Checked[], path: (c: Checked) => string, value: (c: Checked) => unknown, what: string, shown: (c: Checked) => unknown = value): void {
  const first = new Map<unknown, Checked>();
  for (const c of items) {
    const v = value(c);
    if (typeof v !== 'string') continue;
    const prev = first.get(v);
    if (prev) {
      c.problems.add(path(c), shown(c), `is also the ${what} of ${prev.file}; each tenant needs its own`);
      prev.problems.add(path(prev), shown(prev), `is also the ${what} of ${c.file}; each tenant needs its own`);
    } else first.set(v, c);
  }
}

/**
 * Session port ranges that overlap in one cluster, each pair reported on both files (each naming the
 * other, so that CI does not blame only the tenant that was there first).
 */
function checkPortRanges(items: readonly Checked[]): void {
  const ranges = items
    .map((c, index) => ({ c, index, start: c.tenant.sessions.startingPort, count: c.tenant.sessions.maxServices }))
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.count) && r.count >= 1)
    .map((r) => ({ ...r, end: r.start + r.count })) // the ports are (start, end]: start+1 ... start+count
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const report = (mine: (typeof ranges)[number], other: (typeof ranges)[number]) =>
    mine.c.problems.add(
      'sessions.startingPort',
      mine.start,
      `makes the session ports ${mine.start + 1}-${mine.end} (startingPort+1 ... startingPort+maxServices), which overlap the ports ${other.start + 1}-${other.end} of ${other.c.file}; ${PICK_FREE_RANGE}`,
    );
  const open: typeof ranges = [];
  for (const r of ranges) {
    for (let i = open.length - 1; i >= 0; i--) if (open[i].end <= r.start) open.splice(i, 1);
    for (const o of open) {
      if (!inOneCluster(r.c.tenant.clusters, o.c.tenant.clusters)) continue;
      const [later, earlier] = r.index > o.index ? [r, o] : [o, r];
      report(later, earlier);
      report(earlier, later);
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
 * `clusters`: the platform's clusters (issue 19), which the tenants' `clusters` name. @default - the resolved
 * platform's `clusters` when it has them, else one cluster
 */
export function resolveTenants(sources: readonly TenantSource[], platform: ResolvedPlatform, clusters: readonly ClusterContext[] = platformClusters(platform)): ResolvedTenant[] {
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
    const tenant = applyTenantDefaults(source.file, data, platform, clusters);
    const fileName = (source.checkFileName ?? source.text !== undefined) ? basename(source.file) : undefined;
    checkTenant(problems, data, tenant, platform, fileName, reserved, clusters);
    checkTenantLimits(problems, data, tenant, platform.tenancy.limits);
    checked.push({ file: source.file, problems, data, tenant });
  }
  // The checks across tenants skip the fields that already have a problem (no follow-on problems).
  const own = [...all.all];
  const ok = (c: Checked, path: string) => !problemsTouch(own, c.file, path);
  const okAt = (path: string) => checked.filter((c) => ok(c, path));
  // A default namespace or router host comes from the name: not compared when the name has a problem.
  const okDerived = (path: string, given: (c: Checked) => unknown) => checked.filter((c) => ok(c, path) && (given(c) !== undefined || ok(c, 'name')));
  checkUnique(okAt('name'), () => 'name', (c) => c.tenant.name, 'name');
  checkUnique(okDerived('namespace', (c) => c.data.namespace), (c) => (c.data.namespace === undefined ? 'namespace (defaults to name)' : 'namespace'), (c) => c.tenant.namespace, 'namespace');
  checkUnique(okDerived('router.hostName', (c) => obj(c.data.router).hostName), (c) => (obj(c.data.router).hostName === undefined ? 'router.hostName (default)' : 'router.hostName'), (c) => c.tenant.router.hostName, 'router host name');
  checkRouterAddresses(checked, ok);
  checkPortRanges(okAt('sessions'));
  checkStreamPortRanges(checked.map((c) => ({
    file: c.file,
    clusters: c.tenant.clusters,
    problems: c.problems,
    sessions: ok(c, 'sessions') ? validSessionPorts(c.tenant) : undefined,
    stream: ok(c, 'router.streamSession') ? c.tenant.router.streamSession.portRange : undefined,
  })));
  checkSsoDomainsOverlap(checked, ok);
  checkUnique(okAt('admin.email'), () => 'admin.email', (c) => (typeof c.tenant.admin.email === 'string' ? c.tenant.admin.email.toLowerCase() : undefined), 'admin e-mail', (c) => c.tenant.admin.email);
  checkLoginUnique(checked, ok);
  checkEmailsOfOthers(checked, ok);
  if (all.count > 0) {
    const order = new Map(sources.map((source, i) => [source.file, i]));
    throw new ConfigError([...all.all].sort((a, b) => (order.get(a.file!) ?? 0) - (order.get(b.file!) ?? 0)));
  }
  return checked.map((c) => c.tenant);
}
