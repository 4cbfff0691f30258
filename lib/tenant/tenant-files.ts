/**
 * Reading tenant files: `tenants/*.yaml` as sources (each file's text, or why it cannot be read), refusing
 * what a hostile file can do to the reader (symlinks, FIFOs, huge files, alias bombs, several documents),
 * and parsing one file's YAML. The checks of their content are lib/tenant/tenants.ts.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Problems, shorten } from '../core/problems';
import { TenantSpec } from '../config/tenant-schema';

/** One tenant to check: a file's text, or a spec given in code. */
export interface TenantSource {
  /** The file name shown in problems, e.g. `tenants/acme.yaml`. */
  readonly file: string;
  /** YAML text of the file. */
  readonly text?: string;
  /** Already-parsed content (tenants given in code). */
  readonly spec?: TenantSpec;
  /** Require the file name to be `<name>.yaml`. @default - true when `text` is given */
  readonly checkFileName?: boolean;
  /** Why the file cannot be a tenant file (it was not read); reported on `(file)`. @default - it was read */
  readonly unreadable?: string;
}



/** Path of the problems of a file as a whole (not a tenant file, unreadable). */
export const FILE_PATH = '(file)';

/** The largest tenant file read (a tenant file is a few hundred bytes). */
export const MAX_TENANT_FILE_BYTES = 256 * 1024;

/** Most alias expansions in a tenant file (`YAML` `maxAliasCount`): a tenant file needs none. */
export const MAX_YAML_ALIASES = 100;



/** Path of the YAML syntax problems of a file. */
export const YAML_PATH = '(yaml)';



/**
 * The tenant files of `dir` (sorted), with file names as `<dir>/<file>`. Every entry whose name does not
 * start with "." is returned, so that nothing is silently skipped: a regular `*.yaml` file of at most
 * {@link MAX_TENANT_FILE_BYTES} bytes of UTF-8 with its text, anything else (another name such as
 * `acme.yml`, `ACME.YAML` or `acme.yaml~`, a folder, a symbolic link, a FIFO, a too large or non-UTF-8
 * file) with the reason in `unreadable`. Symbolic links are never followed and FIFOs never opened.
 * Dotfiles (`.gitkeep`, editor swap files) are skipped. A missing folder has no tenants.
 */
export function readTenantFiles(dir: string): TenantSource[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: any) {
    if (e.code === 'ENOENT') return [];
    return [{ file: dir, unreadable: e.code === 'ENOTDIR' ? 'is not a folder: the tenants folder must be a folder of <name>.yaml files' : `cannot be listed (${e.code ?? e.message})` }];
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .map((n) => readTenantFile(join(dir, n), n));
}

function readTenantFile(file: string, name: string): TenantSource {
  const unreadable = (why: string): TenantSource => ({ file, unreadable: why });
  let stat;
  try {
    stat = lstatSync(file);
  } catch (e: any) {
    return unreadable(`cannot be read (${e.code ?? e.message})`);
  }
  if (stat.isSymbolicLink()) return unreadable('is a symbolic link; tenant files must be regular files inside the tenants folder (links are refused, not followed)');
  if (stat.isDirectory()) return unreadable('is a folder, not a tenant file; the tenants folder holds only <name>.yaml files');
  if (!stat.isFile()) return unreadable('is not a regular file (a FIFO, socket or device); tenant files must be regular <name>.yaml files');
  if (!name.endsWith('.yaml')) return unreadable(`is not a tenant file name: tenant files are named <name>.yaml (lower case)${renameHint(name)}`);
  if (stat.size > MAX_TENANT_FILE_BYTES) return unreadable(`has ${stat.size} bytes; a tenant file may have at most ${MAX_TENANT_FILE_BYTES} bytes`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e: any) {
    return unreadable(e.code === 'ELOOP' ? 'is a symbolic link; tenant files must be regular files inside the tenants folder' : `cannot be read (${e.code ?? e.message})`);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return unreadable('is not a regular file; tenant files must be regular <name>.yaml files');
    // One byte more than the file had at lstat, so that a file that grew since is seen as too large.
    const buffer = Buffer.alloc(Math.min(MAX_TENANT_FILE_BYTES, Math.max(opened.size, stat.size)) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length === buffer.length) return unreadable(`changed while it was read, or has more than ${MAX_TENANT_FILE_BYTES} bytes; a tenant file may have at most ${MAX_TENANT_FILE_BYTES} bytes`);
    try {
      return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return unreadable('is not UTF-8 text; save it as UTF-8');
    }
  } catch (e: any) {
    return unreadable(`cannot be read (${e.code ?? e.message})`);
  } finally {
    closeSync(fd);
  }
}

/** What to rename a misnamed tenant file to, when that is plain. */
function renameHint(name: string): string {
  const base = name.replace(/\.(ya?ml|json)~?$/i, '').replace(/~$/, '');
  if (name.endsWith('~')) return '; this looks like an editor backup: delete it';
  if (/\.(ya?ml)$/i.test(name) && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(base.toLowerCase())) return `; rename it to ${base.toLowerCase()}.yaml`;
  if (/\.json$/i.test(name)) return '; write it as YAML in <name>.yaml (JSON is not read)';
  return '; move it out of the tenants folder';
}

/** Tenants given in code, named `(code) tenants[<i>]` in problems. */
export function codeTenants(specs: readonly TenantSpec[]): TenantSource[] {
  return specs.map((spec, i) => ({ file: `(code) tenants[${i}]`, spec, checkFileName: false }));
}

/** Parses a tenant file's YAML; reports syntax problems and returns undefined when there are any. */
export function parseTenantYaml(text: string, problems: Problems): unknown {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text);
  } catch (e: any) {
    problems.add(YAML_PATH, undefined, `is not valid YAML: ${shorten(String(e?.message ?? e).split('\n')[0])}`);
    return undefined;
  }
  if (doc.errors.length === 0) {
    try {
      return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e: any) {
      const aliases = /alias/i.test(String(e?.message));
      problems.add(YAML_PATH, undefined, aliases
        ? `expands its aliases (*name) too often: at most ${MAX_YAML_ALIASES} alias expansions are allowed (an "alias bomb" would otherwise grow without bound); write the values out`
        : `cannot be read: ${shorten(String(e?.message ?? e).split('\n')[0])}`);
      return undefined;
    }
  }
  const lines = text.split('\n');
  for (const error of doc.errors) {
    if (error.code === 'MULTIPLE_DOCS') {
      problems.add(YAML_PATH, undefined, `holds ${countYamlDocuments(text)} YAML documents (separated by "---"); a tenant file holds one: one tenant per file`);
      continue;
    }
    const line = error.linePos?.[0]?.line;
    const source = line !== undefined ? lines[line - 1]?.trim() : undefined;
    problems.add(YAML_PATH, source, `is not valid YAML: ${shorten(error.message.split('\n')[0].replace(/:$/, ''))}`);
  }
  return undefined;
}

/** The number of YAML documents of a text (for the message on a file with more than one). */
function countYamlDocuments(text: string): number {
  try {
    return YAML.parseAllDocuments(text).length;
  } catch {
    return 2;
  }
}
