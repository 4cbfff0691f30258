/**
 * Turns cdk8s Apps into files and writes them as one tree into an output folder synth owns.
 *
 * Each {@link OutputFolder} is its own `App` (synthesizing one big App is quadratic in its charts, see
 * DESIGN.md). Every chart becomes one YAML file named after the chart's id, and each folder gets a
 * `kustomization.yaml` listing its files, so `kubectl kustomize <folder>` builds it on its own.
 *
 * Nothing is written until the whole tree has rendered: the files go to a fresh sibling folder first,
 * and are then moved into the output folder. A failure leaves the previous output as it was; files
 * synth wrote before and no longer produces disappear; files synth did not write are never touched
 * (see {@link writeTree} and the marker in marker.ts).
 */
import { CORE_CLUSTER_SCOPED_KINDS } from '../core/kinds';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import YAML from 'yaml';
import { RenderedFile, RenderedFolder } from '../core/folders';
import { MARKER_FILE, OutputMarker, markerText, outputMarker, parseOutputMarker, readOutputMarker } from './marker';

/** A folder of the output and the App whose charts fill it. */
export interface OutputFolder {
  /** Path below the output folder, `/`-separated, e.g. `server` or `tenants/acme/workloads`. */
  readonly path: string;
  readonly app: App;
  /**
   * Folders that must be applied and ready first. @default - by the folder's name, see
   * `defaultDependencies` in lib/gitops/layout.ts
   */
  readonly dependsOn?: readonly string[];
}

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
      if (CORE_CLUSTER_SCOPED_KINDS.has(json.kind) && json.metadata) delete json.metadata.namespace;
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

/** Synth refused to write into a folder (see {@link writeTree}); nothing was changed. */
export class OutputRefusedError extends Error {}

/** What {@link writeTree} did. */
export interface WriteResult {
  /** The marker of the output it replaced; absent: the folder was missing or empty. */
  readonly previous?: OutputMarker;
  /** The marker it wrote. */
  readonly marker: OutputMarker;
  /** Every file it wrote (the marker included), sorted. */
  readonly written: readonly string[];
  /** Files of the previous output it removed (no longer produced), sorted. */
  readonly removed: readonly string[];
}

/** Every file below `dir` (relative, `/`-separated, sorted); folders are not listed. */
export function filesBelow(dir: string): string[] {
  const found: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(abs, entry.name), path);
      else found.push(path);
    }
  };
  walk(dir, '');
  return found.sort();
}

function listed(paths: readonly string[], max = 5): string {
  return paths.slice(0, max).join(', ') + (paths.length > max ? `, ... (${paths.length} in all)` : '');
}

/**
 * Writes `files` (relative path to content) into `outdir`, which must be missing, empty, or an output
 * synth wrote before (it holds the marker {@link MARKER_FILE}; an output of an older synth without the
 * marker is recognised when every file in it is one synth writes now). Any other folder is refused with
 * an {@link OutputRefusedError} naming the folder and the files it holds and would get, and nothing is
 * changed. Inside its own output it removes only the files the previous marker lists and no longer
 * produced; a file a user added there stays (and is never overwritten: that is refused too).
 *
 * The tree is written beside `outdir` first (a failure leaves the previous output as it was), then
 * moved in file by file, and the marker is written last. `files` may hold the marker; when it does not,
 * one without tenants is added.
 */
export function writeTree(files: ReadonlyMap<string, string>, outdir: string): WriteResult {
  const target = resolve(outdir);
  const marker = files.has(MARKER_FILE) ? parseOutputMarker(files.get(MARKER_FILE)!, `${MARKER_FILE} (rendered)`) : outputMarker(files, []);
  const content = new Map(files);
  content.set(MARKER_FILE, markerText(marker));
  const paths = [...content.keys()].sort();

  let previous: OutputMarker | undefined;
  let existing: string[] = [];
  const fresh = !existsSync(target) || (statSync(target).isDirectory() && readdirSync(target).length === 0);
  if (!fresh) {
    if (!statSync(target).isDirectory()) throw new OutputRefusedError(`refusing to write to ${outdir}: it is a file, not a folder; nothing was changed`);
    existing = filesBelow(target);
    try {
      previous = readOutputMarker(target);
    } catch (e) {
      throw new OutputRefusedError(`refusing to write into ${outdir}: ${(e as Error).message}; nothing was changed`);
    }
    const ours = new Set(paths);
    if (!previous) {
      const foreign = existing.filter((f) => !ours.has(f));
      if (foreign.length > 0) {
        throw new OutputRefusedError(
          `refusing to write into ${outdir}: it is not empty and synth did not write it (no ${MARKER_FILE} marker). ` +
            `It holds ${listed([...new Set(foreign.map((f) => (f.includes('/') ? `${f.slice(0, f.indexOf('/'))}/` : f)))])}; synth would write ${listed(paths.filter((p) => p !== MARKER_FILE))}. ` +
            'Nothing was changed. Write into an empty or new folder (for a Flux repository, a sub-folder such as ../fleet/clearml).',
        );
      }
      // An output of an older synth, without a marker: every file in it is one synth writes now.
      previous = { ...outputMarker(new Map(existing.map((f) => [f, ''])), []), tenants: [] };
    }
    if (previous) {
      const before = new Set(previous.files);
      const userFiles = existing.filter((f) => f !== MARKER_FILE && !before.has(f) && ours.has(f));
      if (userFiles.length > 0) {
        throw new OutputRefusedError(
          `refusing to write into ${outdir}: synth would overwrite files it did not write there: ${listed(userFiles)}. Nothing was changed; move them away first.`,
        );
      }
    }
  }

  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const removed: string[] = [];
  try {
    mkdirSync(staging, { recursive: true });
    const made = new Set<string>();
    const write = (root: string, path: string) => {
      const file = join(root, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      return file;
    };
    for (const path of paths) writeFileSync(write(staging, path), content.get(path)!);
    if (fresh) {
      // Missing or empty: the staged tree becomes the folder.
      mkdirSync(dirname(target), { recursive: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    } else {
      // Our own output: first a marker listing old and new files (an interruption leaves every file
      // accounted for), then each file moved in, then the old files no longer produced removed.
      const union = new Set([...previous!.files, ...paths.filter((p) => p !== MARKER_FILE)]);
      writeFileSync(join(target, MARKER_FILE), markerText({ ...marker, files: [...union].sort() }));
      made.clear();
      for (const path of paths) if (path !== MARKER_FILE) renameSync(join(staging, path), write(target, path));
      const now = new Set(paths);
      for (const path of previous!.files) {
        if (now.has(path) || !existsSync(join(target, path))) continue;
        rmSync(join(target, path), { force: true });
        removed.push(path);
        // Folders left empty by the removal go too, up to the output folder.
        for (let dir = dirname(join(target, path)); dir.startsWith(`${target}/`) && readdirSync(dir).length === 0; dir = dirname(dir)) rmdirSync(dir);
      }
      writeFileSync(join(target, MARKER_FILE), content.get(MARKER_FILE)!);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { previous, marker, written: paths, removed: removed.sort() };
}
