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
import { buildClusterModel, ClusterModel } from './cluster-model';
import { mergeEquivalentEndpoints } from './endpoint-classes';
import { KubeObject, Manifest } from './manifests';
import { NetworkPolicyEvaluator, Reachability } from './network-policy-evaluator';
import { reachabilityPairs } from './isolation-report';
import { PlatformFacts } from './platform-facts';

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
