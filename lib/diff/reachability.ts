/**
 * The one place where the diff calls the product's isolation evaluator (lib/analysis). It turns the
 * objects of a tree into the set of namespace-level connections the evaluator allows: `A -> B`,
 * `A -> internet`, `internet -> A` and `A -> metadata` (the cloud metadata address 169.254.169.254, which
 * the evaluator does not count as internet). When lib/analysis exports a reachability function of its
 * own, only this file needs to change.
 */
import { buildClusterModel } from '../analysis/cluster-model';
import { parseCidr } from '../analysis/ip-block';
import { selectorMatches } from '../analysis/label-selector';
import { Manifest } from '../analysis/manifests';
import { NetworkPolicyEvaluator } from '../analysis/network-policy-evaluator';

/** The metadata address as a number (169.254.169.254). */
const METADATA = (169n << 24n) | (254n << 16n) | (169n << 8n) | 254n;

export interface NamespaceReachability {
  /** `from -> to` with the ports, e.g. `acme -> clearml: TCP 8008`. */
  readonly connections: ReadonlyMap<string, string>;
  /** What the evaluator could not understand. */
  readonly problems: readonly string[];
}

function blockHasMetadata(block: any): boolean {
  const cidr = parseCidr(block?.cidr);
  if (!cidr || cidr.family !== 4 || cidr.lo > METADATA || cidr.hi < METADATA) return false;
  for (const e of block?.except ?? []) {
    const x = parseCidr(e);
    if (x && x.family === 4 && x.lo <= METADATA && x.hi >= METADATA) return false;
  }
  return true;
}

/** Namespace-level reachability of a tree, computed by lib/analysis. */
export function namespaceReachability(manifests: readonly Manifest[]): NamespaceReachability {
  const model = buildClusterModel(manifests);
  const result = new NetworkPolicyEvaluator(model).evaluate();
  const connections = new Map<string, string>();
  for (const [from, row] of result.matrix) {
    for (const [to, ports] of row) if (from !== to && !ports.isEmpty) connections.set(`${from} -> ${to}`, ports.describe());
  }
  for (const [ns, ports] of result.internetEgress) if (!ports.isEmpty) connections.set(`${ns} -> internet`, ports.describe());
  for (const [ns, ports] of result.internetIngress) if (!ports.isEmpty) connections.set(`internet -> ${ns}`, ports.describe());
  // Metadata: an endpoint not isolated for egress, or selected by an egress rule open to all or to a block holding the address.
  for (const e of model.endpoints) {
    if (connections.has(`${e.namespace} -> metadata`)) continue;
    let open = !result.isolation[e.id]?.egress;
    for (const p of model.policies) {
      if (open) break;
      if (p.namespace !== e.namespace) continue;
      if (e.labels && !selectorMatches(p.spec.podSelector ?? {}, e.labels)) continue;
      for (const rule of p.spec.egress ?? []) {
        const to: any[] = rule?.to ?? [];
        if (to.length === 0 || to.some((peer) => peer?.ipBlock && blockHasMetadata(peer.ipBlock))) open = true;
      }
    }
    if (open) connections.set(`${e.namespace} -> metadata`, 'any');
  }
  return { connections, problems: result.problems };
}
