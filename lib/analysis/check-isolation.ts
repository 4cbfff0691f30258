/**
 * `npm run check:isolation [-- DIR] [--markdown FILE] [--paths] [--full]`: proves tenant isolation from the
 * YAML in an output folder (`dist/` by default).
 *
 * Reads every object of the folder (manifests.ts) and its facts file (platform-facts.ts), builds the cluster
 * model (cluster-model.ts), merges the pods that no policy can tell apart (endpoint-classes.ts), evaluates the
 * NetworkPolicies (network-policy-evaluator.ts), prints the namespace matrix (summarised as tenant classes
 * above 20 tenants unless `--full`) and fails (exit 1) with one line per violation: a path between two tenant
 * namespaces, from a tenant namespace to a billing namespace, or from a namespace of the output to the cloud
 * metadata addresses (isolation-report.ts). Files or policies that cannot be read also fail the check:
 * isolation cannot be proved from objects that the cluster would reject.
 */
import { writeFileSync } from 'node:fs';
import { buildClusterModel, ClusterModel } from './cluster-model';
import { mergeEquivalentEndpoints } from './endpoint-classes';
import { KubeObject, loadManifests, Manifest } from './manifests';
import { NetworkPolicyEvaluator, Reachability } from './network-policy-evaluator';
import { findViolations, reachabilityPairs, renderMatrix } from './isolation-report';
import { billingNamespacesText, PlatformFacts, readPlatformFacts } from './platform-facts';

/** The model (equivalent pods merged) and its evaluation: what the check and other tools work from. */
export function analyse(manifests: readonly Manifest[], facts: Pick<PlatformFacts, 'tenantLabel'>): { model: ClusterModel; reachability: Reachability } {
  const model = mergeEquivalentEndpoints(buildClusterModel(manifests, { tenantLabel: facts.tenantLabel }));
  return { model, reachability: new NetworkPolicyEvaluator(model).evaluate() };
}

/**
 * Which namespaces may reach which, for tools that compare trees (e.g. `npm run diff`): one `"from->to"` string
 * per namespace pair with an allowed path on some port, plus the pseudo-nodes `internet` (`"ns->internet"`,
 * `"internet->ns"`) and `metadata` (`"ns->metadata"`, the cloud metadata addresses). Accepts parsed objects or
 * the {@link Manifest}s of loadManifests, and the facts of their folder. Throws when the evaluation could not
 * finish (path cap reached).
 */
export function namespaceReachability(objects: readonly (KubeObject | Manifest)[], facts: Pick<PlatformFacts, 'tenantLabel'>): Set<string> {
  const manifests: Manifest[] = objects.map((o, index) => ('object' in o && 'file' in o ? (o as Manifest) : { file: '(input)', index, object: o as KubeObject }));
  const { reachability } = analyse(manifests, facts);
  if (reachability.truncated) throw new Error(reachability.problems[reachability.problems.length - 1]);
  return reachabilityPairs(reachability);
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** At most this many problem lines are printed; the count says how many there are. */
const MAX_LINES = 200;

const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const USAGE = 'usage: check-isolation [DIR] [--markdown FILE] [--paths] [--full]\n  DIR             folder of YAML files to check (default: dist)\n  --markdown FILE also write the matrix to FILE\n  --paths         also list every allowed path between pods (classes of pods)\n  --full          one row and column per namespace, however many tenants\n';

/** Parses the command line; returns an error text for bad arguments. */
export function parseArguments(argv: readonly string[], flags: readonly string[] = ['--paths', '--full'], options: readonly string[] = ['--markdown']): { args?: Record<string, string | boolean> & { dir?: string }; error?: string } {
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
  const { facts, problems: factProblems } = readPlatformFacts(dir);
  if (!facts) {
    const lines = [...loaded.problems, ...factProblems].map((p) => `cannot read: ${p}\n`).join('');
    io.err(`check-isolation: cannot check "${dir}" without its facts:\n${lines}`);
    return 1;
  }
  const { model, reachability } = analyse(loaded.manifests, facts);
  const matrix = renderMatrix(model, reachability, parsed.args.full ? { collapseAbove: Infinity } : {});
  const pods = model.endpoints.reduce((n, e) => n + e.origins.length, 0);
  io.out(`Namespace reachability in ${dir} (${loaded.manifests.length} objects, ${model.namespaces.size} namespaces, ${model.policies.length} NetworkPolicies, ${pods} pod sources in ${model.endpoints.length} classes):\n\n${matrix}`);
  if (parsed.args.paths) {
    io.out('\nPaths:\n');
    for (const p of reachability.paths) io.out(`${p.from.namespace} -> ${p.to.namespace}: ${p.ports.describe()}: ${p.from.origins[0]} -> ${p.to.origins[0]}\n`);
  }
  if (typeof parsed.args.markdown === 'string') writeFileSync(parsed.args.markdown, matrix);

  const failures = [
    ...loaded.problems.map((p) => `cannot read: ${p}`),
    ...reachability.problems.map((p) => `cannot evaluate: ${p}`),
    ...findViolations(model, reachability, { billingNamespaces: facts.billingNamespaces }).map((v) => `violation: ${v.message}`),
  ];
  if (failures.length > 0) {
    const shown = failures.slice(0, MAX_LINES).map((f) => `${f}\n`).join('');
    const more = failures.length > MAX_LINES ? `... and ${failures.length - MAX_LINES} more\n` : '';
    io.err(`\ncheck-isolation: ${failures.length} problem${failures.length === 1 ? '' : 's'}:\n${shown}${more}`);
    return 1;
  }
  io.out(`\ncheck-isolation: no path between tenant namespaces, none from a tenant namespace to ${billingNamespacesText(facts)}, none to the cloud metadata addresses.\n`);
  return 0;
}
