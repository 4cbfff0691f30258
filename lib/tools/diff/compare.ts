/**
 * Object-level comparison of two trees. Files with the same text on both sides (wherever they are, so
 * moved files are not changes) are not parsed. Objects are matched by apiVersion, kind, namespace and
 * name; objects whose name ends in a content hash (`-0123456789`) and that are renamed are matched on the
 * name without it, and reported as changed with `renamed` set (a Job that will run again).
 */
import { KubeObject, Manifest, parseManifests } from '../../analysis/manifests';
import { Tree } from './tree';

/** A changed field: its path (lists of named items addressed by name) and the old and new values. */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ObjectRef {
  readonly key: string;
  readonly object: KubeObject;
  readonly file: string;
  /** The top folder, or `tenants/<t>`. */
  readonly layer: string;
  /** The tenant the object belongs to (its label, or its folder), if any. */
  readonly tenant?: string;
}

export interface ObjectChange {
  readonly base: ObjectRef;
  readonly head: ObjectRef;
  readonly fields: readonly FieldChange[];
  /** The hashed name changed (e.g. a Job that will run again). */
  readonly renamed: boolean;
}

export interface Comparison {
  readonly added: readonly ObjectRef[];
  readonly removed: readonly ObjectRef[];
  readonly changed: readonly ObjectChange[];
  /** The objects of each side that the network model reads (parsed lazily, for the network evaluation). */
  readonly all: () => { base: Manifest[]; head: Manifest[] };
  /** Files that could not be read, `side: file#n: message`. */
  readonly problems: readonly string[];
  readonly baseFiles: number;
  readonly headFiles: number;
  readonly identicalFiles: number;
}

const KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/;
const YAML_FILE = /\.ya?ml$/;
/** The kinds lib/analysis/cluster-model.ts reads (namespaces, policies, Helm releases, pod templates), as a top-level `kind:` line. */
const NETWORK_KIND = /^kind: *["']?(Namespace|NetworkPolicy|HelmRelease|HelmChart|Application|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|Pod)["']?[ \t]*$/m;
/**
 * What the network model reads of a Flux HelmRelease or a k3s HelmChart (kind, namespace, target namespace),
 * read from the lines of the document without parsing its (large) values. Only for the plain block style
 * that the synth writes (two-space indent, unquoted values); undefined otherwise, and the document is parsed.
 */
function releaseStub(doc: string): KubeObject | undefined {
  const kind = /^kind: (HelmRelease|HelmChart)$/m.exec(doc)?.[1];
  const apiVersion = /^apiVersion: ([\w./-]+)$/m.exec(doc)?.[1];
  const meta = /^metadata:\n((?:  .*\n)*)/m.exec(doc)?.[1];
  const spec = /^spec:\n((?:  .*\n?)*)/m.exec(doc)?.[1];
  if (!kind || !apiVersion || meta === undefined || spec === undefined || /["'{]/.test(meta)) return undefined;
  const name = /^  name: ([\w.-]+)$/m.exec(meta)?.[1];
  const namespace = /^  namespace: ([\w.-]+)$/m.exec(meta)?.[1];
  const target = /^  targetNamespace: (.*)$/m.exec(spec)?.[1];
  if (!name || (target !== undefined && !/^[\w.-]+$/.test(target))) return undefined;
  return { apiVersion, kind, metadata: { name, namespace }, spec: target === undefined ? {} : { targetNamespace: target } };
}

const HASHED = /-[0-9a-f]{10}$/;

export function objectKey(o: KubeObject): string {
  return `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'tenants' && parts.length > 2) return `tenants/${parts[1]}`;
  return parts.length > 1 ? parts[0] : '(top)';
}

function refOf(m: Manifest, tenantLabel: string): ObjectRef {
  const layer = layerOf(m.file);
  const tenant = m.object.metadata.labels?.[tenantLabel] ?? (layer.startsWith('tenants/') ? layer.slice(8) : undefined);
  return { key: objectKey(m.object), object: m.object, file: m.file, layer, tenant };
}

function isNamedList(a: unknown[]): boolean {
  if (a.length === 0) return false;
  const names = new Set<string>();
  for (const x of a) {
    if (!x || typeof x !== 'object' || typeof (x as any).name !== 'string' || names.has((x as any).name)) return false;
    names.add((x as any).name);
  }
  return true;
}

function parseJsonObject(s: unknown): unknown {
  if (typeof s !== 'string' || !/^\s*[{[]/.test(s)) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The field changes between two values; `path` is the prefix. */
export function diffValues(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if ((isNamedList(a) || a.length === 0) && (isNamedList(b) || b.length === 0) && a.length + b.length > 0) {
      const am = new Map(a.map((x: any) => [x.name, x]));
      const bm = new Map(b.map((x: any) => [x.name, x]));
      for (const [n, x] of am) diffValues(x, bm.get(n), `${path}[name=${n}]`, out);
      for (const [n, x] of bm) if (!am.has(n)) diffValues(undefined, x, `${path}[name=${n}]`, out);
      return;
    }
    if (a.length === b.length) {
      a.forEach((x, i) => diffValues(x, b[i], `${path}[${i}]`, out));
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) diffValues((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  const ja = parseJsonObject(a);
  const jb = parseJsonObject(b);
  if (ja !== undefined && jb !== undefined) return diffValues(ja, jb, path, out);
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
}

/** Field changes of one object; Secret data is never shown (only that it changed). */
export function diffObject(a: KubeObject, b: KubeObject): FieldChange[] {
  const out: FieldChange[] = [];
  diffValues(a, b, '', out);
  if (a.kind === 'Secret' || b.kind === 'Secret') {
    return out.map((f) => (/^(data|stringData)\b/.test(f.path) ? { path: f.path, before: f.before === undefined ? undefined : '(value hidden)', after: f.after === undefined ? undefined : '(value hidden)' } : f));
  }
  return out;
}

/** Compares two trees object by object; `tenantLabels` are the tenant labels of their facts files. */
export function compareTrees(base: Tree, head: Tree, tenantLabels: { readonly base: string; readonly head: string }): Comparison {
  const problems: string[] = [];
  const cache = new Map<string, Manifest[]>();
  const parse = (side: string, file: string, text: string, hash: string): Manifest[] => {
    const key = `${hash} ${file}`;
    let found = cache.get(key);
    if (!found) {
      const loaded = parseManifests(file, text);
      problems.push(...loaded.problems.map((p) => `${side}: ${p}`));
      found = loaded.manifests;
      cache.set(key, found);
    }
    return found;
  };
  // For the network evaluation only the documents the network model reads are parsed (see NETWORK_KIND).
  const networkCache = new Map<string, Manifest[]>();
  const networkObjects = (side: string, file: string, text: string, hash: string): Manifest[] => {
    const key = `${hash} ${file}`;
    let found = networkCache.get(key) ?? cache.get(key);
    if (!found) {
      found = [];
      text.split(/^---[ \t]*$/m).forEach((doc, index) => {
        if (!NETWORK_KIND.test(doc)) return;
        const release = releaseStub(doc);
        if (release) {
          found!.push({ file, index, object: release });
          return;
        }
        const loaded = parseManifests(file, doc);
        problems.push(...loaded.problems.map((p) => `${side}: ${p}`));
        found!.push(...loaded.manifests.map((m) => ({ ...m, index })));
      });
      networkCache.set(key, found);
    }
    return found;
  };
  const yamlFiles = (t: Tree) => [...t.files.values()].filter((f) => YAML_FILE.test(f.path) && !KUSTOMIZATION.test(f.path));
  const baseFiles = yamlFiles(base);
  const headFiles = yamlFiles(head);
  const headHashes = new Set(headFiles.map((f) => f.hash));
  const baseHashes = new Set(baseFiles.map((f) => f.hash));
  const changedBase = baseFiles.filter((f) => !headHashes.has(f.hash));
  const changedHead = headFiles.filter((f) => !baseHashes.has(f.hash));

  const index = (side: 'base' | 'head', files: typeof baseFiles) => {
    const m = new Map<string, ObjectRef>();
    for (const f of files) for (const x of parse(side, f.path, f.text, f.hash)) m.set(objectKey(x.object), refOf(x, tenantLabels[side]));
    return m;
  };
  const b = index('base', changedBase);
  const h = index('head', changedHead);
  const added: ObjectRef[] = [];
  const removed: ObjectRef[] = [];
  const changed: ObjectChange[] = [];
  for (const [k, ref] of b) {
    const other = h.get(k);
    if (!other) removed.push(ref);
    else {
      const fields = diffObject(ref.object, other.object);
      if (fields.length > 0) changed.push({ base: ref, head: other, fields, renamed: false });
    }
  }
  for (const [k, ref] of h) if (!b.has(k)) added.push(ref);
  // Renamed hashed objects: match removed and added on the name without the hash.
  const stem = (r: ObjectRef) => (HASHED.test(r.object.metadata.name ?? '') ? r.key.replace(HASHED, '') : undefined);
  const removedByStem = new Map<string, ObjectRef>();
  for (const r of removed) {
    const s = stem(r);
    if (s) removedByStem.set(s, r);
  }
  const matched = new Set<ObjectRef>();
  const stillAdded: ObjectRef[] = [];
  for (const a of added) {
    const s = stem(a);
    const r = s ? removedByStem.get(s) : undefined;
    if (r && !matched.has(r)) {
      matched.add(r);
      changed.push({ base: r, head: a, fields: diffObject(r.object, a.object), renamed: true });
    } else stillAdded.push(a);
  }
  const byKey = (x: ObjectRef, y: ObjectRef) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  return {
    added: stillAdded.sort(byKey),
    removed: removed.filter((r) => !matched.has(r)).sort(byKey),
    changed: changed.sort((x, y) => byKey(x.head, y.head)),
    all: () => ({
      base: baseFiles.flatMap((f) => networkObjects('base', f.path, f.text, f.hash)),
      head: headFiles.flatMap((f) => networkObjects('head', f.path, f.text, f.hash)),
    }),
    problems,
    baseFiles: base.files.size,
    headFiles: head.files.size,
    identicalFiles: headFiles.length - changedHead.length,
  };
}
