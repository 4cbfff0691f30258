/**
 * Several clusters from one repository (issue 19): a control plane (server, billing, apps upload, the
 * bootstrap program and each tenant's bootstrap Job and ledger) and GPU worker clusters (GPU operator,
 * CDMO, MIG setup, the shared Redis, tenant namespaces with their policies, quota, agent and app gateway),
 * or one cluster with both roles (today's single cluster, the default).
 *
 * The types below are shared with lib/tenant/ (tenant folders per cluster); keep them stable.
 */

/** What a cluster runs. */
export type ClusterRole = 'control-plane' | 'worker' | 'both';

/** The roles a cluster may have, in the order messages list them. */
export const CLUSTER_ROLES: readonly ClusterRole[] = ['control-plane', 'worker', 'both'];

/**
 * How the control plane's bootstrap Jobs reach a worker cluster's API server: its URL, and the names of
 * the operator-provided Secrets (in the control plane's server namespace) that hold the token of the
 * bootstrap's ServiceAccount in that worker and the worker's CA certificate.
 */
export interface ClusterApiServer {
  /**
   * `https://host:port[/path]` of the worker's API server, as seen from the control plane (no user name or
   * password, query or fragment; no trailing "/"); no two workers have the same one.
   */
  readonly url: string;
  /**
   * Where the control plane reaches it (IPv4 CIDRs of /16 or longer, outside the control plane's own
   * `network.clusterCidrs`; the `url`'s own address when it is one): the bootstrap Jobs' only egress to it.
   */
  readonly cidrs: readonly string[];
  /** Secret holding the worker's CA certificate (key `ca.crt`). */
  readonly caSecret: string;
  /** Secret holding the token of the bootstrap's ServiceAccount in that worker (key `token`). */
  readonly tokenSecret: string;
}

/** Key of the token in {@link ClusterApiServer.tokenSecret}. */
export const CLUSTER_TOKEN_KEY = 'token';
/** Key of the CA certificate in {@link ClusterApiServer.caSecret}. */
export const CLUSTER_CA_KEY = 'ca.crt';

/**
 * The cluster one synth pass writes, as the tenant folders see it: which parts of a tenant belong here.
 * With no cluster context, the tenant folders are today's single-cluster output.
 */
export interface ClusterContext {
  /** The cluster's name (a DNS label); the folder is `clusters/<name>/`. */
  readonly name: string;
  readonly role: ClusterRole;
  /** The role is `control-plane` or `both`: the bootstrap Jobs and ledgers are written here. */
  readonly controlPlane: boolean;
  /** The role is `worker` or `both`: tenant namespaces, policies, quota, agent and app gateway are written here. */
  readonly worker: boolean;
  /** Workers reached from a separate control plane: how the bootstrap Jobs get there. */
  readonly apiServer?: ClusterApiServer;
  /** Where its Kubernetes API answers (its `network.kubernetesApiCidrs`): the control plane's egress to a worker whose `apiServer.url` names a host. */
  readonly kubernetesApiCidrs?: readonly string[];
}

/**
 * One cluster of the platform with its defaults applied: the context plus the cluster's own settings
 * (resolved in lib/platform/platform.ts; `settings` holds what overrides the platform's props).
 */
export interface ResolvedCluster extends ClusterContext {
  /** Index in `PlatformProps.clusters` (for messages), or -1 for the implicit single cluster. */
  readonly index: number;
  /** Path of this cluster's folder in the output (`clusters/<name>`), or '' for the implicit single cluster. */
  readonly folder: string;
}

/** The context of a cluster that has both roles (today's single cluster). */
export function singleClusterContext(name = 'default'): ClusterContext {
  return { name, role: 'both', controlPlane: true, worker: true };
}

/** Whether a cluster of `role` runs the control plane's parts. */
export function isControlPlaneRole(role: ClusterRole): boolean {
  return role === 'control-plane' || role === 'both';
}

/** Whether a cluster of `role` runs the tenants' workloads. */
export function isWorkerRole(role: ClusterRole): boolean {
  return role === 'worker' || role === 'both';
}
