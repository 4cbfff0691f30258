/**
 * External Secrets Operator output: with `secrets.provider: 'external-secrets'`, one `ExternalSecret`
 * (`external-secrets.io/v1`) for every operator-owned Secret of the inventory, producing exactly that
 * Secret (name, keys, type) with `creationPolicy: Owner`. Bootstrap-owned Secrets are never ESO's.
 *
 * Where they go, so that every release waits for its Secrets:
 * - A tenant's Secrets (declared only by that tenant's folders) go into `tenants/<t>/bootstrap`, next to
 *   the tenant's Namespace; the tenant's other folders depend on that folder, and its Kustomization is
 *   only Ready once the ExternalSecrets are (health check expressions, see flux-kustomizations.ts).
 * - Every other Secret goes into the platform folder `secrets`, which every platform folder waits for
 *   (layout.ts). The Namespaces those Secrets live in move into `secrets` too, so they exist first.
 *
 * One ExternalSecret per namespace rather than a `ClusterExternalSecret` over the tenant label: a
 * tenant's folder then waits for its own ExternalSecrets' Ready (a ClusterExternalSecret's Ready covers
 * all namespaces at once, and is not Ready until a namespace matches); they are pruned with the tenant's
 * folder on decommissioning; and every Secret can have its own remote key.
 *
 * Default remote key: `<remoteKeyPrefix>/<secret name>`, property = the Secret's key. Secrets of the same
 * name in different namespaces (the registry token, the Redis password) are one credential copied, so
 * they read the same remote value and a new tenant needs nothing new in the store.
 */
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/external-secrets.io';
import { Problems } from '../core/problems';
import { SECRETS_FOLDER, tenantOf, RenderedFolder } from '../core/folders';
import { PART_OF_LABEL, PART_OF_VALUE } from '../core/labels';
import { RemoteSecretSource, SecretRequirement, mergeSecretRequirements } from '../security/secret-reference';
import { RemoteKeyOverride, ResolvedSecrets } from './secrets-settings';

export { SECRETS_FOLDER };

/** File name of the ExternalSecrets in a folder. */
export const EXTERNAL_SECRETS_FILE = 'external-secrets.yaml';

/** A Secret requirement and the output folder whose objects declared it. */
export interface SecretDeclaration {
  readonly folder: string;
  readonly requirement: SecretRequirement;
}

/** Where ESO reads one Secret from. */
export type RemoteSource = RemoteSecretSource;

/** One ExternalSecret to write. */
export interface PlannedExternalSecret {
  /** Output folder it goes into. */
  readonly folder: string;
  readonly requirement: SecretRequirement;
  readonly source: RemoteSource;
}

const secretId = (r: { namespace: string; name: string }): string => `${r.namespace}/${r.name}`;

/** The remote source of one Secret: its override, else the default naming scheme. */
export function remoteSourceOf(settings: Extract<ResolvedSecrets, { provider: 'external-secrets' }>, r: SecretRequirement): RemoteSource {
  const override: RemoteKeyOverride | undefined = settings.remoteKeys[secretId(r)];
  // A leading "." is dropped (`.dockerconfigjson` reads `dockerconfigjson`): providers read dots in a property as a JSON path.
  const properties = Object.fromEntries(r.keys.map((k) => [k, override?.properties?.[k] ?? k.replace(/^\.+/, '')]));
  return { store: settings.store, remoteKey: override?.remoteKey ?? `${settings.remoteKeyPrefix}/${r.name}`, properties };
}

/**
 * The ExternalSecrets for the declared Secrets (none with `manual`). Throws a `ConfigError` listing every
 * override that names no operator-owned Secret of the inventory, or a key the Secret does not have.
 */
export function planExternalSecrets(settings: ResolvedSecrets, declarations: readonly SecretDeclaration[], existingFolders: ReadonlySet<string>): PlannedExternalSecret[] {
  if (settings.provider !== 'external-secrets') return [];
  const merged = mergeSecretRequirements(declarations.map((d) => d.requirement));
  const folders = new Map<string, Set<string>>();
  for (const d of declarations) {
    const set = folders.get(secretId(d.requirement)) ?? new Set<string>();
    set.add(d.folder);
    folders.set(secretId(d.requirement), set);
  }
  const problems = new Problems('main.ts (platform props)');
  const byId = new Map(merged.map((r) => [secretId(r), r]));
  for (const [id, o] of Object.entries(settings.remoteKeys)) {
    const r = byId.get(id);
    const path = `secrets.remoteKeys["${id}"]`;
    if (!r) {
      problems.add(path, id, `names no Secret of the inventory; operator-owned Secrets: ${merged.filter((m) => m.providedBy === 'operator').map(secretId).join(', ')}`);
    } else if (r.providedBy !== 'operator') {
      problems.add(path, id, 'is created by the tenant bootstrap Job, never by External Secrets; remove this override');
    } else {
      for (const k of Object.keys(o.properties ?? {})) if (!r.keys.includes(k)) problems.add(`${path}.properties.${k}`, k, `is not a key of the Secret; its keys: ${r.keys.join(', ')}`);
    }
  }
  problems.throwIfAny();
  return merged
    .filter((r) => r.providedBy === 'operator')
    .map((r) => {
      const tenants = new Set([...folders.get(secretId(r))!].map((f) => tenantOf(f)));
      const [tenant] = [...tenants];
      // The tenant's first folder: its bootstrap folder, or in a worker cluster (issue 19) its namespace folder.
      const tenantFolder = [`tenants/${tenant}/bootstrap`, `tenants/${tenant}/namespace`].find((f) => existingFolders.has(f));
      const folder = tenants.size === 1 && tenant !== undefined && tenantFolder !== undefined ? tenantFolder : SECRETS_FOLDER;
      return { folder, requirement: r, source: remoteSourceOf(settings, r) };
    });
}

/** The ExternalSecret object of one planned Secret. */
export function externalSecretManifest(refreshInterval: string, p: PlannedExternalSecret): Record<string, any> {
  const r = p.requirement;
  return ExternalSecret.manifest({
    metadata: { name: r.name, namespace: r.namespace, labels: { [PART_OF_LABEL]: PART_OF_VALUE } },
    spec: {
      refreshInterval,
      secretStoreRef: {
        kind: p.source.store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
        name: p.source.store.name,
      },
      target: {
        name: r.name,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        template: r.type && r.type !== 'Opaque' ? { type: r.type } : undefined,
      },
      data: r.keys.map((k) => ({ secretKey: k, remoteRef: { key: p.source.remoteKey, property: p.source.properties[k] } })),
    },
  });
}

/**
 * Adds the planned ExternalSecrets to the rendered folders (in place): tenant ones into the tenant's
 * bootstrap folder, the rest into a new `secrets` folder, which also takes over the Namespaces they need.
 */
export function addExternalSecrets(rendered: RenderedFolder[], settings: ResolvedSecrets, planned: readonly PlannedExternalSecret[]): void {
  if (settings.provider !== 'external-secrets' || planned.length === 0) return;
  if (rendered.some((f) => f.path === SECRETS_FOLDER)) throw new Error(`an output folder already has the path "${SECRETS_FOLDER}"`);
  const byFolder = new Map<string, Record<string, any>[]>();
  for (const p of planned) {
    const list = byFolder.get(p.folder) ?? [];
    list.push(externalSecretManifest(settings.refreshInterval, p));
    byFolder.set(p.folder, list);
  }
  const platformObjects: Record<string, any>[] = [];
  const needed = new Set((byFolder.get(SECRETS_FOLDER) ?? []).map((o) => o.metadata.namespace as string));
  for (const folder of rendered) {
    if (tenantOf(folder.path) !== undefined) continue;
    for (const file of folder.files) {
      const moved = file.objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && needed.has(o.metadata?.name));
      if (moved.length === 0) continue;
      platformObjects.push(...moved);
      file.objects.splice(0, file.objects.length, ...file.objects.filter((o) => !moved.includes(o)));
    }
    folder.files.splice(0, folder.files.length, ...folder.files.filter((f) => f.objects.length > 0));
  }
  const byPath = new Map(rendered.map((f) => [f.path, f]));
  for (const [path, objects] of byFolder) {
    if (path === SECRETS_FOLDER) continue;
    byPath.get(path)!.files.push({ name: EXTERNAL_SECRETS_FILE, objects });
  }
  const platform = byFolder.get(SECRETS_FOLDER);
  if (platform) {
    const files = [{ name: EXTERNAL_SECRETS_FILE, objects: platform }];
    if (platformObjects.length > 0) files.unshift({ name: 'namespaces.yaml', objects: platformObjects });
    rendered.unshift({ path: SECRETS_FOLDER, files });
  }
}

/** Store objects the output refers to (for external-objects.json). */
export function externalStores(planned: readonly PlannedExternalSecret[]): Array<{ apiVersion: string; kind: string; namespace?: string; name: string; providedBy: string }> {
  const seen = new Map<string, { apiVersion: string; kind: string; namespace?: string; name: string; providedBy: string }>();
  for (const p of planned) {
    const cluster = p.source.store.kind === 'ClusterSecretStore';
    const namespace = cluster ? undefined : p.requirement.namespace;
    const id = `${p.source.store.kind}/${namespace ?? ''}/${p.source.store.name}`;
    if (!seen.has(id)) seen.set(id, { apiVersion: 'external-secrets.io/v1', kind: p.source.store.kind, namespace, name: p.source.store.name, providedBy: 'the operator (External Secrets Operator store)' });
  }
  return [...seen.values()].sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
}
