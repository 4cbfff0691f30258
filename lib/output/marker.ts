/**
 * The marker synth leaves in its output folder, `.clearml-tenancy`: it says the folder is synth's own,
 * lists every file synth wrote there (so a later synth removes only those, never a file a user added),
 * and records each tenant with its namespace and a digest of its files (so a later synth can say which
 * tenants were added, changed and removed, and a removal guard can compare tenant files with the
 * previous output). It also keeps the tenants that left the output (`removed`: name and namespace), so a
 * later synth can refuse a new tenant that would take over a removed tenant's namespace (its data stays,
 * prune guard) or name (its ClearML company stays). The content is JSON, deterministic (sorted, no time
 * stamps): it is committed in `dist/` like every other file of the output.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** File name of the marker, at the top of the output folder. */
export const MARKER_FILE = '.clearml-tenancy';

/** The product that writes the marker. */
export const MARKER_PRODUCT = 'clearml-tenancy';

/** Version of the marker's format. */
export const MARKER_FORMAT = 1;

/** One tenant of an output. */
export interface MarkerTenant {
  /** The tenant's name (its file `tenants/<name>.yaml`, its folders `tenants/<name>/`). */
  readonly name: string;
  /** The tenant's namespace. */
  readonly namespace: string;
  /** `sha256:` of the tenant's files (paths and contents below `tenants/<name>/`). */
  readonly digest: string;
}

/**
 * A tenant that left the output (removed, or moved away from this namespace): what it left behind in the
 * cluster and in ClearML under this name and namespace.
 */
export interface MarkerTombstone {
  /** The tenant's name (its ClearML company's name, its ledger `clearml-tenant-ledger-<name>`). */
  readonly name: string;
  /** The namespace it had (kept in the cluster by the prune guard, with its data). */
  readonly namespace: string;
}

/** The tombstones sorted by name, then namespace, each once. */
export function sortedTombstones(list: Iterable<MarkerTombstone>): MarkerTombstone[] {
  const byKey = new Map<string, MarkerTombstone>();
  for (const t of list) byKey.set(`${t.name}\0${t.namespace}`, { name: t.name, namespace: t.namespace });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
}

/** The marker's content. */
export interface OutputMarker {
  readonly product: typeof MARKER_PRODUCT;
  readonly format: typeof MARKER_FORMAT;
  /** The install profile, when it is not the default `runbook` (whose marker has no such field). @default 'runbook' */
  readonly profile?: string;
  /** Every tenant, sorted by name. */
  readonly tenants: readonly MarkerTenant[];
  /**
   * Every tenant that left the output in an earlier synth (and every namespace a tenant moved away from),
   * sorted by name then namespace; absent when there is none, so an output without removals keeps its
   * marker. @default []
   */
  readonly removed?: readonly MarkerTombstone[];
  /** Every file synth wrote, relative `/`-separated paths, sorted; the marker itself is not listed. */
  readonly files: readonly string[];
}

/**
 * The digest of one tenant's files in `files` (relative path to content): those below `tenants/<name>/`,
 * and with several clusters those below `clusters/<cluster>/tenants/<name>/` of every cluster.
 */
export function tenantDigest(files: ReadonlyMap<string, string>, name: string): string {
  const hash = createHash('sha256');
  const prefix = `tenants/${name}/`;
  const inCluster = (p: string) => /^clusters\/[^/]+\//.exec(p)?.[0];
  const ofTenant = (p: string) => p.startsWith(prefix) || (inCluster(p) !== undefined && p.slice(inCluster(p)!.length).startsWith(prefix));
  for (const path of [...files.keys()].filter(ofTenant).sort()) {
    hash.update(path).update('\0').update(files.get(path)!).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The marker for an output of `files` (the marker excluded), its tenants and the tenants that left it. */
export function outputMarker(
  files: ReadonlyMap<string, string>,
  tenants: ReadonlyArray<{ readonly name: string; readonly namespace: string }>,
  profile?: string,
  removed: readonly MarkerTombstone[] = [],
): OutputMarker {
  const tombstones = sortedTombstones(removed);
  return {
    product: MARKER_PRODUCT,
    format: MARKER_FORMAT,
    ...(profile !== undefined && profile !== 'runbook' ? { profile } : {}),
    tenants: [...tenants].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => ({ name: t.name, namespace: t.namespace, digest: tenantDigest(files, t.name) })),
    ...(tombstones.length > 0 ? { removed: tombstones } : {}),
    files: [...files.keys()].filter((p) => p !== MARKER_FILE).sort(),
  };
}

/** The marker as the text of its file. */
export function markerText(marker: OutputMarker): string {
  return `${JSON.stringify(marker, null, 2)}\n`;
}

/** Parses a marker's text; throws naming `file` when it is not a marker this product wrote. */
export function parseOutputMarker(text: string, file: string): OutputMarker {
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not a ${MARKER_PRODUCT} marker (not JSON: ${(e as Error).message})`);
  }
  const problems: string[] = [];
  if (data?.product !== MARKER_PRODUCT) problems.push(`product is ${JSON.stringify(data?.product)}, expected "${MARKER_PRODUCT}"`);
  if (data?.format !== MARKER_FORMAT) problems.push(`format is ${JSON.stringify(data?.format)}, expected ${MARKER_FORMAT}`);
  if (!Array.isArray(data?.files) || data.files.some((f: unknown) => typeof f !== 'string' || f.startsWith('/') || f.split('/').includes('..'))) {
    problems.push('files must be a list of relative paths inside the folder');
  }
  if (!Array.isArray(data?.tenants) || data.tenants.some((t: any) => typeof t?.name !== 'string' || typeof t?.namespace !== 'string' || typeof t?.digest !== 'string')) {
    problems.push('tenants must be a list of { name, namespace, digest }');
  }
  if (data?.removed !== undefined && (!Array.isArray(data.removed) || data.removed.some((t: any) => typeof t?.name !== 'string' || typeof t?.namespace !== 'string'))) {
    problems.push('removed must be a list of { name, namespace }');
  }
  if (problems.length > 0) throw new Error(`${file}: not a ${MARKER_PRODUCT} marker: ${problems.join('; ')}`);
  return data as OutputMarker;
}

/**
 * The marker of the output folder `dir`, or `undefined` when it has none (no folder, or a folder synth
 * did not write). Throws when the marker is there but unreadable.
 */
export function readOutputMarker(dir: string): OutputMarker | undefined {
  const file = join(dir, MARKER_FILE);
  if (!existsSync(file)) return undefined;
  return parseOutputMarker(readFileSync(file, 'utf8'), file);
}
