/**
 * Reading an output folder (`dist/` by default): the one reader of the tools that check or compare output
 * trees (check:isolation, lint:policies, validate, diff) and of synth's own ISOLATION.md.
 *
 * {@link readFolderFiles} reads every file below the folder, recursively, as text. {@link manifestsOfFiles}
 * parses the `.yaml`/`.yml` files among them as multi-document YAML streams; `kustomization.yaml` files
 * (Kustomize's own configuration, not cluster objects) and other files are skipped. A document counts as an object when it has `apiVersion`, `kind` and `metadata`; empty
 * documents are ignored, anything else is reported as a problem so that a typo cannot hide an object
 * from the checks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import YAML from 'yaml';

// js-yaml (3.x) reads YAML about ten times faster than `yaml`, which would otherwise dominate every check of
// a large tree. It reads with its CORE schema (YAML 1.2 core: no timestamps, no `<<` merges), the schema
// `yaml` uses by default. A file it cannot read is read again with `yaml`, whose messages say per document
// what is wrong.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as { loadAll(text: string, each: (doc: unknown) => void, options: { schema: unknown; json?: boolean }): void; CORE_SCHEMA: unknown };

/**
 * The documents of a multi-document YAML text, parsed quickly; undefined when the text is not valid YAML for
 * the fast reader (the caller then reads it with `yaml` for exact messages). Empty documents are `null`.
 */
export function fastParseAll(text: string): unknown[] | undefined {
  const docs: unknown[] = [];
  try {
    jsYaml.loadAll(text, (d) => docs.push(d ?? null), { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  return docs;
}

/** One Kubernetes object and where it came from. */
export interface Manifest {
  /** File path relative to the folder that was read, `/`-separated. */
  readonly file: string;
  /** Position of the document in its file, from 0. */
  readonly index: number;
  /** The object as parsed. */
  readonly object: KubeObject;
}

/** The fields every object has; the rest is read defensively by each check. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: any;
}

/** The objects read and what could not be read. */
export interface LoadedManifests {
  readonly manifests: Manifest[];
  /** One line per unreadable file or document: `<file>[#<index>]: <what is wrong>`. */
  readonly problems: string[];
}

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

function* filesBelow(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesBelow(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Every file below `dir` (or those whose relative path `include` accepts) as text, by path relative to `dir`
 * (`/`-separated), in a stable order (each folder's entries by name, depth first). Throws when `dir` cannot
 * be read.
 */
export function readFolderFiles(dir: string, include: (path: string) => boolean = () => true): Map<string, string> {
  const files = new Map<string, string>();
  for (const full of filesBelow(dir)) {
    const path = relative(dir, full).split(sep).join('/');
    if (include(path)) files.set(path, readFileSync(full, 'utf8'));
  }
  return files;
}

/** Whether a file of an output folder holds cluster objects: YAML, and not a Kustomize configuration. */
export function isManifestFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /\.ya?ml$/.test(name) && !KUSTOMIZATION_FILES.has(name);
}

/** Whether a parsed document looks like a Kubernetes object. */
export function isKubeObject(doc: unknown): doc is KubeObject {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const o = doc as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && o.metadata !== null && typeof o.metadata === 'object';
}

/** Parses one multi-document YAML text; `file` only labels the results. */
export function parseManifests(file: string, text: string): LoadedManifests {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  const fast = fastParseAll(text);
  if (fast) {
    fast.forEach((value, index) => {
      if (value === null || value === undefined) return;
      if (!isKubeObject(value)) problems.push(`${file}#${index}: not a Kubernetes object: apiVersion, kind and metadata are required`);
      else manifests.push({ file, index, object: value });
    });
    return { manifests, problems };
  }
  YAML.parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      problems.push(`${file}#${index}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isKubeObject(value)) {
      problems.push(`${file}#${index}: not a Kubernetes object: apiVersion, kind and metadata are required`);
      return;
    }
    manifests.push({ file, index, object: value });
  });
  return { manifests, problems };
}

/** The objects of the manifest files among `files` (relative path to text; see {@link isManifestFile}). */
export function manifestsOfFiles(files: ReadonlyMap<string, string>): LoadedManifests {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const [file, text] of files) {
    if (!isManifestFile(file)) continue;
    const loaded = parseManifests(file, text);
    manifests.push(...loaded.manifests);
    problems.push(...loaded.problems);
  }
  return { manifests, problems };
}

/** Reads every object below `dir` (see the module comment for what is read). */
export function loadManifests(dir: string): LoadedManifests {
  return manifestsOfFiles(readFolderFiles(dir, isManifestFile));
}

/** `Kind namespace/name` (or `Kind name` for objects without namespace), for messages. */
export function describeObject(object: KubeObject): string {
  const ns = object.metadata.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata.name ?? '(no name)'}`;
}
