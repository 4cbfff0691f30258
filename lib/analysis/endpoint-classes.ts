/**
 * Equivalence classes of endpoints: pods that no NetworkPolicy can tell apart are evaluated once.
 *
 * Two endpoints of the same namespace are equivalent when they declare the same named ports and every label
 * selector that could apply to them matches both or neither:
 * - the `podSelector` of each policy of their namespace (which policies isolate them, whose rules apply);
 * - the `podSelector` of each peer without `namespaceSelector` of a policy of their namespace;
 * - the `podSelector` of each peer with a `namespaceSelector`, of any policy (such a peer may select pods of
 *   any namespace).
 * Namespace selectors act on namespaces, not pods, so they treat all endpoints of one namespace alike. The
 * evaluator reads nothing else of an endpoint (network-policy-evaluator.ts), so evaluating one member of a
 * class gives exactly the result of each member: the merge is exact, not an approximation. Endpoints with
 * unknown labels (Helm releases, namespaces outside the folder) are never merged.
 *
 * This is what keeps the evaluation linear in the number of tenants: the server namespace has pods per tenant
 * (e.g. each tenant's bootstrap Job) which, as separate endpoints, would make a quadratic number of paths
 * among themselves.
 */
import { ClusterModel, Endpoint } from './cluster-model';
import { LabelSelector, selectorKey, selectorMatches, selectorProblems } from './label-selector';

function validSelector(s: unknown): s is LabelSelector {
  return s !== null && typeof s === 'object' && !Array.isArray(s) && selectorProblems(s).length === 0;
}

/** The model with equivalent endpoints merged into one (origins joined, first member's labels); ids renumbered. */
export function mergeEquivalentEndpoints(model: ClusterModel): ClusterModel {
  const local = new Map<string, Map<string, LabelSelector>>(); // namespace -> selectors that apply there
  const global = new Map<string, LabelSelector>();
  const add = (map: Map<string, LabelSelector>, s: unknown) => {
    if (validSelector(s)) map.set(selectorKey(s), s);
  };
  for (const p of model.policies) {
    let mine = local.get(p.namespace);
    if (!mine) local.set(p.namespace, (mine = new Map()));
    add(mine, p.spec.podSelector ?? {});
    for (const rule of [...(Array.isArray(p.spec.ingress) ? p.spec.ingress : []), ...(Array.isArray(p.spec.egress) ? p.spec.egress : [])]) {
      for (const peer of [...(Array.isArray(rule?.from) ? rule.from : []), ...(Array.isArray(rule?.to) ? rule.to : [])]) {
        if (!peer?.podSelector) continue;
        add(peer.namespaceSelector ? global : mine, peer.podSelector);
      }
    }
  }
  const globalList = [...global.values()];
  const classes = new Map<string, { namespace: string; labels?: Endpoint['labels']; namedPorts: Endpoint['namedPorts']; origins: string[] }>();
  const order: string[] = [];
  for (const e of model.endpoints) {
    let key: string;
    if (e.labels === undefined) key = `#${e.id}`;
    else {
      const labels = e.labels;
      const bits = (list: Iterable<LabelSelector>) => [...list].map((s) => (selectorMatches(s, labels) ? '1' : '0')).join('');
      key = JSON.stringify([e.namespace, e.namedPorts, bits(local.get(e.namespace)?.values() ?? []), bits(globalList)]);
    }
    const found = classes.get(key);
    if (found) found.origins.push(...e.origins);
    else {
      classes.set(key, { namespace: e.namespace, labels: e.labels, namedPorts: e.namedPorts, origins: [...e.origins] });
      order.push(key);
    }
  }
  if (order.length === model.endpoints.length) return model;
  return { ...model, endpoints: order.map((k, id) => ({ ...classes.get(k)!, id })) };
}
