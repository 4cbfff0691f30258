/**
 * The `clusters` of the platform props, checked (README "Several clusters"): names, roles, the one
 * control plane, the default worker cluster and each worker's API server. Each cluster's own settings
 * (network, MIG nodes, GitOps) are merged over the platform's by {@link clusterPlatformProps} and then
 * resolved like the platform's own (lib/platform/platform.ts), their problems under `clusters[<i>].`.
 */
import { checkDnsLabel, checkHttpUrl, definedOnly, isDnsLabel, isRepositoryPath } from '../config/checks';
import { TENANT_BOUNDS } from '../config/tenant-schema';
import { neverEgressProblem } from '../security/never-egress';
import { parseCidr } from '../core/cidr';
import { Problem, Problems } from '../core/problems';
import { CLUSTER_ROLES, ClusterRole, ResolvedCluster, isControlPlaneRole, isWorkerRole } from './clusters';
import { ClusterProps, GitOpsProps, PlatformProps } from './platform-props';

/** The name of the implicit single cluster (no `clusters` in the props). */
export const SINGLE_CLUSTER_NAME = 'default';

/** Folder of a cluster's tree in the output of a platform with several clusters. */
export function clusterFolder(name: string): string {
  return `clusters/${name}`;
}

/** The longest cluster name (its Secrets' names and the credentials' labels carry it; the tenant schema's bound too). */
export const MAX_CLUSTER_NAME: number = TENANT_BOUNDS.clusterName;

/** The clusters of `props`, checked into `problems`; one implicit `both` cluster without `clusters`. */
export function resolveClusters(problems: Problems, props: Partial<PlatformProps>): { clusters: ResolvedCluster[]; defaultWorkerCluster: string; multi: boolean } {
  const given = props.clusters;
  if (given === undefined) {
    if (props.defaultWorkerCluster !== undefined) problems.add('defaultWorkerCluster', props.defaultWorkerCluster, 'needs clusters: without clusters there is one cluster, which runs everything');
    return { clusters: [{ name: SINGLE_CLUSTER_NAME, role: 'both', controlPlane: true, worker: true, index: -1, folder: '' }], defaultWorkerCluster: SINGLE_CLUSTER_NAME, multi: false };
  }
  if (!Array.isArray(given) || given.length === 0) {
    problems.add('clusters', given, 'must be a list of at least one cluster { name, role }, with one "control-plane" or "both" (leave it out for one cluster)');
    return { clusters: [], defaultWorkerCluster: SINGLE_CLUSTER_NAME, multi: true };
  }
  const clusters: ResolvedCluster[] = [];
  const seen = new Map<string, number>();
  let badRoles = 0;
  // The operator's Secrets of each worker in the control plane's server namespace, and each worker's API server.
  const secretNames = new Map<string, string>();
  const apiServers = new Map<string, number>();
  given.forEach((c: ClusterProps, i) => {
    const at = `clusters[${i}]`;
    const name = c?.name;
    if (checkDnsLabel(problems, `${at}.name`, name)) {
      if (name.length > MAX_CLUSTER_NAME) problems.add(`${at}.name`, name, `must be at most ${MAX_CLUSTER_NAME} characters`);
      const other = seen.get(name);
      if (other !== undefined) problems.add(`${at}.name`, name, `is also the name of clusters[${other}]; each cluster needs its own name`);
      else seen.set(name, i);
    }
    const role = c?.role;
    if (!CLUSTER_ROLES.includes(role)) {
      problems.add(`${at}.role`, role, `must be one of ${CLUSTER_ROLES.map((r) => `"${r}"`).join(', ')}`);
      badRoles++;
      return;
    }
    const api = c.apiServer;
    let apiServer: ResolvedCluster['apiServer'];
    if (role === 'worker') {
      if (api === undefined || api === null || typeof api !== 'object') {
        problems.add(`${at}.apiServer`, api, 'is required for a worker: { url: "https://host:port" } of its API server as the control plane reaches it (the bootstrap Jobs write the tenants\' credentials there)');
      } else {
        const place = checkApiServerUrl(problems, `${at}.apiServer.url`, api.url);
        if (place !== undefined) {
          const other = apiServers.get(place);
          if (other !== undefined) problems.add(`${at}.apiServer.url`, api.url, `is the API server of clusters[${other}] too (${place}); each worker cluster has its own API server (the bootstrap would refuse a second target there)`);
          else apiServers.set(place, i);
        }
        const caSecret = api.caSecret ?? `clearml-cluster-${name}-ca`;
        const tokenSecret = api.tokenSecret ?? `clearml-cluster-${name}-token`;
        const caOk = api.caSecret === undefined || checkDnsLabel(problems, `${at}.apiServer.caSecret`, api.caSecret);
        const tokenOk = api.tokenSecret === undefined || checkDnsLabel(problems, `${at}.apiServer.tokenSecret`, api.tokenSecret);
        if (caSecret === tokenSecret) problems.add(`${at}.apiServer.tokenSecret`, tokenSecret, 'must differ from apiServer.caSecret');
        // Both live in the control plane's server namespace: one cluster's name taken by another would send its token to the wrong API server.
        for (const [field, secret, ok] of [['caSecret', caSecret, caOk], ['tokenSecret', tokenSecret, tokenOk]] as const) {
          // A default name of a cluster whose name is taken already is that name's problem.
          if (!ok || typeof secret !== 'string' || (api[field] === undefined && seen.get(name) !== i)) continue;
          const other = secretNames.get(secret);
          if (other !== undefined) problems.add(`${at}.apiServer.${field}`, secret, `is also ${other}; each worker's token and CA Secrets (in the control plane's server namespace) need names of their own`);
          else secretNames.set(secret, `clusters[${i}].apiServer.${field}${api[field] === undefined ? ' (default)' : ''}`);
        }
        const url = typeof api.url === 'string' ? api.url.replace(/\/+$/, '') : api.url;
        const cidrs = apiServerCidrs(problems, `${at}.apiServer`, url, api.cidrs);
        apiServer = { url, cidrs, caSecret, tokenSecret };
      }
    } else if (api !== undefined) {
      problems.add(`${at}.apiServer`, api, `is only for a "worker": a "${role}" cluster runs the bootstrap Jobs itself`);
    }
    clusters.push({ name, role, controlPlane: isControlPlaneRole(role), worker: isWorkerRole(role), ...(apiServer ? { apiServer } : {}), index: i, folder: clusterFolder(name) });
  });
  // A cluster with a wrong role could be anything: "none" is only said when every role is known, "too many" always.
  const listed = () => given.map((c) => `${c?.name}: ${c?.role}`);
  const namesOf = (list: readonly ResolvedCluster[]) => [...new Set(list.map((c) => c.name))].join(', ');
  const controlPlanes = clusters.filter((c) => c.controlPlane);
  if (controlPlanes.length > 1 || (badRoles === 0 && controlPlanes.length === 0)) {
    problems.add('clusters', listed(), `must have exactly one cluster with role "control-plane" or "both" (it has ${controlPlanes.length}: ${controlPlanes.map((c) => c.name).join(', ') || 'none'})`);
  }
  const workers = clusters.filter((c) => c.worker);
  if (badRoles === 0 && workers.length === 0) problems.add('clusters', listed(), 'must have at least one cluster with role "worker" or "both" (the tenants\' workloads run there)');
  let defaultWorkerCluster = props.defaultWorkerCluster;
  if (defaultWorkerCluster === undefined) {
    if (workers.length === 1) defaultWorkerCluster = workers[0].name;
    else if (workers.length > 1) problems.add('defaultWorkerCluster', undefined, `is required with several worker clusters (${namesOf(workers)}): the cluster of tenants whose file has no clusters`);
  } else if (!workers.some((w) => w.name === defaultWorkerCluster)) {
    problems.add('defaultWorkerCluster', defaultWorkerCluster, `must name a cluster with role "worker" or "both"; they are: ${namesOf(workers) || 'none'}`);
  }
  return { clusters, defaultWorkerCluster: defaultWorkerCluster ?? workers[0]?.name ?? SINGLE_CLUSTER_NAME, multi: true };
}

/**
 * A worker's `apiServer.url`: an `https://` URL without a user name or password, query or fragment (it is
 * written into a ConfigMap, in Git; the token comes from the Secret); a path is kept (the bootstrap appends
 * the API's paths to it, e.g. behind a proxy). Returns the URL as the bootstrap tells API servers apart:
 * lower-case host, port 443 when none is given, no trailing "/".
 */
function checkApiServerUrl(problems: Problems, path: string, value: unknown): string | undefined {
  if (!checkHttpUrl(problems, path, value, ['https:'])) return undefined;
  const url = new URL(value);
  const parts = [url.username !== '' || url.password !== '' || /^https:\/\/[^/?#]*@/i.test(value) ? 'a user name or password' : '', url.search !== '' || value.includes('?') ? 'a query' : '', url.hash !== '' || value.includes('#') ? 'a fragment' : ''].filter((x) => x !== '');
  if (parts.length > 0) {
    problems.add(path, value, `must not have ${parts.join(', ')}: the URL is written into a ConfigMap (in Git) and the bootstrap appends the API's paths to it; give "https://host:port" (the token is in apiServer.tokenSecret)`);
    return undefined;
  }
  return `https://${url.hostname.toLowerCase()}:${url.port || '443'}${url.pathname.replace(/\/+$/, '')}`;
}

/** The platform props of one cluster: its own settings over the platform's, without `clusters`. */
export function clusterPlatformProps(props: PlatformProps, cluster: ClusterProps, platformPath: string): PlatformProps {
  const { clusters: _clusters, defaultWorkerCluster: _default, ...rest } = props;
  void _clusters;
  void _default;
  const base: GitOpsProps = typeof props.gitops === 'string' ? { flavor: props.gitops } : (props.gitops ?? {});
  const own: GitOpsProps = typeof cluster.gitops === 'string' ? { flavor: cluster.gitops } : (cluster.gitops ?? {});
  return {
    ...rest,
    network: { ...definedOnly(props.network), ...definedOnly(cluster.network) },
    migSetup: cluster.migSetup ?? props.migSetup,
    gitops: { ...base, path: `${platformPath}/${clusterFolder(cluster.name)}`, ...definedOnly(own) },
  };
}

/**
 * A cluster's own `gitops.path`, where its Flux Kustomizations or Argo CD Applications point: the output
 * writes the cluster's tree to `clusters/<name>/`, so the path must end with `clusters/<name>` (the output
 * committed at another root, e.g. in a repository of its own); left out, it is `<platform path>/clusters/<name>`.
 * A path that is no repository path at all is the generic check's problem (lib/platform/platform.ts).
 */
export function checkClusterGitOpsPath(problems: Problems, index: number, cluster: ClusterProps | undefined, platformPath: string): void {
  const given = typeof cluster?.gitops === 'object' && cluster.gitops !== null ? cluster.gitops.path : undefined;
  if (given === undefined || !isDnsLabel(cluster?.name)) return;
  const path = typeof given === 'string' ? given.replace(/\/+$/, '') : given;
  if (!isRepositoryPath(path)) return;
  const folder = clusterFolder(cluster.name);
  if (path === folder || path.endsWith(`/${folder}`)) return;
  problems.add(
    `clusters[${index}].gitops.path`,
    given,
    `must end with "${folder}": the output writes this cluster's tree to ${folder}/ and its Flux Kustomizations (Argo CD Applications) point below this path; leave it out for "${platformPath}/${folder}" (the output committed at the platform's gitops.path), or give the path of ${folder} where the output is committed, such as "./other/${folder}"`,
  );
}

/** The field of the cluster at `index` in the platform props, `clusters[<i>]`, that its problems are named under. */
function clusterField(index: number): string {
  return `clusters[${index}]`;
}

/** The settings a cluster may set itself; problems under them belong to the cluster. */
const CLUSTER_FIELDS = ['network', 'migSetup', 'gitops', 'fluxLockdown'];

/**
 * The problems of resolving a cluster's props that are the cluster's own (under its settings), renamed
 * `clusters[<i>].<field>`; the others are the platform's and reported once, by its own resolution. A flavor
 * written as a string is named where it is written (`clusters[<i>].gitops`), and the platform's
 * `fluxLockdown` refused for this cluster's flavor is named on that flavor (a cluster has no `fluxLockdown`).
 */
export function clusterProblems(problems: readonly Problem[], index: number, own?: ClusterProps): Problem[] {
  const at = clusterField(index);
  const flavorField = typeof own?.gitops === 'string' ? `${at}.gitops` : `${at}.gitops.flavor`;
  return problems
    .filter((p) => CLUSTER_FIELDS.some((f) => p.path === f || p.path.startsWith(`${f}.`) || p.path.startsWith(`${f}[`)))
    .map((p) => {
      if (p.path === 'gitops.flavor') return { ...p, path: flavorField };
      if (p.path === 'fluxLockdown' && p.value === true) {
        const flavor = typeof own?.gitops === 'string' ? own.gitops : own?.gitops?.flavor;
        return { ...p, path: flavorField, value: flavor, message: `is not "flux", and the platform's fluxLockdown: true (a Flux setting, for every cluster) cannot be used with the "${String(flavor)}" flavor; use "flux" in every cluster or leave fluxLockdown out` };
      }
      return { ...p, path: `${at}.${p.path}` };
    });
}

/**
 * Whether the cluster's own props set the field at `path` (a path of `PlatformProps` such as
 * `gitops.argocdProject` or `network.clusterCidrs[0]`): a problem there is the cluster's even when the
 * platform's own field has the same problem (both are reported).
 */
export function clusterSetsField(own: ClusterProps | undefined, path: string): boolean {
  const steps = path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '');
  let value: unknown = own;
  for (const step of steps) {
    if (typeof value === 'string' && steps[0] === 'gitops' && step === 'flavor') return true; // `gitops: "argocd"`
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[step];
  }
  return value !== undefined;
}

/**
 * Where the renderers of a cluster's flavor report what they cannot render (lib/gitops/chart-catalog.ts):
 * their problems (path `gitops`) named under the cluster, `clusters[<i>].gitops`.
 */
export function clusterRenderProblems(file: string, index: number): Problems {
  return new Problems(file, { pathPrefix: `${clusterField(index)}.` });
}

/** Whether `value` is a cluster's name (for the tenant files' `clusters`). */
export function isClusterName(value: unknown): value is string {
  return isDnsLabel(value) && value.length <= MAX_CLUSTER_NAME;
}

export type { ClusterRole };

/** The shortest IPv4 prefix of `apiServer.cidrs`: an API server has a few addresses, not a network's. */
export const MIN_API_SERVER_PREFIX = 16;

/**
 * The addresses the control plane reaches a worker's API server at: `cidrs` as given (each an IPv4 CIDR of
 * at least /{@link MIN_API_SERVER_PREFIX}, none in a never-allowed range), else the `url`'s own address when
 * it is IPv4 (not in a never-allowed range either); a host name without `cidrs` is a problem, since a
 * NetworkPolicy cannot name a host and any fallback would open the bootstrap Jobs (which hold the
 * supervisor's credentials) to far more than that API server. That they stay out of the control plane's own
 * pod and service ranges is checked once those are resolved ({@link checkApiServersOutsideControlPlane}).
 */
function apiServerCidrs(problems: Problems, at: string, url: unknown, cidrs: unknown): readonly string[] {
  let host: string | undefined;
  try {
    host = typeof url === 'string' ? new URL(url).hostname : undefined;
  } catch {
    host = undefined;
  }
  const ipv4 = host !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : undefined;
  if (cidrs === undefined) {
    if (ipv4 !== undefined) {
      const why = neverEgressProblem(`${ipv4}/32`);
      if (why === undefined) return [`${ipv4}/32`];
      problems.add(`${at}.url`, url, `names the address ${ipv4}, the bootstrap Jobs' egress to this API server, which ${why}; give the API server's own address`);
      return [];
    }
    if (host !== undefined) problems.add(`${at}.cidrs`, cidrs, `is required: the url names the host "${host}", and a NetworkPolicy can only name addresses; give the IPv4 CIDRs the control plane reaches it at (e.g. ["203.0.113.10/32"])`);
    return [];
  }
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    problems.add(`${at}.cidrs`, cidrs, 'must be a non-empty list of IPv4 CIDRs such as "203.0.113.10/32"');
    return [];
  }
  const ok: string[] = [];
  cidrs.forEach((c, i) => {
    const m = typeof c === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(c) : null;
    if (!m || !m.slice(1, 5).every((o) => Number(o) <= 255) || Number(m[5]) > 32) problems.add(`${at}.cidrs[${i}]`, c, 'must be an IPv4 CIDR such as "203.0.113.10/32"');
    else if (Number(m[5]) < MIN_API_SERVER_PREFIX) {
      problems.add(`${at}.cidrs[${i}]`, c, `must be a prefix of /${MIN_API_SERVER_PREFIX} or longer (e.g. "203.0.113.10/32"): these are the API server's addresses, the bootstrap Jobs' only egress to it, not a network's`);
    } else {
      const why = neverEgressProblem(c);
      if (why) problems.add(`${at}.cidrs[${i}]`, c, why);
      else ok.push(c);
    }
  });
  return ok;
}

/**
 * Each worker's API server addresses outside the control plane's own pod and service ranges
 * (`network.clusterCidrs` of the control-plane cluster): the bootstrap Jobs' egress there would reach the
 * control plane's own pods and Services. `own`: the props of every cluster (to name `url` when the
 * addresses come from it).
 */
export function checkApiServersOutsideControlPlane(problems: Problems, clusters: readonly ResolvedCluster[], own: readonly ClusterProps[], controlPlane: { readonly name: string; readonly index: number; readonly clusterCidrs: readonly string[] }): void {
  const ranges = controlPlane.clusterCidrs.map((c) => ({ c, block: parseCidr(c) })).filter((r) => r.block !== undefined);
  for (const cluster of clusters) {
    if (cluster.apiServer === undefined) continue;
    const fromUrl = own[cluster.index]?.apiServer?.cidrs === undefined;
    cluster.apiServer.cidrs.forEach((c, j) => {
      const block = parseCidr(c);
      const hit = block && ranges.find((r) => r.block!.family === block.family && r.block!.lo <= block.hi && block.lo <= r.block!.hi);
      if (!hit) return;
      const path = fromUrl ? `clusters[${cluster.index}].apiServer.url` : `clusters[${cluster.index}].apiServer.cidrs[${j}]`;
      const value = fromUrl ? cluster.apiServer!.url : c;
      problems.add(path, value, `${fromUrl ? `names ${c}, which` : 'is a range that'} overlaps ${hit.c}, a pod or service range of the control plane (network.clusterCidrs of cluster ${controlPlane.name}${controlPlane.index >= 0 ? `, clusters[${controlPlane.index}]` : ''}); the worker's API server must be reached at addresses outside the control plane's own`);
    });
  }
}
