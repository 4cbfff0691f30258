/**
 * The bootstrap plan of a tenant (BOOTSTRAP-API.md version 2, section 5): what the tenant's bootstrap Job
 * makes true in ClearML. `allowed_users` is a number (the runbook's `"10"` is a string).
 *
 * The version-2 fields (`ledgerNamespace`, `state`, `credentialsGeneration`, `whitelist`,
 * `admin.internal`) are typed here on top of the program's {@link BootstrapPlan}.
 */
import { BootstrapPlan, BootstrapTarget } from '../programs/bootstrap/plan';
import { ResolvedPlatform } from '../platform/platform';
import type { ClusterContext } from '../platform/clusters';
import { TenantState } from '../config/tenant-schema';
import { ResolvedTenant } from './tenants';
import { tenantQueues } from './queues';

/** One login whitelist entry (`login.add_whitelist_entries`): e-mails routed to the company, as admins or not. */
export interface PlanWhitelistEntry {
  readonly emails: readonly string[];
  readonly isAdmin: boolean;
}

/** The plan of contract version 2. */
export interface TenantBootstrapPlan extends Omit<BootstrapPlan, 'admin'> {
  /** Namespace of the ledger Secret: the Job's own (the server namespace). */
  readonly ledgerNamespace: string;
  /** The lifecycle state the run must reach (section 6). */
  readonly state: TenantState;
  /** Generation of the credentials; a higher one than a Secret records rotates its key (section 6). */
  readonly credentialsGeneration: number;
  readonly admin: { readonly name: string; readonly email: string; readonly internal: boolean };
  /** Login whitelist entries; empty entries are left out. */
  readonly whitelist: readonly PlanWhitelistEntry[];
}

/** Where the Job mounts each target cluster's token and CA: `/var/run/targets/<cluster>/`. */
export const TARGETS_MOUNT = '/var/run/targets';

/** The token file of a target cluster in the Job (`<TARGETS_MOUNT>/<cluster>/token`). */
export function targetTokenFile(cluster: string): string {
  return `${TARGETS_MOUNT}/${cluster}/token`;
}

/** The CA file of a target cluster in the Job (`<TARGETS_MOUNT>/<cluster>/ca.crt`). */
export function targetCaFile(cluster: string): string {
  return `${TARGETS_MOUNT}/${cluster}/ca.crt`;
}

/**
 * The plan's targets (contract section 7): one per cluster of the tenant, in the given order, each with the
 * tenant namespace; a cluster that is also the control plane (role `both`) is the Job's own and has no
 * `kubernetes`; a worker is reached at its `apiServer.url` with the token and CA mounted from Secrets.
 */
export function bootstrapTargets(tenant: Pick<ResolvedTenant, 'name' | 'namespace'>, clusters: readonly ClusterContext[]): BootstrapTarget[] {
  return clusters.map((c): BootstrapTarget => {
    if (c.controlPlane) return { cluster: c.name, namespace: tenant.namespace };
    if (c.apiServer === undefined) throw new Error(`cluster "${c.name}" runs tenant ${tenant.name} but has no apiServer: the control plane's bootstrap Job cannot reach it`);
    return { cluster: c.name, namespace: tenant.namespace, kubernetes: { url: c.apiServer.url, tokenFile: targetTokenFile(c.name), caFile: targetCaFile(c.name) } };
  });
}

/** Name of a tenant's version-2 ledger, in the server namespace (section 3). */
export function ledgerSecretName(tenant: string): string {
  return `clearml-tenant-ledger-${tenant}`;
}

/** Keys of the version-2 ledger the bootstrap reads back (`state` is optional and set on decommissioning). */
export const LEDGER_KEYS = ['admin_user_id', 'company_id', 'state'] as const;

/** What the ledger is for (the Secret inventory's words). */
export function ledgerSecretPurpose(tenant: string): string {
  return `Ids of tenant ${tenant}'s company and admin user, and its lifecycle state (the bootstrap's ledger, out of the tenant's reach)`;
}

/**
 * The plan of `tenant`. Features the file does not list are left out, so the server's company
 * defaults apply. The company settings repeat the defaults so that a later edit of the file reaches
 * an existing company (`create_company` applies defaults only once). `targets`: the clusters that run the
 * tenant's workloads, on a platform of several clusters (section 7); absent: no `targets` (sections 1-6).
 */
export function bootstrapPlan(tenant: ResolvedTenant, platform: ResolvedPlatform, targets?: readonly ClusterContext[]): TenantBootstrapPlan {
  const company = {
    allowed_users: tenant.allowedUsers,
    ...(tenant.features !== undefined ? { features: [...tenant.features] } : {}),
    ...(tenant.excludeFeatures !== undefined ? { exclude_features: [...tenant.excludeFeatures] } : {}),
  };
  const whitelist: PlanWhitelistEntry[] = [
    { emails: [...tenant.login.admins], isAdmin: true },
    { emails: [...tenant.login.users], isAdmin: false },
  ].filter((e) => e.emails.length > 0);
  return {
    tenant: tenant.name,
    namespace: tenant.namespace,
    ledgerNamespace: platform.server.namespace,
    state: tenant.state,
    credentialsGeneration: tenant.credentialsGeneration,
    admin: { name: tenant.admin.name, email: tenant.admin.email, internal: platform.bootstrap.adminInternal },
    companyDefaults: company,
    companySettings: { ...company },
    domains: [...tenant.ssoDomains],
    whitelist,
    queues: tenantQueues(tenant).map((q) => q.name),
    ...(targets !== undefined ? { targets: bootstrapTargets(tenant, targets) } : {}),
  };
}
