/**
 * What of a tenant is deployed, in one place: the folders (./tenant-folders.ts) write the releases by these
 * conditions and the namespace (./tenant-namespace.ts) opens its policies by the same ones, so that no
 * NetworkPolicy admits traffic to pods the platform does not run. Such a policy selects pods by a label
 * (the app gateway's release label, the task pod label) that any pod of the tenant may carry, so a policy
 * left without its release would open the tenant's own pods to the ingress controller or to the internet.
 */
import type { ResolvedPlatform } from '../platform/platform';
import type { ResolvedTenant } from './tenants';

/** Whether the tenant's agent (and its session Services) is deployed: only while the tenant is `active`. */
export function agentDeployed(tenant: Pick<ResolvedTenant, 'state'>): boolean {
  return tenant.state === 'active';
}

/** Whether the tenant's router / app gateway is deployed: with its agent, when the platform enables routers. */
export function routerDeployed(tenant: Pick<ResolvedTenant, 'state'>, platform: Pick<ResolvedPlatform, 'tenantReleases'>): boolean {
  return agentDeployed(tenant) && platform.tenantReleases.routerEnabled;
}

/** Whether the agent's session Services over TCP ports exist (the agent is deployed with `sessions.portMode`). */
export function sessionPortsDeployed(tenant: Pick<ResolvedTenant, 'state' | 'sessions'>): boolean {
  return agentDeployed(tenant) && tenant.sessions.portMode;
}
