/**
 * The names of the charts that route a tenant's task traffic (`tenantReleases.routerKind`); what each one
 * builds and which policies admit its traffic is lib/tenant/router-kinds.ts, one entry per name.
 */
export const ROUTER_KIND_NAMES = ['task-traffic-router', 'app-gateway'] as const;

export type RouterKindName = (typeof ROUTER_KIND_NAMES)[number];

/** The runbook's router, the default. */
export const DEFAULT_ROUTER_KIND: RouterKindName = 'task-traffic-router';

export function isRouterKindName(name: unknown): name is RouterKindName {
  return typeof name === 'string' && (ROUTER_KIND_NAMES as readonly string[]).includes(name);
}
