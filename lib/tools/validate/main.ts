/**
 * `npm run validate` (`node scripts/build.mjs && node scripts/validate.mjs [DIR] [--crds DIR]`):
 * reads an output folder (default `dist`) and checks it with {@link validateTree}. CRDs come from
 * `--crds DIR`, else `$CRDS_DIR`, else the repository's own `crds/` (where cdk8s.yaml
 * imports them from). Prints every problem; returns 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import YAML from 'yaml';
import { fastParseAll } from '../../analysis/manifests';
import { CoreSchemas } from './core-schemas';
import { crdKinds, loadCrdDir } from './crd-schemas';
import { OutputFolderFiles, OutputObject, OutputTree, Schemas, validateTree } from './validate-output';

/**
 * The CRDs vendored in this repository (`crds/`, see its SOURCES.md), found from this module both as
 * source (`lib/tools/validate/`) and as built (`build/lib/tools/validate/`).
 */
export const REPOSITORY_CRDS = [resolve(__dirname, '..', '..', '..', 'crds'), resolve(__dirname, '..', '..', '..', '..', 'crds')].find((d) => existsSync(d)) ?? resolve('crds');

/** Reads an output folder: every YAML file of every folder with a kustomization.yaml, and the inventories. */
export function loadTree(dir: string): OutputTree {
  const root = resolve(dir);
  const objects: OutputObject[] = [];
  const folders = new Map<string, OutputFolderFiles>();
  const walk = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const yamls = entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => e.name);
    const rel = relative(root, d).split(sep).join('/');
    if (yamls.includes('kustomization.yaml')) {
      const kText = readFileSync(join(d, 'kustomization.yaml'), 'utf8');
      const k = ((fastParseAll(kText) ?? [YAML.parse(kText)])[0] ?? {}) as { resources?: string[] };
      const files = yamls.filter((n) => n !== 'kustomization.yaml');
      folders.set(rel, { resources: k.resources ?? [], files });
      for (const name of files) {
        const file = rel ? `${rel}/${name}` : name;
        const text = readFileSync(join(d, name), 'utf8');
        const fast = fastParseAll(text);
        if (fast) {
          for (const object of fast) if (object !== null && object !== undefined) objects.push({ file, object: object as Record<string, any> });
          continue;
        }
        for (const doc of YAML.parseAllDocuments(text)) {
          if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
          const object = doc.toJS();
          if (object !== null && object !== undefined) objects.push({ file, object });
        }
      }
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
  };
  walk(root);
  const json = (name: string, field: string): any[] => (existsSync(join(root, name)) ? (JSON.parse(readFileSync(join(root, name), 'utf8'))[field] ?? []) : []);
  return { objects, folders, secrets: json('secrets-inventory.json', 'secrets'), external: json('external-objects.json', 'objects') };
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
  const tree = loadTree(dir);
  const problems = validateTree(tree, loadSchemas(crds));
  for (const p of problems) out(p);
  out(`${dir}: ${tree.objects.length} objects in ${tree.folders.size} folders, ${problems.length} problem${problems.length === 1 ? '' : 's'} (${Date.now() - started} ms)`);
  return problems.length > 0 ? 1 : 0;
}
