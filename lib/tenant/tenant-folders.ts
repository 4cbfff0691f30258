/**
 * The output folders of one tenant, each its own App (so synth stays linear in the number of tenants):
 *
 * - `tenants/<name>/bootstrap/`: the namespace, its isolation, its quota and LimitRange (when the tenant
 *   file sets them) and the bootstrap Job, applied first;
 * - `tenants/<name>/workloads/`: the agent and app gateway releases, which read the Secrets the
 *   bootstrap writes and wait for the ClearML server release. Only for an `active` tenant: a `suspended` or
 *   `decommissioned` tenant has no workloads folder, so every GitOps flavor removes its releases (README
 *   "Tenant lifecycle"), while the namespace, quota, policies and bootstrap Job stay.
 *
 * On a platform of several clusters (issue 19) each cluster gets its own part of the tenant
 * ({@link tenantFolders} with a {@link ClusterContext}):
 *
 * - the control plane (role `control-plane`): only `tenants/<name>/bootstrap/` with the bootstrap Job, its
 *   RBAC and ledger reference, and the namespace that keeps the admin credentials (contract section 7: they
 *   stay in the Job's own cluster), in which no pod may run; nothing of the tenant's workloads;
 * - a worker cluster the tenant runs in (role `worker`): `tenants/<name>/namespace/` (the namespace, its
 *   policies, quota and LimitRange, and the worker access of lib/tenant/worker-access.ts) and
 *   `tenants/<name>/workloads/`; no bootstrap folder, so neither waits for one; the namespace folder waits
 *   for the cluster's `worker-access` folder (the admission policy that holds the worker access to its Secrets);
 * - a cluster of role `both`: today's folders, the plan's targets naming the tenant's other clusters.
 */
import { App, Chart } from 'cdk8s';
import { ResolvedPlatform } from '../platform/platform';
import type { ClusterContext } from '../platform/clusters';
import { IsolatedNamespace } from '../security/isolated-namespace';
import { TENANT_LABEL } from '../core/labels';
import { WORKER_ACCESS_FOLDER } from '../core/folders';
import { ResolvedTenant, platformClusters } from './tenants';
import { ReleaseRef } from '../flavors/release-definition';
import { OutputFolder } from '../output/write-tree';
import { bootstrapPlan } from './bootstrap-plan';
import { TenantAgent } from './tenant-agent';
import { TargetAccess, TenantBootstrap } from './tenant-bootstrap';
import { WorkerAccess, workerTokenSecretName } from './worker-access';
import { TenantNamespace } from './tenant-namespace';
import { TenantQuota } from './tenant-quota';
import { routerKindOf } from './router-kinds';
import { routerDeployed } from './tenant-deployment';

/** Folder paths of a tenant; `namespace` is the first folder of a worker cluster (which has no bootstrap folder). */
export function tenantFolderPaths(tenant: Pick<ResolvedTenant, 'name'>): { readonly bootstrap: string; readonly namespace: string; readonly workloads: string } {
  return { bootstrap: `tenants/${tenant.name}/bootstrap`, namespace: `tenants/${tenant.name}/namespace`, workloads: `tenants/${tenant.name}/workloads` };
}

/** A cluster of the platform as the control plane's bootstrap sees it: its context and its API server's addresses. */
export interface TargetCluster extends ClusterContext {
  /** Where the cluster's API server answers (its `network.kubernetesApiCidrs`); used when `apiServer.url` names a host, not an IP. */
  readonly kubernetesApiCidrs?: readonly string[];
}

/** What {@link tenantFolders} needs to know about the other clusters of a platform of several. */
export interface TenantFolderOptions {
  /**
   * Every cluster of the platform (the tenant's `clusters` name some of them), with their API ranges.
   * @default - the resolved platform's `clusters` (without API ranges), or one cluster
   */
  readonly clusters?: readonly TargetCluster[];
  /** Folders of the worker cluster that the tenant's first folder there waits for (e.g. `gpu`). @default - the layout's rules (the worker's shared Redis) */
  readonly workerDependsOn?: readonly string[];
}

/** The server release the tenant's releases wait for. */
export function serverReleaseRef(platform: ResolvedPlatform): ReleaseRef {
  return { name: platform.server.releaseName, namespace: platform.server.namespace };
}

/**
 * Builds the tenant's folders of one cluster. Without `cluster` (one cluster, today's output), or in a cluster
 * of role `both`: the bootstrap folder and the workloads folder. See the top of this file for the control
 * plane and the worker clusters; a worker cluster the tenant does not run in gets no folder.
 */
export function tenantFolders(tenant: ResolvedTenant, platform: ResolvedPlatform, cluster?: ClusterContext, options: TenantFolderOptions = {}): OutputFolder[] {
  const all: readonly TargetCluster[] = options.clusters ?? platformClusters(platform);
  // Several clusters: a cluster of one role only, or a `both` cluster among others.
  const several = cluster !== undefined && (cluster.role !== 'both' || all.length > 1);
  const runsHere = cluster === undefined || tenant.clusters.length === 0 || tenant.clusters.includes(cluster.name);
  if (cluster !== undefined && !cluster.controlPlane) return runsHere ? workerFolders(tenant, platform, cluster, options.workerDependsOn) : [];
  const paths = tenantFolderPaths(tenant);
  if (several && all.length === 0) throw new Error(`tenantFolders for tenant ${tenant.name} in cluster ${cluster!.name}: options.clusters must list the platform's clusters (the bootstrap's targets)`);
  const targets = several ? tenantClusters(tenant, all) : undefined;

  const bootstrap = new App({ outdir: 'unused' });
  if (runsHere) namespaceCharts(bootstrap, tenant, platform);
  // Not run here: only the namespace that keeps the admin credentials (the Job's own cluster, section 7).
  else adminCredentialsNamespace(new Chart(bootstrap, 'namespace'), tenant, platform);
  new TenantBootstrap(new Chart(bootstrap, 'bootstrap'), 'TenantBootstrap', {
    plan: bootstrapPlan(tenant, platform, targets),
    jobNamespace: platform.server.namespace,
    apiUrl: platform.internalApiUrl,
    supervisorSecret: platform.server.supervisor.credentialsSecret,
    image: platform.bootstrap.image,
    deadlineSeconds: platform.bootstrap.deadlineSeconds,
    backoffLimit: platform.bootstrap.backoffLimit,
    activeDeadlineSeconds: platform.bootstrap.activeDeadlineSeconds,
    ...(targets !== undefined ? { targetAccess: targetAccess(tenant, platform, targets) } : {}),
  });

  const folders: OutputFolder[] = [{ path: paths.bootstrap, app: bootstrap }];
  if (!hasWorkloads(tenant) || !runsHere) return folders;
  folders.push({ path: paths.workloads, app: workloadsApp(tenant, platform, [serverReleaseRef(platform)]) });
  return folders;
}

/** The tenant's parts in a worker cluster: its namespace (with the worker access) and its workloads. */
function workerFolders(tenant: ResolvedTenant, platform: ResolvedPlatform, cluster: ClusterContext, dependsOn: readonly string[] | undefined): OutputFolder[] {
  const paths = tenantFolderPaths(tenant);
  const namespace = new App({ outdir: 'unused' });
  // The server namespace is in the control plane: no egress to a namespace of that name here.
  namespaceCharts(namespace, tenant, platform, false);
  new WorkerAccess(new Chart(namespace, 'worker-access'), 'WorkerAccess', { tenant: tenant.name, namespace: tenant.namespace, cluster: cluster.name });
  // Without `dependsOn`, the layout's rules decide (lib/gitops/layout.ts: in a worker, what its server folder would wait for).
  // Given folders to wait for, the guard of the worker access is one of them too (the layout's rules name it otherwise).
  const folders: OutputFolder[] = [{ path: paths.namespace, app: namespace, ...(dependsOn ? { dependsOn: [...new Set([...dependsOn, WORKER_ACCESS_FOLDER])] } : {}) }];
  // The server is in the control plane: its release is no dependency here (the agent retries until it answers),
  // and its in-cluster URL is not reachable from here: the releases use the public API URL.
  const remote: ResolvedPlatform = { ...platform, internalApiUrl: platform.urls.api };
  if (hasWorkloads(tenant)) folders.push({ path: paths.workloads, app: workloadsApp(tenant, remote, []), dependsOn: [paths.namespace] });
  return folders;
}

/** The tenant namespace with its policies, and its quota and LimitRange when the file sets them. */
function namespaceCharts(app: App, tenant: ResolvedTenant, platform: ResolvedPlatform, serverInCluster = true): void {
  new TenantNamespace(new Chart(app, 'namespace'), 'TenantNamespace', { tenant, platform, serverInCluster });
  if (tenant.quota !== undefined || tenant.limitRange !== undefined) {
    new TenantQuota(new Chart(app, 'quota'), 'TenantQuota', { tenant: tenant.name, namespace: tenant.namespace, quota: tenant.quota, limitRange: tenant.limitRange });
  }
}

/**
 * The control plane's namespace of a tenant that runs elsewhere: it only keeps the admin credentials Secret
 * the bootstrap writes, and no pod may run in it (`noWorkloads`: a quota of zero pods, Services and claims,
 * the two default-deny policies and nothing allowed, not even its own pods or the DNS), `restricted` enforced. It carries the tenant label like every tenant namespace (the checks of the
 * output see it as the tenant's), and {@link ADMIN_CREDENTIALS_OF_LABEL}.
 */
function adminCredentialsNamespace(scope: Chart, tenant: ResolvedTenant, platform: ResolvedPlatform): IsolatedNamespace {
  return new IsolatedNamespace(scope, 'AdminCredentialsNamespace', {
    name: tenant.namespace,
    network: platform.network,
    podSecurity: 'restricted',
    labels: { [TENANT_LABEL]: tenant.name, [ADMIN_CREDENTIALS_OF_LABEL]: tenant.name },
    noWorkloads: true,
  });
}

/** Label of the control plane's namespace that keeps a tenant's admin credentials: the tenant's name. */
export const ADMIN_CREDENTIALS_OF_LABEL = 'clearml-tenancy/admin-credentials-of';

/** The tenant's clusters (its `clusters`, in that order) among the platform's. */
export function tenantClusters(tenant: Pick<ResolvedTenant, 'name' | 'clusters'>, clusters: readonly TargetCluster[]): TargetCluster[] {
  return tenant.clusters.map((name) => {
    const c = clusters.find((k) => k.name === name);
    if (c === undefined) throw new Error(`tenant ${tenant.name} names cluster "${name}", which is not a cluster of the platform (${clusters.map((k) => k.name).join(', ')})`);
    return c;
  });
}

/** How the Job reaches each worker cluster among `targets`: the token and CA Secrets, the API server's address and port. */
export function targetAccess(tenant: Pick<ResolvedTenant, 'name'>, _platform: Pick<ResolvedPlatform, 'network'>, targets: readonly TargetCluster[]): TargetAccess[] {
  return targets.flatMap((c): TargetAccess[] => {
    if (c.controlPlane || c.apiServer === undefined) return [];
    const url = new URL(c.apiServer.url);
    return [{
      cluster: c.name,
      tokenSecret: workerTokenSecretName(c.apiServer.tokenSecret, tenant.name),
      caSecret: c.apiServer.caSecret,
      // Only where the control plane reaches that API server (checked in lib/platform/cluster-settings.ts).
      apiCidrs: [...c.apiServer.cidrs],
      apiPort: url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
    }];
  });
}

/** The agent and the router (the platform's router kind, lib/tenant/router-kinds.ts) of an active tenant. */
function workloadsApp(tenant: ResolvedTenant, platform: ResolvedPlatform, after: readonly ReleaseRef[]): App {
  const workloads = new App({ outdir: 'unused' });
  new TenantAgent(new Chart(workloads, 'agent'), 'TenantAgent', { tenant, platform, after });
  if (routerDeployed(tenant, platform)) {
    const router = routerKindOf(platform);
    router.build(new Chart(workloads, router.chartId), tenant, platform, after);
  }
  return workloads;
}

/** Whether the tenant's agent and app gateway are deployed: only while it is `active`. */
export function hasWorkloads(tenant: Pick<ResolvedTenant, 'state'>): boolean {
  return tenant.state === 'active';
}
