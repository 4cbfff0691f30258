/**
 * The order of the output folders, shared by every flavor.
 *
 * Each folder is one unit of apply (a Flux `Kustomization`, an Argo CD `Application`, one step of
 * `apply-order.txt`). A folder waits for the folders it depends on: the folder's own `dependsOn`
 * when it sets one, else the rule for its name:
 *
 * | folder | waits for |
 * |---|---|
 * | `secrets` (ExternalSecrets, with `secrets.provider: 'external-secrets'`) | - |
 * | `sources` | `secrets` |
 * | a platform component's folder | what its components wait for (`waitsFor` of their descriptors, lib/components/): `gpu` after `sources`, `mig-setup` after `gpu`, `server` after `gpu` (or `sources` without a GPU layer), `server-apps` after `server` |
 * | `tenants/<t>/bootstrap` | `server` |
 * | `tenants/<t>/<other>` | `tenants/<t>/bootstrap` |
 * | anything else | `server` |
 *
 * Folders that do not exist are skipped (a rule that names one falls back to what that one waits for).
 * With several clusters each cluster's tree is laid out on its own, with its own rules
 * (`clusterFolderRules` of lib/components/derived.ts): a worker has no `server` folder, and there the
 * `server` the tenant folders wait for stands for the worker's own `redis` folder and its `worker-access`
 * folder (which waits for nothing), so tenant folders wait for their own cluster's folders only.
 * Everything here is linear in the number of folders.
 */
import { FolderUnit, RenderedFolder, SECRETS_FOLDER, SERVER_FOLDER, SOURCES_FOLDER, tenantFolderParts, tenantOf } from '../core/folders';
import { boundedDnsLabel } from '../core/names';
import { RELEASE_KINDS } from '../flavors/index';


/** What each platform component folder waits for (from the component registry: lib/components/derived.ts). */
export type FolderRules = ReadonlyMap<string, readonly string[]>;


/** The default dependencies of a folder, by its name (see the table above). */
export function defaultDependencies(path: string, componentRules: FolderRules): string[] {
  const tenant = tenantFolderParts(path);
  if (tenant) return tenant.part === 'bootstrap' ? [SERVER_FOLDER] : [`tenants/${tenant.tenant}/bootstrap`];
  if (path === SECRETS_FOLDER) return [];
  if (path === SOURCES_FOLDER) return [SECRETS_FOLDER];
  const rule = componentRules.get(path);
  return rule ? [...rule] : [SERVER_FOLDER];
}

/**
 * The folders in apply order (dependencies first, then by path) with their dependencies resolved.
 * Throws when a folder names a dependency that is not a folder of the output, or on a cycle.
 * `componentRules`: what each platform component folder waits for (the registry's, `platformFolderRules()`).
 */
export function planLayout(folders: readonly RenderedFolder[], componentRules: FolderRules): FolderUnit[] {
  const byPath = new Map(folders.map((f) => [f.path, f]));
  const resolved = new Map<string, string[]>();
  const resolveRule = (path: string, seen: Set<string>): string[] => {
    const out: string[] = [];
    for (const dep of defaultDependencies(path, componentRules)) {
      if (byPath.has(dep)) out.push(dep);
      else if (!seen.has(dep)) {
        seen.add(dep);
        out.push(...resolveRule(dep, seen));
      }
    }
    return out;
  };
  for (const f of folders) {
    if (f.dependsOn) {
      for (const d of f.dependsOn) if (!byPath.has(d)) throw new Error(`folder "${f.path}" depends on "${d}", which is not a folder of the output`);
      resolved.set(f.path, [...new Set(f.dependsOn)].sort());
    } else {
      resolved.set(f.path, [...new Set(resolveRule(f.path, new Set([f.path])))].sort());
    }
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (path: string): number => {
    const known = depth.get(path);
    if (known !== undefined) return known;
    if (visiting.has(path)) throw new Error(`folders depend on each other in a cycle through "${path}"`);
    visiting.add(path);
    const d = Math.max(-1, ...resolved.get(path)!.map(depthOf)) + 1;
    visiting.delete(path);
    depth.set(path, d);
    return d;
  };
  const nodes = folders.map((f): FolderUnit => {
    const kinds = new Set(f.files.flatMap((file) => file.objects.map((o) => o.kind as string)));
    return {
      path: f.path,
      dependsOn: resolved.get(f.path)!,
      tenant: tenantOf(f.path),
      hasJobs: kinds.has('Job'),
      hasExternalSecrets: kinds.has('ExternalSecret'),
      hasReleases: [...kinds].some((k) => RELEASE_KINDS.has(k)),
      depth: depthOf(f.path),
      unitName: boundedDnsLabel(f.path.replace(/\//g, '-')),
    };
  });
  const names = new Map<string, string>();
  for (const n of nodes) {
    const other = names.get(n.unitName);
    if (other) throw new Error(`folders "${other}" and "${n.path}" have the same unit name "${n.unitName}"`);
    names.set(n.unitName, n.path);
  }
  return nodes.sort((a, b) => a.depth - b.depth || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `apply-order.txt`: one folder a line, in an order that satisfies every dependency. */
export function applyOrder(nodes: readonly FolderUnit[]): string {
  return `${nodes.map((n) => n.path).join('\n')}\n`;
}
