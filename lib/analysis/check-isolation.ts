/**
 * `npm run check:isolation [-- DIR] [--markdown FILE] [--paths]`: proves tenant isolation from the YAML
 * in an output folder (`dist/` by default).
 *
 * Reads every object of the folder (manifests.ts), builds the cluster model (cluster-model.ts), evaluates
 * the NetworkPolicies (network-policy-evaluator.ts), prints the namespace matrix and fails (exit 1) with
 * one line per violation: a path between two tenant namespaces or from a tenant namespace to
 * `clearml-billing` (isolation-report.ts). Files or policies that cannot be read also fail the check:
 * isolation cannot be proved from objects that the cluster would reject.
 */
import { writeFileSync } from 'node:fs';
import { buildClusterModel } from './cluster-model';
import { loadManifests } from './manifests';
import { NetworkPolicyEvaluator } from './network-policy-evaluator';
import { findViolations, renderMatrix } from './isolation-report';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** At most this many problem lines are printed; the count says how many there are. */
const MAX_LINES = 200;

const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const USAGE = 'usage: check-isolation [DIR] [--markdown FILE] [--paths]\n  DIR             folder of YAML files to check (default: dist)\n  --markdown FILE also write the matrix to FILE\n  --paths         also list every allowed path between pods\n';

/** Parses the command line; returns an error text for bad arguments. */
export function parseArguments(argv: readonly string[], flags: readonly string[] = ['--paths'], options: readonly string[] = ['--markdown']): { args?: Record<string, string | boolean> & { dir?: string }; error?: string } {
  const args: Record<string, string | boolean> = {};
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (options.includes(a)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) return { error: `${a} needs a file name` };
      args[a.slice(2)] = value;
    } else if (flags.includes(a)) {
      args[a.slice(2)] = true;
    } else if (a.startsWith('-')) {
      return { error: `unknown option "${a}"` };
    } else if (dir === undefined) {
      dir = a;
    } else {
      return { error: `only one folder can be checked; got "${dir}" and "${a}"` };
    }
  }
  return { args: { ...args, dir: dir ?? 'dist' } };
}

/** Runs the check; returns the exit code (0 isolated, 1 violations or unreadable input, 2 bad usage). */
export function main(argv: readonly string[], io: Output = STDIO): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const parsed = parseArguments(argv);
  if (!parsed.args) {
    io.err(`check-isolation: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const dir = parsed.args.dir as string;
  let loaded;
  try {
    loaded = loadManifests(dir);
  } catch (e) {
    io.err(`check-isolation: cannot read folder "${dir}": ${(e as Error).message}\n`);
    return 2;
  }
  const model = buildClusterModel(loaded.manifests);
  const evaluator = new NetworkPolicyEvaluator(model);
  const reachability = evaluator.evaluate();
  const matrix = renderMatrix(model, reachability);
  io.out(`Namespace reachability in ${dir} (${loaded.manifests.length} objects, ${model.namespaces.size} namespaces, ${model.policies.length} NetworkPolicies):\n\n${matrix}`);
  if (parsed.args.paths) {
    io.out('\nPaths:\n');
    for (const p of reachability.paths) io.out(`${p.from.namespace} -> ${p.to.namespace}: ${p.ports.describe()}: ${p.from.origins[0]} -> ${p.to.origins[0]}\n`);
  }
  if (typeof parsed.args.markdown === 'string') writeFileSync(parsed.args.markdown, matrix);

  const failures = [
    ...loaded.problems.map((p) => `cannot read: ${p}`),
    ...reachability.problems.map((p) => `cannot evaluate: ${p}`),
    ...findViolations(model, reachability).map((v) => `violation: ${v.message}`),
  ];
  if (failures.length > 0) {
    const shown = failures.slice(0, MAX_LINES).map((f) => `${f}\n`).join('');
    const more = failures.length > MAX_LINES ? `... and ${failures.length - MAX_LINES} more\n` : '';
    io.err(`\ncheck-isolation: ${failures.length} problem${failures.length === 1 ? '' : 's'}:\n${shown}${more}`);
    return 1;
  }
  io.out('\ncheck-isolation: no path between tenant namespaces and none from a tenant namespace to clearml-billing.\n');
  return 0;
}
