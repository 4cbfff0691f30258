/**
 * The rendered output folders as plain objects: what the renderers produce, what the GitOps flavors
 * group into units of apply, and what the output writer serializes. Only types, so every folder of
 * lib/ may use them without depending on the writer (lib/output/write-tree.ts).
 */

/** One YAML file of a rendered folder. */
export interface RenderedFile {
  /** File name, e.g. `clearml-server.yaml`. */
  readonly name: string;
  /** The objects, as JSON. */
  readonly objects: Record<string, any>[];
}

/** A folder as objects, before it becomes text. */
export interface RenderedFolder {
  /** Path below the output folder, `/`-separated, e.g. `server` or `tenants/acme/workloads`. */
  readonly path: string;
  readonly files: RenderedFile[];
  /** Folders that must be applied and ready first. @default - by the folder's name (lib/gitops/layout.ts) */
  readonly dependsOn?: readonly string[];
}

/** The platform folder of the ExternalSecrets that are not a tenant's (lib/secrets/external-secrets.ts); waits for nothing. */
export const SECRETS_FOLDER = 'secrets';

/** The folder of the chart sources (written by flavors whose sources are objects, Flux); waits for `secrets`. */
export const SOURCES_FOLDER = 'sources';

/** The server's folder (lib/components/clearml-server): the tenants' bootstrap folders and unknown folders wait for it. */
export const SERVER_FOLDER = 'server';

/**
 * The folder of a worker cluster (of several) with the admission policy that holds the tenants'
 * `clearml-bootstrap-writer` accounts to their two Secrets (lib/tenant/worker-access.ts); waits for nothing,
 * and the tenants' folders there wait for it.
 */
export const WORKER_ACCESS_FOLDER = 'worker-access';

const TENANT_FOLDER = /^tenants\/([^/]+)\/([^/]+)$/;

/** The tenant of a folder path (`tenants/<tenant>/<part>`), if it is a tenant folder. */
export function tenantOf(path: string): string | undefined {
  return TENANT_FOLDER.exec(path)?.[1];
}

/** The tenant and part of a tenant folder path. */
export function tenantFolderParts(path: string): { readonly tenant: string; readonly part: string } | undefined {
  const m = TENANT_FOLDER.exec(path);
  return m ? { tenant: m[1], part: m[2] } : undefined;
}

/**
 * A content folder as a unit of apply, with what the controllers need to know about it (computed by
 * lib/gitops/layout.ts, grouped by each flavor).
 */
export interface FolderUnit {
  readonly path: string;
  /** Folders to wait for (all existing). */
  readonly dependsOn: readonly string[];
  /** The tenant the folder belongs to (`tenants/<tenant>/...`). */
  readonly tenant?: string;
  /** Holds Jobs (they are recreated when their template changes). */
  readonly hasJobs: boolean;
  /** Holds ExternalSecrets (the folder is Ready only when they are). */
  readonly hasExternalSecrets: boolean;
  /** Holds release objects (Helm installs take minutes). */
  readonly hasReleases: boolean;
  /** Distance from a folder without dependencies (0 for those); the Argo CD sync wave. */
  readonly depth: number;
  /** Name of the unit of apply: the path with `-` for `/`, at most 63 characters. */
  readonly unitName: string;
}
