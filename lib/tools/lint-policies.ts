/**
 * `npm run lint:policies [-- DIR]`: runs the policy linter (policy-lint.ts) over every object of a folder
 * (`dist/` by default), with the tenant label of the folder's facts file (platform-facts.ts), and fails
 * (exit 1) with one line per finding. On the top folder of several clusters, each cluster's tree in turn.
 */
import { CliIo, hasOption, parseOrExit } from '../cli-args';
import { LINT_POLICIES_COMMAND } from '../cli-commands';
import { loadManifests } from '../analysis/manifests';
import { readPlatformFacts } from '../analysis/platform-facts';
import { formatFinding, LINT_RULES, lintObjects } from '../analysis/policy-lint';
import { clusterFoldersOf, forEachClusterFolder } from './cluster-folders';

const STDIO: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs the linter; returns the exit code (0 clean, 1 findings, unreadable files or a usage mistake, 2 a folder that cannot be read).
 * On the top folder of several clusters (lib/tools/cluster-folders.ts) it lints each cluster's tree, every line
 * prefixed with `clusters/<name>: `; the exit code is the highest of the clusters'.
 */
export function main(argv: readonly string[], io: CliIo = STDIO): number {
  const args = parseOrExit(LINT_POLICIES_COMMAND, argv, io, 1);
  if (typeof args === 'number') return args;
  if (hasOption(args, '--rules')) {
    for (const [rule, text] of Object.entries(LINT_RULES)) io.out(`${rule}: ${text}\n`);
    return 0;
  }
  const dir = args.positionals[0] ?? 'dist';
  const clusters = clusterFoldersOf(dir);
  if (clusters === undefined) return lintFolder(dir, io);
  const { worst, failed } = forEachClusterFolder(clusters, io, lintFolder);
  if (failed.length > 0) io.err(`lint-policies: ${dir}: ${failed.length} of ${clusters.length} clusters have findings: ${failed.join(', ')}\n`);
  else io.out(`lint-policies: ${dir}: ${clusters.length} cluster${clusters.length === 1 ? '' : 's'} linted (${clusters.map((c) => c.label).join(', ')}), no findings\n`);
  return worst;
}

/** Lints one cluster's tree (the whole output of one cluster); returns the exit code. */
function lintFolder(dir: string, io: CliIo): number {
  let loaded;
  try {
    loaded = loadManifests(dir);
  } catch (e) {
    io.err(`lint-policies: cannot read folder "${dir}": ${(e as Error).message}\n`);
    return 2;
  }
  const { facts, problems: factProblems } = readPlatformFacts(dir);
  const lines = [
    ...loaded.problems.map((p) => `cannot read: ${p}`),
    ...factProblems.map((p) => `cannot read: ${p}`),
    ...(facts ? lintObjects(loaded.manifests, facts).map(formatFinding) : []),
  ];
  if (lines.length > 0) {
    io.err(`${lines.join('\n')}\nlint-policies: ${lines.length} finding${lines.length === 1 ? '' : 's'} in ${dir}\n`);
    return 1;
  }
  io.out(`lint-policies: ${loaded.manifests.length} objects in ${dir}, no findings\n`);
  return 0;
}
