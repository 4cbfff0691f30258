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

/** The objects of each file of the output, before serialization: relative path to objects. */
export type ObjectTree = Map<string, Record<string, any>[]>;

/**
 * Synthesizes folders to objects per file (validating each App once). Charts without objects produce
 * no file; each folder with files gets a `kustomization.yaml` listing them.
 */
export function synthFolders(folders: readonly OutputFolder[]): ObjectTree {
  const tree: ObjectTree = new Map();
  const seen = new Set<string>();
  for (const folder of folders) {
    if (seen.has(folder.path)) throw new Error(`two output folders have the path "${folder.path}"`);
    seen.add(folder.path);
    validateApp(folder.app);
    const names: string[] = [];
    for (const chart of folder.app.charts) {
      const manifests = chartManifests(chart);
      if (manifests.length === 0) continue;
      const name = `${chart.node.id}.yaml`;
      names.push(name);
      tree.set(`${folder.path}/${name}`, manifests);
    }
    if (names.length > 0) tree.set(`${folder.path}/kustomization.yaml`, [kustomizationObject(names)]);
  }
  return tree;
}

/** Serializes an object tree: relative path to YAML text, sorted by path. */
export function serializeTree(tree: ObjectTree): Map<string, string> {
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, objects]) => [path, toYaml(objects)]));
}

/** Renders folders to a map of relative file path to content, sorted by path. */
export function renderFolders(folders: readonly OutputFolder[]): Map<string, string> {
  return serializeTree(synthFolders(folders));
}

/** A kustomize `Kustomization` object listing the given files. */
export function kustomizationObject(resources: readonly string[]): Record<string, any> {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() };
}

/** A kustomize `Kustomization` listing the given files. */
export function kustomization(resources: readonly string[]): string {
  return toYaml([kustomizationObject(resources)]);
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
