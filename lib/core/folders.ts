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
