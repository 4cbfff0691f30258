/**
 * The checkers (validate, check:isolation, lint:policies) on the top folder of an output of several clusters
 * (README "Several clusters"): such a folder has the marker `.clearml-tenancy` and one tree per cluster,
 * `clusters/<name>/`, each with its own `platform-facts.json`, but none of its own. The checkers then check
 * each cluster's tree in turn and prefix every line they print with `clusters/<name>: `.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliIo } from '../cli-args';
import { FACTS_FILE } from '../analysis/platform-facts';
import { MARKER_FILE } from '../output/marker';

/** One cluster's tree below the top folder. */
export interface ClusterFolder {
  /** The cluster's name. */
  readonly name: string;
  /** Its folder, `<dir>/clusters/<name>`. */
  readonly dir: string;
  /** How its lines are prefixed: `clusters/<name>`. */
  readonly label: string;
}

/**
 * The cluster trees of `dir`, sorted by name, when `dir` is the top folder of an output of several clusters:
 * no facts file of its own, the marker, and `clusters/<name>/platform-facts.json` for one cluster or more.
 * Otherwise (one cluster's tree, the single-cluster output, any other folder): `undefined`.
 */
export function clusterFoldersOf(dir: string): ClusterFolder[] | undefined {
  if (existsSync(join(dir, FACTS_FILE)) || !existsSync(join(dir, MARKER_FILE))) return undefined;
  const root = join(dir, 'clusters');
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const clusters = entries
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, FACTS_FILE)))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ name, dir: join(dir, 'clusters', name), label: `clusters/${name}` }));
  return clusters.length > 0 ? clusters : undefined;
}

/** `text` with `<label>: ` before each of its non-empty lines (empty lines stay empty). */
export function prefixLines(label: string, text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `${label}: ${line}` : line))
    .join('\n');
}

/**
 * An io that prefixes every line written to `io` with `<label>: `. Text is held until its line is complete;
 * call `flush` at the end for a last line without a newline.
 */
export function prefixedIo(io: CliIo, label: string): CliIo & { flush(): void } {
  const pending = { out: '', err: '' };
  const write = (stream: 'out' | 'err') => (text: string) => {
    const all = pending[stream] + text;
    const end = all.lastIndexOf('\n') + 1;
    pending[stream] = all.slice(end);
    if (end > 0) io[stream](prefixLines(label, all.slice(0, end)));
  };
  return {
    out: write('out'),
    err: write('err'),
    flush() {
      for (const stream of ['out', 'err'] as const) {
        if (pending[stream].length > 0) io[stream](prefixLines(label, pending[stream]));
        pending[stream] = '';
      }
    },
  };
}

/** What {@link forEachClusterFolder} found: the highest exit code, and the clusters (their labels) whose code was not 0, in order. */
export interface ClusterFoldersResult {
  readonly worst: number;
  readonly failed: readonly string[];
}

/**
 * Checks each cluster's tree in turn: `check` gets the cluster's folder and an io that prefixes every line
 * with `clusters/<name>: ` (flushed once it returns), and returns its exit code. The caller prints the summary.
 */
export function forEachClusterFolder(
  clusters: readonly ClusterFolder[],
  io: CliIo,
  check: (dir: string, io: CliIo, cluster: ClusterFolder) => number,
): ClusterFoldersResult {
  const failed: string[] = [];
  let worst = 0;
  for (const cluster of clusters) {
    const own = prefixedIo(io, cluster.label);
    const code = check(cluster.dir, own, cluster);
    own.flush();
    if (code !== 0) failed.push(cluster.label);
    worst = Math.max(worst, code);
  }
  return { worst, failed };
}
