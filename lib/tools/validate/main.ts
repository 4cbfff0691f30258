/**
 * `npm run validate` (`node scripts/build.mjs && node scripts/validate.mjs [DIR] [--crds DIR]`):
 * reads an output folder (default `dist`) and checks it with {@link validateTree}. CRDs come from
 * `--crds DIR`, else `$CRDS_DIR`, else the repository's own `crds/` (where cdk8s.yaml
 * imports them from). Prints every problem; returns 1 when there is any. On the top folder of several clusters
 * (lib/tools/cluster-folders.ts) it validates each cluster's tree, every line prefixed with `clusters/<name>: `.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { fastParseAll, isManifestFile, manifestsOfFiles, readFolderFiles } from '../../analysis/manifests';
import { FACTS_FILE, missingFactsProblem, parsePlatformFactsText } from '../../analysis/platform-facts';
import { CoreSchemas } from './core-schemas';
import { crdKinds, loadCrdDir } from './crd-schemas';
import { OutputFolderFiles, OutputTree, Schemas, validateTree } from './validate-output';
import { CliIo } from '../../cli-args';
import { clusterFoldersOf, forEachClusterFolder } from '../cluster-folders';

/**
 * The CRDs vendored in this repository (`crds/`, see its SOURCES.md), found from this module both as
 * source (`lib/tools/validate/`) and as built (`build/lib/tools/validate/`).
 */
export const REPOSITORY_CRDS = [resolve(__dirname, '..', '..', '..', 'crds'), resolve(__dirname, '..', '..', '..', '..', 'crds')].find((d) => existsSync(d)) ?? resolve('crds');

/**
 * The tree of an output given as files (relative path to text, as synth renders them or as
 * {@link readFolderFiles} reads them): the objects of every manifest file, each kustomization.yaml's folder,
 * the inventories and the facts file.
 */
export function treeFromFiles(files: ReadonlyMap<string, string>, label = 'the output'): OutputTree {
  const loaded = manifestsOfFiles(files);
  const folders = new Map<string, OutputFolderFiles>();
  const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
  for (const [path, text] of files) {
    if (!/(^|\/)kustomization\.yaml$/.test(path)) continue;
    const k = ((fastParseAll(text) ?? [YAML.parse(text)])[0] ?? {}) as { resources?: string[] };
    folders.set(folderOf(path), { resources: k.resources ?? [], files: [] });
  }
  for (const path of [...files.keys()].sort()) {
    const folder = folders.get(folderOf(path));
    if (folder && isManifestFile(path)) (folder.files as string[]).push(path.slice(path.lastIndexOf('/') + 1));
  }
  const json = (name: string, field: string): any[] => (files.has(name) ? (JSON.parse(files.get(name)!)[field] ?? []) : []);
  const factsText = files.get(FACTS_FILE);
  return {
    objects: loaded.manifests.map((m) => ({ file: m.file, object: m.object })),
    folders,
    secrets: json('secrets-inventory.json', 'secrets'),
    external: json('external-objects.json', 'objects'),
    readProblems: loaded.problems,
    facts: factsText === undefined ? { problems: [missingFactsProblem(label)] } : parsePlatformFactsText(factsText),
  };
}

/** Reads an output folder (with the reader of the analysis tools, lib/analysis/manifests.ts). */
export function loadTree(dir: string): OutputTree {
  return treeFromFiles(readFolderFiles(resolve(dir)), dir);
}

/** Loads the core schemas and the CRDs of `crdDir`. */
export function loadSchemas(crdDir: string): Schemas {
  if (!existsSync(crdDir)) throw new Error(`CRD folder ${crdDir} does not exist; pass --crds DIR or set CRDS_DIR`);
  return { core: CoreSchemas.load(), crds: crdKinds(loadCrdDir(crdDir)) };
}

/** The CRD folder: `--crds DIR`, `$CRDS_DIR`, or the repository's own `crds/`. */
export function crdDirOf(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const i = argv.indexOf('--crds');
  if (i >= 0) {
    if (!argv[i + 1]) throw new Error('--crds needs a folder');
    return argv[i + 1];
  }
  return env.CRDS_DIR || REPOSITORY_CRDS;
}

/** Runs the command line; returns the exit code. */
export function main(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const crds = crdDirOf(argv);
  const args = argv.filter((a, i) => a !== '--crds' && argv[i - 1] !== '--crds');
  const dir = args[0] ?? 'dist';
  const started = Date.now();
  let schemas: Schemas | undefined;
  const schemasOnce = () => (schemas ??= loadSchemas(crds));
  const clusters = clusterFoldersOf(dir);
  if (clusters === undefined) return validateFolder(dir, schemasOnce, out, started);
  // Lines to `out` as text to an io (each written with its newline, which `out` adds back).
  const lines: CliIo = { out: (text) => out(text.replace(/\n$/, '')), err: (text) => out(text.replace(/\n$/, '')) };
  const { failed } = forEachClusterFolder(clusters, lines, (clusterDir, own) => validateFolder(clusterDir, schemasOnce, (line) => own.out(`${line}\n`), Date.now()));
  out(`${dir}: ${clusters.length} cluster${clusters.length === 1 ? '' : 's'} (${clusters.map((c) => c.label).join(', ')}), ${failed.length === 0 ? 'no problems' : `problems in ${failed.join(', ')}`} (${Date.now() - started} ms)`);
  return failed.length > 0 ? 1 : 0;
}

/** Validates one cluster's tree (the whole output of one cluster); prints its problems and its summary line; returns the exit code. */
function validateFolder(dir: string, schemas: () => Schemas, out: (line: string) => void, started: number): number {
  const tree = loadTree(dir);
  const problems = validateTree(tree, schemas());
  for (const p of problems) out(p);
  out(`${dir}: ${tree.objects.length} objects in ${tree.folders.size} folders, ${problems.length} problem${problems.length === 1 ? '' : 's'} (${Date.now() - started} ms)`);
  return problems.length > 0 ? 1 : 0;
}
