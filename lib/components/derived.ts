/**
 * The lists computed from the component registry (./index.ts): folders and their rules, charts,
 * namespaces, endpoints. Nothing here names a component; the folder rules of a worker of several clusters
 * also name the folder of the tenants' worker access (lib/tenant/worker-access.ts), which is no component.
 */
import { SERVER_FOLDER, SOURCES_FOLDER, WORKER_ACCESS_FOLDER } from '../core/folders';
import type { ComponentChart, ComponentDescriptor, ComponentEndpoint, ComponentNamespace, ComponentSettings } from './component';
import { COMPONENTS } from './index';

/** The platform's folder names in apply order: the chart sources, then each component folder in registry order. */
export function platformFolderNames(components: readonly ComponentDescriptor[] = COMPONENTS): string[] {
  return [SOURCES_FOLDER, ...new Set(components.map((c) => c.folder))];
}

/** The platform's folder names (see {@link platformFolderNames}). */
export const PLATFORM_FOLDERS: readonly string[] = platformFolderNames();

/**
 * What each component folder waits for: the union of its components' `waitsFor`, in first-seen order
 * (the chart sources' own rule is the GitOps layout's).
 */
export function platformFolderRules(components: readonly ComponentDescriptor[] = COMPONENTS): ReadonlyMap<string, readonly string[]> {
  const rules = new Map<string, string[]>();
  for (const c of components) {
    const rule = rules.get(c.folder) ?? [];
    for (const folder of c.waitsFor) if (!rule.includes(folder)) rule.push(folder);
    rules.set(c.folder, rule);
  }
  return rules;
}

/** The components the platform writes, in registry order. */
export function enabledComponents(platform: ComponentSettings, components: readonly ComponentDescriptor[] = COMPONENTS): ComponentDescriptor[] {
  return components.filter((c) => c.enabled(platform));
}

/** Every chart of the enabled components, in registry order (each gets its source object). */
export function componentCharts(platform: ComponentSettings, components: readonly ComponentDescriptor[] = COMPONENTS): ComponentChart[] {
  return enabledComponents(platform, components).flatMap((c) => c.charts(platform));
}

/**
 * The namespaces of every component, enabled or not, first use first (one entry per namespace). `except`
 * leaves out the namespaces of the named components (e.g. to ask which namespaces another one may not share).
 */
export function componentNamespaces(platform: ComponentSettings, except: readonly string[] = [], components: readonly ComponentDescriptor[] = COMPONENTS): ComponentNamespace[] {
  const out = new Map<string, ComponentNamespace>();
  for (const c of components) {
    if (except.includes(c.name)) continue;
    for (const ns of c.namespaces(platform)) if (!out.has(ns.namespace)) out.set(ns.namespace, ns);
  }
  return [...out.values()];
}

/** The endpoints the enabled components expose, in registry order. */
export function componentEndpoints(platform: ComponentSettings, components: readonly ComponentDescriptor[] = COMPONENTS): ComponentEndpoint[] {
  return enabledComponents(platform, components).flatMap((c) => c.endpoints(platform));
}

/** The roles of one cluster (lib/platform/clusters.ts's ClusterContext has them). */
export interface ClusterRoles {
  readonly controlPlane: boolean;
  readonly worker: boolean;
}

/**
 * The components a cluster of `roles` runs, in registry order, each with its folder there: a cluster that is
 * only a worker has no `server` folder, so a component of the control plane's folder writes into its
 * `workerFolder` (the shared Redis into `redis`).
 */
export function componentsForRoles(roles: ClusterRoles, components: readonly ComponentDescriptor[] = COMPONENTS): ComponentDescriptor[] {
  return components
    .filter((c) => (roles.controlPlane && c.roles.includes('control-plane')) || (roles.worker && c.roles.includes('worker')))
    .map((c) => (!roles.controlPlane && c.workerFolder !== undefined ? { ...c, folder: c.workerFolder } : c));
}

/**
 * The folder rules of a cluster of `roles` (see {@link platformFolderRules}). In a cluster that is only a
 * worker, the `server` folder the tenants' folders wait for stands for the folders the control plane's
 * folder's components moved to there (the shared Redis's) and the worker access guard's folder, so tenant
 * folders wait for their own cluster's folders only.
 */
export function clusterFolderRules(roles: ClusterRoles, components: readonly ComponentDescriptor[] = COMPONENTS): ReadonlyMap<string, readonly string[]> {
  const chosen = componentsForRoles(roles, components);
  // The whole registry's rules, so that a folder missing here still stands for what it waits for
  // (the control plane has no `gpu` folder: its `server` waits for the chart sources).
  const rules = new Map(platformFolderRules(components));
  for (const [folder, rule] of platformFolderRules(chosen)) rules.set(folder, rule);
  if (!roles.controlPlane) {
    const moved = [...new Set(components.filter((c) => c.folder === SERVER_FOLDER && c.workerFolder !== undefined && chosen.some((x) => x.name === c.name)).map((c) => c.workerFolder!))];
    // The tenants' folders there also wait for the guard of their worker access (lib/tenant/worker-access.ts).
    rules.set(SERVER_FOLDER, [...moved, WORKER_ACCESS_FOLDER]);
    rules.set(WORKER_ACCESS_FOLDER, []);
  }
  return rules;
}

/**
 * Each namespace of the enabled components with the TCP ports their endpoints offer tenants (none: `[]`), for
 * the facts file's `tenantReach` (lib/analysis/platform-facts.ts): `check:isolation` fails on a tenant's path
 * to one of them on any other port.
 */
export function tenantReach(platform: ComponentSettings, components: readonly ComponentDescriptor[] = COMPONENTS): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const c of enabledComponents(platform, components)) for (const n of c.namespaces(platform)) out[n.namespace] ??= [];
  for (const e of componentEndpoints(platform, components)) if (e.clients.includes('tenants')) (out[e.namespace] ??= []).push(e.port);
  return out;
}
