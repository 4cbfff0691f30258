/**
 * The one place where the diff calls the product's isolation evaluator (lib/analysis): the objects of a tree
 * become the set of namespace-level connections the evaluator allows, `A -> B`, `A -> internet`,
 * `internet -> A` and `A -> metadata` (the cloud metadata addresses), each with the ports it allows. The
 * evaluation is the one `check:isolation` makes (pods that no policy tells apart evaluated once).
 */
import { analyse } from '../../analysis/check-isolation';
import { Manifest } from '../../analysis/manifests';
import { PlatformFacts } from '../../analysis/platform-facts';

export interface NamespaceReachability {
  /** `from -> to` with the ports, e.g. `acme -> clearml: TCP 8008`. */
  readonly connections: ReadonlyMap<string, string>;
  /** What the evaluator could not understand. */
  readonly problems: readonly string[];
}

/** Namespace-level reachability of a tree (with the facts of its facts file), computed by lib/analysis. */
export function namespaceReachability(manifests: readonly Manifest[], facts: Pick<PlatformFacts, 'tenantLabel'>): NamespaceReachability {
  const { reachability } = analyse(manifests, facts);
  const connections = new Map<string, string>();
  for (const [from, row] of reachability.matrix) {
    for (const [to, ports] of row) if (from !== to && !ports.isEmpty) connections.set(`${from} -> ${to}`, ports.describe());
  }
  for (const [ns, ports] of reachability.internetEgress) if (!ports.isEmpty) connections.set(`${ns} -> internet`, ports.describe());
  for (const [ns, ports] of reachability.internetIngress) if (!ports.isEmpty) connections.set(`internet -> ${ns}`, ports.describe());
  for (const [ns, ports] of reachability.metadataEgress) if (!ports.isEmpty) connections.set(`${ns} -> metadata`, ports.describe());
  return { connections, problems: reachability.problems };
}
