/**
 * `npm run check:isolation [-- DIR] [--markdown FILE] [--paths] [--full]`: proves tenant isolation from the
 * NetworkPolicies of an output folder (the model and its evaluation are lib/analysis/check-isolation.ts).
 * Exit 0 isolated, 1 violations, unreadable input or a usage mistake (as every command), 2 a folder that cannot be read.
 * On the top folder of several clusters, each cluster's tree in turn (lib/tools/cluster-folders.ts).
 */
import { writeFileSync } from 'node:fs';
import { CliIo, hasOption, optionValue, ParsedArgs, parseOrExit } from '../cli-args';
import { CHECK_ISOLATION_COMMAND } from '../cli-commands';
import { analyse } from '../analysis/check-isolation';
import { findViolations, renderMatrix } from '../analysis/isolation-report';
import { loadManifests } from '../analysis/manifests';
import { billingNamespacesText, readPlatformFacts } from '../analysis/platform-facts';
import { clusterFoldersOf, forEachClusterFolder } from './cluster-folders';


/** At most this many problem lines are printed; the count says how many there are. */
const MAX_LINES = 200;

const STDIO: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs the check; returns the exit code (0 isolated, 1 violations, unreadable input or a usage mistake, 2 a folder that cannot be read).
 * On the top folder of several clusters (lib/tools/cluster-folders.ts) it checks each cluster's tree, every line
 * prefixed with `clusters/<name>: `, `--markdown` gets each cluster's matrix under its heading, and the exit code is
 * the highest of the clusters'.
 */
export function main(argv: readonly string[], io: CliIo = STDIO): number {
  const args = parseOrExit(CHECK_ISOLATION_COMMAND, argv, io, 1);
  if (typeof args === 'number') return args;
  const dir = args.positionals[0] ?? 'dist';
  const markdown = optionValue(args, '--markdown');
  const clusters = clusterFoldersOf(dir);
  if (clusters === undefined) {
    const { code, matrix } = checkFolder(dir, args, io);
    if (markdown !== undefined && matrix !== undefined) writeFileSync(markdown, matrix);
    return code;
  }
  const sections: string[] = [];
  const { worst, failed } = forEachClusterFolder(clusters, io, (clusterDir, own, cluster) => {
    const { code, matrix } = checkFolder(clusterDir, args, own);
    if (matrix !== undefined) sections.push(`## ${cluster.label}\n\n${matrix}`);
    return code;
  });
  if (markdown !== undefined) writeFileSync(markdown, sections.join('\n'));
  const names = clusters.map((c) => c.label).join(', ');
  if (failed.length > 0) io.err(`\ncheck-isolation: ${dir}: ${failed.length} of ${clusters.length} clusters failed: ${failed.join(', ')}\n`);
  else io.out(`\ncheck-isolation: ${dir}: ${clusters.length} cluster${clusters.length === 1 ? '' : 's'} checked (${names}), all isolated.\n`);
  return worst;
}

/** Checks one cluster's tree (the whole output of one cluster); returns the exit code and the matrix, when it got that far. */
function checkFolder(dir: string, args: ParsedArgs, io: CliIo): { code: number; matrix?: string } {
  let loaded;
  try {
    loaded = loadManifests(dir);
  } catch (e) {
    io.err(`check-isolation: cannot read folder "${dir}": ${(e as Error).message}\n`);
    return { code: 2 };
  }
  const { facts, problems: factProblems } = readPlatformFacts(dir);
  if (!facts) {
    const lines = [...loaded.problems, ...factProblems].map((p) => `cannot read: ${p}\n`).join('');
    io.err(`check-isolation: cannot check "${dir}" without its facts:\n${lines}`);
    return { code: 1 };
  }
  const { model, reachability } = analyse(loaded.manifests, facts);
  const matrix = renderMatrix(model, reachability, hasOption(args, '--full') ? { collapseAbove: Infinity } : {});
  const pods = model.endpoints.reduce((n, e) => n + e.origins.length, 0);
  io.out(`Namespace reachability in ${dir} (${loaded.manifests.length} objects, ${model.namespaces.size} namespaces, ${model.policies.length} NetworkPolicies, ${pods} pod sources in ${model.endpoints.length} classes):\n\n${matrix}`);
  if (hasOption(args, '--paths')) {
    io.out('\nPaths:\n');
    for (const p of reachability.paths) io.out(`${p.from.namespace} -> ${p.to.namespace}: ${p.ports.describe()}: ${p.from.origins[0]} -> ${p.to.origins[0]}\n`);
  }

  const failures = [
    ...loaded.problems.map((p) => `cannot read: ${p}`),
    ...reachability.problems.map((p) => `cannot evaluate: ${p}`),
    ...findViolations(model, reachability, facts).map((v) => `violation: ${v.message}`),
  ];
  if (failures.length > 0) {
    const shown = failures.slice(0, MAX_LINES).map((f) => `${f}\n`).join('');
    const more = failures.length > MAX_LINES ? `... and ${failures.length - MAX_LINES} more\n` : '';
    io.err(`\ncheck-isolation: ${failures.length} problem${failures.length === 1 ? '' : 's'}:\n${shown}${more}`);
    return { code: 1, matrix };
  }
  io.out(`\ncheck-isolation: no path between tenant namespaces, none from a tenant namespace to ${billingNamespacesText(facts)}, none to a platform namespace beyond the ports it offers tenants, none to the cloud metadata addresses.\n`);
  return { code: 0, matrix };
}
