/**
 * Turns cdk8s Apps into files and writes them as one tree, replacing the output folder whole.
 *
 * Each {@link OutputFolder} is its own `App` (synthesizing one big App is quadratic in its charts, see
 * DESIGN.md). Every chart becomes one YAML file named after the chart's id, and each folder gets a
 * `kustomization.yaml` listing its files, so `kubectl kustomize <folder>` builds it on its own.
 *
 * Nothing is written until the whole tree has rendered: the files go to a fresh sibling folder first,
 * which then replaces the output folder. A failure leaves the previous output as it was, and files
 * that are no longer produced disappear.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import YAML from 'yaml';

/** A folder of the output and the App whose charts fill it. */
export interface OutputFolder {
  /** Path below the output folder, `/`-separated, e.g. `server` or `tenants/acme/workloads`. */
  readonly path: string;
  readonly app: App;
  /**
   * Folders that must be applied and ready first. @default - by the folder's name, see
   * `folderDependencies` in lib/gitops/layout.ts
   */
  readonly dependsOn?: readonly string[];
}

/** One YAML file of a rendered folder. */
export interface RenderedFile {
  /** File name, e.g. `clearml-server.yaml`. */
  readonly name: string;
  /** The objects, as JSON. */
  readonly objects: Record<string, any>[];
}

/** A folder as objects, before it becomes text. */
export interface RenderedFolder {
  readonly path: string;
  readonly files: RenderedFile[];
  /** As in {@link OutputFolder}. */
  readonly dependsOn?: readonly string[];
}

/** Kinds that have no namespace; cdk8s stamps the chart's namespace on them, which is removed here. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

/** Serializes objects as a multi-document YAML stream, the same way for every file. */
export function toYaml(objects: readonly unknown[]): string {
  return objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Runs the validations of every construct in the app once; throws with all messages. */
export function validateApp(app: App): void {
  const errors: string[] = [];
  for (const c of app.node.findAll()) {
    for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

function chartOf(c: IConstruct): Chart {
  return Chart.of(c);
}

/** The manifests of one chart (not of charts nested in it), cluster-scoped objects without namespace. */
export function chartManifests(chart: Chart): Record<string, any>[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && chartOf(c) === chart)
    .map((o) => {
      const json = o.toJson();
      if (CLUSTER_SCOPED.has(json.kind) && json.metadata) delete json.metadata.namespace;
      return json;
    });
}

/** Renders folders to objects, one file per chart; charts without objects produce no file. */
export function renderFolderObjects(folders: readonly OutputFolder[]): RenderedFolder[] {
  const seen = new Set<string>();
  return folders.map((folder) => {
    if (seen.has(folder.path)) throw new Error(`two output folders have the path "${folder.path}"`);
    seen.add(folder.path);
    validateApp(folder.app);
    const files: RenderedFile[] = [];
    for (const chart of folder.app.charts) {
      const objects = chartManifests(chart);
      if (objects.length > 0) files.push({ name: `${chart.node.id}.yaml`, objects });
    }
    return { path: folder.path, files, dependsOn: folder.dependsOn };
  });
}

/**
 * Rendered folders to a map of relative file path to content, each non-empty folder with a
 * `kustomization.yaml` listing its files. The map is sorted by path.
 */
export function serializeFolders(folders: readonly RenderedFolder[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of folders) {
    const names: string[] = [];
    for (const file of folder.files) {
      if (file.objects.length === 0) continue;
      const path = `${folder.path}/${file.name}`;
      if (files.has(path)) throw new Error(`two files have the path "${path}"`);
      names.push(file.name);
      files.set(path, toYaml(file.objects));
    }
    if (names.length > 0) files.set(`${folder.path}/kustomization.yaml`, kustomization(names));
  }
  return sortedByPath(files);
}

/** Renders folders to a map of relative file path to content (see {@link serializeFolders}). */
export function renderFolders(folders: readonly OutputFolder[]): Map<string, string> {
  return serializeFolders(renderFolderObjects(folders));
}

/** The map with its entries sorted by key (byte order, so the same on every machine). */
export function sortedByPath<T>(files: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A kustomize `Kustomization` listing the given files. */
export function kustomization(resources: readonly string[]): string {
  return toYaml([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() }]);
}

/**
 * Writes `files` (relative path to content) as the whole content of `outdir`, replacing what was there.
 * The tree is written beside `outdir` first and swapped in when complete.
 */
export function writeTree(files: ReadonlyMap<string, string>, outdir: string): void {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    const made = new Set<string>();
    for (const [path, content] of files) {
      const file = join(staging, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, content);
    }
    mkdirSync(dirname(target), { recursive: true });
    rmSync(old, { recursive: true, force: true });
    let moved = false;
    try {
      renameSync(target, old);
      moved = true;
    } catch (e: any) {
      if (e.code !== 'ENOENT') throw e;
    }
    renameSync(staging, target);
    if (moved) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
