/**
 * Reading an output tree for the diff: from a folder, or from `dist/` at a git ref (through
 * `git ls-tree` and `git cat-file --batch`, into memory). Each file is kept as text with a hash, so that
 * files that are the same on both sides are never parsed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { readFolderFiles } from '../../analysis/manifests';
import { FACTS_FILE, PlatformFacts, parsePlatformFactsText, missingFactsProblem } from '../../analysis/platform-facts';

/** One file of a tree. */
export interface TreeFile {
  /** Path relative to the tree's root, `/`-separated. */
  readonly path: string;
  readonly text: string;
  /** sha1 of the text. */
  readonly hash: string;
}

/** A tree: its files by path, and what it was read from. */
export interface Tree {
  readonly label: string;
  readonly files: ReadonlyMap<string, TreeFile>;
  /** The git ref it was read at, when read from git (`--base REF`). @default - read from a folder */
  readonly ref?: string;
}

/** Bad input for the diff: an unknown ref, a missing folder, an unreadable file. */
export class DiffInputError extends Error {}

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Reads every file below `dir` (with the reader of the analysis tools, lib/analysis/manifests.ts). */
export function readTreeFromDir(dir: string, label = dir): Tree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DiffInputError(`folder "${dir}" does not exist (or is not a folder)`);
  const files = new Map<string, TreeFile>();
  for (const [path, text] of readFolderFiles(dir)) files.set(path, { path, text, hash: hashText(text) });
  return { label, files };
}

/** The facts of a tree (its `platform-facts.json`, written by synth); bad input when it has none or a bad one. */
export function factsOfTree(tree: Tree): PlatformFacts {
  const text = tree.files.get(FACTS_FILE)?.text;
  const missing = tree.ref === undefined
    ? missingFactsProblem(tree.label)
    : `${FACTS_FILE}: not in the output as committed at ${tree.ref}; the checks read the tenant label and the platform's namespaces from it. Compare with a commit whose output synth wrote with it (--base REF), or synthesize that commit's output into a folder (--base-dir DIR)`;
  const { facts, problems } = text === undefined ? { facts: undefined, problems: [missing] } : parsePlatformFactsText(text);
  if (!facts) throw new DiffInputError(`${tree.label}: ${problems.join('; ')}`);
  return facts;
}

function git(args: string[], cwd: string, input?: string): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  return { status: r.status ?? 1, stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr?.toString() ?? String(r.error ?? '') };
}

/** Reads `dir` (a folder of the repository holding `cwd`, `dist` by default) as it is at `ref`. */
export function readTreeFromGit(ref: string, dir = 'dist', cwd = process.cwd()): Tree {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (top.status !== 0) throw new DiffInputError(`--base ${ref}: "${cwd}" is not inside a git repository`);
  const root = top.stdout.toString().trim();
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  if (commit.status !== 0) throw new DiffInputError(`--base ${ref}: unknown git ref (no commit of that name in ${root})`);
  const sha = commit.stdout.toString().trim();
  const prefix = relative(root, resolve(cwd, dir)).split(sep).join('/');
  const listing = git(['ls-tree', '-r', '-z', sha, '--', `${prefix}/`], root);
  if (listing.status !== 0) throw new DiffInputError(`--base ${ref}: git ls-tree failed: ${listing.stderr.trim()}`);
  const entries = listing.stdout.toString().split('\0').filter(Boolean).map((line) => {
    const [meta, path] = line.split('\t');
    return { blob: meta.split(' ')[2], type: meta.split(' ')[1], path };
  }).filter((e) => e.type === 'blob');
  if (entries.length === 0) throw new DiffInputError(`--base ${ref}: the commit ${sha.slice(0, 12)} has no folder "${prefix}"`);
  const batch = git(['cat-file', '--batch'], root, entries.map((e) => e.blob).join('\n') + '\n');
  if (batch.status !== 0) throw new DiffInputError(`--base ${ref}: git cat-file failed: ${batch.stderr.trim()}`);
  const files = new Map<string, TreeFile>();
  let at = 0;
  const out = batch.stdout;
  for (const e of entries) {
    const eol = out.indexOf(10, at);
    const size = Number(out.toString('utf8', at, eol).split(' ')[2]);
    const text = out.toString('utf8', eol + 1, eol + 1 + size);
    at = eol + 1 + size + 1;
    const path = e.path.slice(prefix.length + 1);
    files.set(path, { path, text, hash: hashText(text) });
  }
  return { label: `${prefix}/ at ${ref} (${sha.slice(0, 12)})`, files, ref };
}
