/**
 * A pure evaluator of Kubernetes NetworkPolicy semantics (`networking.k8s.io/v1`) over a
 * {@link ClusterModel}.
 *
 * Semantics (as in the Kubernetes documentation):
 * - A pod is isolated for ingress (egress) when some policy in its namespace selects it through
 *   `spec.podSelector` and has that type in `policyTypes`. When `policyTypes` is missing or empty it is
 *   `Ingress`, plus `Egress` when `egress` has at least one rule.
 * - A connection from pod A to pod B on port P/protocol is allowed iff (A is not egress-isolated, or an
 *   egress rule of a policy selecting A allows B on P) and (B is not ingress-isolated, or an ingress rule
 *   of a policy selecting B allows A on P). Rules of all selecting policies add up.
 * - A rule with `from`/`to` missing or empty matches every source/destination (pods and outside
 *   addresses); a rule with `ports` missing or empty matches every port. `ingress: []` (or no
 *   `ingress`) allows nothing, `ingress: [{}]` allows everything.
 * - Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = all pods of
 *   the selected namespaces; both in one peer = the selected pods of the selected namespaces (AND); two
 *   peers in the list = either (OR). `ipBlock` peers are taken to match only addresses outside the
 *   cluster, never pods (see ip-block.ts): the only outside destination modelled is "the internet".
 * - Ports: `port` number with optional `endPort` (a range), a named `port` that matches only when the
 *   destination pod declares a container port of that name and protocol, a rule port without `port`
 *   (every port of the protocol); `protocol` defaults to TCP.
 *
 * Pods with unknown labels (an "any pod" endpoint of a Helm release or of a namespace outside the folder)
 * are treated so that the result over-approximates what is allowed, which is the safe direction for a
 * proof that there is NO path between tenants:
 * - Such an endpoint counts as isolated only by policies whose `podSelector` is empty (`{}`): a policy
 *   that selects specific labels may not select the unknown pods, so it does not isolate them, and they
 *   count as unisolated unless a `{}` policy covers the namespace.
 * - Once isolated, it may receive what ANY policy of its namespace allows (the label-specific policies may
 *   select some of its pods), not only what the `{}` policies allow.
 * - As a peer, it matches every `podSelector` of a peer whose namespace part matches (some of its pods may
 *   carry the labels).
 * - Named ports on it cannot be resolved; they stay symbolic (`TCP name:http`) in the result, and meet any
 *   numbered range of the same protocol when rules are intersected.
 * Every path that exists in the cluster is thus in the result; the result may contain paths that do not.
 *
 * Cost: policies are compiled once; peers are resolved to endpoint lists through a label index of the
 * namespaces and a cache keyed by selector; pairs are enumerated from what the rules grant (and the
 * unisolated endpoints), never as all endpoint pairs, so the time grows with the number of allowed paths.
 */
import { ClusterModel, Endpoint, NamespaceInfo } from './cluster-model';
import { parseCidr, reachesInternet, reachesMetadata } from '../core/cidr';
import { LabelSelector, isEmptySelector, selectorKey, selectorMatches, selectorProblems } from './label-selector';
import { PortSet, PROTOCOLS, Protocol } from './port-set';

/** Where a connection goes to or comes from: an endpoint of the model or the public internet. */
export type Party = Endpoint | 'internet';

export interface Path {
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** The ports on which `from` may open connections to `to` (never empty). */
  readonly ports: PortSet;
}

export interface Reachability {
  /** Every allowed endpoint pair, sorted by source then destination endpoint id. */
  readonly paths: readonly Path[];
  /** Source namespace -> destination namespace -> ports allowed from some pod of the first to some pod of the second. */
  readonly matrix: ReadonlyMap<string, ReadonlyMap<string, PortSet>>;
  /** Per namespace with endpoints: ports on which some pod may open connections to the internet. */
  readonly internetEgress: ReadonlyMap<string, PortSet>;
  /**
   * Per namespace with endpoints: ports on which some pod may open connections to a cloud metadata address
   * (`169.254.169.254`, `fd00:ec2::254`, see ip-block.ts); absent or empty: none.
   */
  readonly metadataEgress: ReadonlyMap<string, PortSet>;
  /** Per namespace with endpoints: ports on which some pod may accept connections from the internet. */
  readonly internetIngress: ReadonlyMap<string, PortSet>;
  /** Per endpoint id: whether it is isolated for ingress and for egress. */
  readonly isolation: readonly { readonly ingress: boolean; readonly egress: boolean }[];
  /** Policies or rules that could not be understood, one line each (they match nothing), and a note when paths were cut off. */
  readonly problems: readonly string[];
  /** Whether evaluation stopped at {@link EvaluateOptions.maxPaths}: paths, matrix and internet maps are then incomplete. */
  readonly truncated: boolean;
}

export interface EvaluateOptions {
  /**
   * Stop after this many endpoint paths. A folder where thousands of namespaces reach each other has
   * millions of paths; it is not isolated, and listing them all would only exhaust memory.
   * @default 250_000
   */
  readonly maxPaths?: number;
}

interface RulePort {
  readonly protocol: Protocol;
  /** Absent: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

type Peer =
  | { readonly kind: 'pods'; readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector; readonly namespace: string }
  | { readonly kind: 'internet'; readonly matches: boolean; readonly metadata: boolean };

interface Rule {
  /** 'all': every source/destination, pods and the internet. */
  readonly peers: 'all' | readonly Peer[];
  readonly ports: 'all' | readonly RulePort[];
  /** The port set when no port is named (the same for every destination); undefined otherwise. */
  readonly fixedPorts?: PortSet;
}

interface Policy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

type Direction = 'ingress' | 'egress';

function compileRule(raw: any, direction: Direction, policy: { namespace: string; where: string }, problems: string[]): Rule {
  const where = `${policy.where}: ${direction} rule`;
  const rawPeers: any[] | undefined = direction === 'ingress' ? raw?.from : raw?.to;
  let peers: 'all' | Peer[] = 'all';
  if (Array.isArray(rawPeers) && rawPeers.length > 0) {
    peers = [];
    for (const p of rawPeers) {
      if (p?.ipBlock) {
        const cidr = parseCidr(p.ipBlock.cidr);
        const except = (p.ipBlock.except ?? []).map((e: unknown) => parseCidr(e));
        if (!cidr || except.some((e: unknown) => e === undefined)) {
          problems.push(`${where}: ipBlock ${JSON.stringify(p.ipBlock)} is not a valid CIDR with valid except CIDRs; it matches nothing here`);
          continue;
        }
        peers.push({ kind: 'internet', matches: reachesInternet(cidr, except), metadata: reachesMetadata(cidr, except) });
        continue;
      }
      if (!p?.podSelector && !p?.namespaceSelector) {
        problems.push(`${where}: a peer needs podSelector, namespaceSelector or ipBlock; ${JSON.stringify(p)} matches nothing here`);
        continue;
      }
      const bad = [...(p.podSelector ? selectorProblems(p.podSelector) : []), ...(p.namespaceSelector ? selectorProblems(p.namespaceSelector) : [])];
      if (bad.length > 0) {
        problems.push(`${where}: peer ${JSON.stringify(p)}: ${bad.join('; ')}; it matches nothing here`);
        continue;
      }
      peers.push({ kind: 'pods', podSelector: p.podSelector ?? undefined, namespaceSelector: p.namespaceSelector ?? undefined, namespace: policy.namespace });
    }
  }
  let ports: 'all' | RulePort[] = 'all';
  if (Array.isArray(raw?.ports) && raw.ports.length > 0) {
    ports = [];
    for (const p of raw.ports) {
      const protocol = (p?.protocol ?? 'TCP') as Protocol;
      if (!PROTOCOLS.includes(protocol)) {
        problems.push(`${where}: protocol ${JSON.stringify(p?.protocol)} is not TCP, UDP or SCTP; the port matches nothing here`);
        continue;
      }
      const port = p?.port;
      if (port !== undefined && !(typeof port === 'string' || (Number.isInteger(port) && port >= 1 && port <= 65535))) {
        problems.push(`${where}: port ${JSON.stringify(port)} is neither a port number (1-65535) nor a port name; it matches nothing here`);
        continue;
      }
      const endPort = p?.endPort;
      if (endPort !== undefined && (typeof port !== 'number' || !Number.isInteger(endPort) || endPort < port || endPort > 65535)) {
        problems.push(`${where}: endPort ${JSON.stringify(endPort)} needs a numbered port not above it; the port matches nothing here`);
        continue;
      }
      ports.push({ protocol, port, endPort });
    }
  }
  const named = ports !== 'all' && ports.some((p) => typeof p.port === 'string');
  const rule: Rule = { peers, ports };
  return named ? rule : { ...rule, fixedPorts: rulePorts(rule, undefined) };
}

/** The ports a rule allows towards a destination (`undefined`: the internet, where names mean nothing). */
function rulePorts(rule: Rule, destination: Endpoint | undefined): PortSet {
  if (rule.fixedPorts) return rule.fixedPorts;
  if (rule.ports === 'all') return PortSet.ALL;
  let set = PortSet.NONE;
  for (const p of rule.ports) {
    if (p.port === undefined) set = set.union(PortSet.range(p.protocol, 1, 65535));
    else if (typeof p.port === 'number') set = set.union(PortSet.range(p.protocol, p.port, p.endPort ?? p.port));
    else if (destination && destination.labels === undefined) set = set.union(PortSet.named(p.protocol, p.port));
    else if (destination) {
      for (const np of destination.namedPorts) if (np.name === p.port && np.protocol === p.protocol) set = set.union(PortSet.range(p.protocol, np.port));
    }
  }
  return set;
}

function compilePolicies(model: ClusterModel, problems: string[]): Map<string, Policy[]> {
  const byNamespace = new Map<string, Policy[]>();
  for (const info of model.policies) {
    const where = `NetworkPolicy ${info.namespace}/${info.name} (${info.file})`;
    const spec = info.spec;
    const podSelector: LabelSelector = spec.podSelector ?? {};
    const bad = selectorProblems(podSelector);
    if (bad.length > 0) {
      problems.push(`${where}: spec.podSelector: ${bad.join('; ')}; the policy is ignored here`);
      continue;
    }
    let types: string[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    if (types.length === 0) types = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    for (const t of types) if (t !== 'Ingress' && t !== 'Egress') problems.push(`${where}: policyTypes has ${JSON.stringify(t)}; allowed: Ingress, Egress`);
    const ctx = { namespace: info.namespace, where };
    const policy: Policy = {
      namespace: info.namespace,
      name: info.name,
      podSelector,
      ingress: types.includes('Ingress') ? (Array.isArray(spec.ingress) ? spec.ingress : []).map((r: any) => compileRule(r, 'ingress', ctx, problems)) : undefined,
      egress: types.includes('Egress') ? (Array.isArray(spec.egress) ? spec.egress : []).map((r: any) => compileRule(r, 'egress', ctx, problems)) : undefined,
    };
    byNamespace.set(info.namespace, [...(byNamespace.get(info.namespace) ?? []), policy]);
  }
  return byNamespace;
}

/** Which policies isolate an endpoint in a direction and whose rules apply to it (see the module comment). */
function applicableRules(policies: readonly Policy[] | undefined, endpoint: Endpoint, direction: Direction): { isolated: boolean; rules: Rule[] } {
  let isolated = false;
  const rules: Rule[] = [];
  for (const p of policies ?? []) {
    const dirRules = p[direction];
    if (!dirRules) continue;
    const certain = endpoint.labels === undefined ? isEmptySelector(p.podSelector) : selectorMatches(p.podSelector, endpoint.labels);
    const possible = endpoint.labels === undefined || certain;
    if (certain) isolated = true;
    if (possible) rules.push(...dirRules);
  }
  return isolated ? { isolated, rules } : { isolated, rules: [] };
}

/** Finds namespaces by label selector through an index of their labels; results are cached. */
class NamespaceIndex {
  private readonly byLabel = new Map<string, Map<string, string[]>>();
  private readonly all: string[];
  private readonly cache = new Map<string, readonly string[]>();

  constructor(private readonly namespaces: ReadonlyMap<string, NamespaceInfo>) {
    this.all = [...namespaces.keys()];
    for (const ns of namespaces.values()) {
      for (const [k, v] of Object.entries(ns.labels)) {
        let values = this.byLabel.get(k);
        if (!values) this.byLabel.set(k, (values = new Map()));
        values.set(v, [...(values.get(v) ?? []), ns.name]);
      }
    }
  }

  public select(selector: LabelSelector): readonly string[] {
    const key = selectorKey(selector);
    let found = this.cache.get(key);
    if (found) return found;
    // Start from the smallest candidate list a positive requirement gives, then check every requirement.
    let candidates: readonly string[] = this.all;
    const consider = (list: readonly string[]) => {
      if (list.length < candidates.length) candidates = list;
    };
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) consider(this.byLabel.get(k)?.get(v) ?? []);
    for (const r of selector.matchExpressions ?? []) {
      if (r.operator === 'In') consider((r.values ?? []).flatMap((v) => this.byLabel.get(r.key)?.get(v) ?? []));
      if (r.operator === 'Exists') consider([...(this.byLabel.get(r.key)?.values() ?? [])].flat());
    }
    found = candidates.filter((n) => selectorMatches(selector, this.namespaces.get(n)!.labels));
    this.cache.set(key, found);
    return found;
  }
}

/** Resolves pod peers to endpoints. */
class PeerResolver {
  private readonly index: NamespaceIndex;
  private readonly byNamespace = new Map<string, Endpoint[]>();
  private readonly cache = new Map<string, readonly Endpoint[]>();

  constructor(model: ClusterModel) {
    this.index = new NamespaceIndex(model.namespaces);
    for (const e of model.endpoints) this.byNamespace.set(e.namespace, [...(this.byNamespace.get(e.namespace) ?? []), e]);
  }

  public endpointsIn(namespace: string): readonly Endpoint[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  public resolve(peer: Extract<Peer, { kind: 'pods' }>): readonly Endpoint[] {
    const nsPart = peer.namespaceSelector ? `*${selectorKey(peer.namespaceSelector)}` : `=${peer.namespace}`;
    const key = `${nsPart}|${peer.podSelector ? selectorKey(peer.podSelector) : ''}`;
    let found = this.cache.get(key);
    if (found) return found;
    const namespaces = peer.namespaceSelector ? this.index.select(peer.namespaceSelector) : [peer.namespace];
    const out: Endpoint[] = [];
    for (const ns of namespaces) for (const e of this.endpointsIn(ns)) if (peerMatchesPod(peer, e)) out.push(e);
    this.cache.set(key, (found = out));
    return found;
  }
}

/** Whether the pod part of a peer matches an endpoint (unknown pods match any pod selector). */
function peerMatchesPod(peer: Extract<Peer, { kind: 'pods' }>, e: Endpoint): boolean {
  return !peer.podSelector || e.labels === undefined || selectorMatches(peer.podSelector, e.labels);
}

/** Whether a peer matches a party, given the namespaces of the model. */
function peerMatches(peer: Peer, party: Party, model: ClusterModel): boolean {
  if (party === 'internet') return peer.kind === 'internet' && peer.matches;
  if (peer.kind === 'internet') return false;
  if (peer.namespaceSelector) {
    const ns = model.namespaces.get(party.namespace);
    if (!ns || !selectorMatches(peer.namespaceSelector, ns.labels)) return false;
  } else if (party.namespace !== peer.namespace) return false;
  return peerMatchesPod(peer, party);
}

/**
 * The evaluator: compile the policies of a model once, then ask for single connections
 * ({@link NetworkPolicyEvaluator.allowedPorts}) or for the whole reachability ({@link NetworkPolicyEvaluator.evaluate}).
 */
export class NetworkPolicyEvaluator {
  private readonly policies: Map<string, Policy[]>;
  private readonly compileProblems: string[] = [];

  constructor(private readonly model: ClusterModel) {
    this.policies = compilePolicies(model, this.compileProblems);
  }

  /** Whether an endpoint is isolated in a direction. */
  public isIsolated(endpoint: Endpoint, direction: Direction): boolean {
    return applicableRules(this.policies.get(endpoint.namespace), endpoint, direction).isolated;
  }

  /**
   * The ports on which `from` may connect to `to`, straight from the definition (one pair at a time).
   * The internet is never isolated; at least one side must be an endpoint.
   */
  public allowedPorts(from: Party, to: Party): PortSet {
    const egress = from === 'internet' ? PortSet.ALL : this.sidePorts(from, to, 'egress', to === 'internet' ? undefined : to);
    const ingress = to === 'internet' ? PortSet.ALL : this.sidePorts(to, from, 'ingress', to);
    return egress.intersect(ingress);
  }

  /** Whether `from` may connect to `to` on a numbered port (or, for unknown destination pods, a port name). */
  public allows(from: Party, to: Party, port: number | string, protocol: Protocol = 'TCP'): boolean {
    const ports = this.allowedPorts(from, to);
    if (typeof port === 'number') return ports.hasPort(protocol, port);
    if (ports.hasName(protocol, port)) return true;
    const named = to === 'internet' ? undefined : to.namedPorts.find((np) => np.name === port && np.protocol === protocol);
    return named !== undefined && ports.hasPort(protocol, named.port);
  }

  private sidePorts(self: Endpoint, other: Party, direction: Direction, destination: Endpoint | undefined): PortSet {
    const { isolated, rules } = applicableRules(this.policies.get(self.namespace), self, direction);
    if (!isolated) return PortSet.ALL;
    let set = PortSet.NONE;
    for (const rule of rules) {
      if (rule.peers === 'all' || rule.peers.some((p) => peerMatches(p, other, this.model))) set = set.union(rulePorts(rule, destination));
    }
    return set;
  }

  /** Every allowed path, the namespace matrix and the internet exposure (see the module comment for the cost). */
  public evaluate(options: EvaluateOptions = {}): Reachability {
    const maxPaths = options.maxPaths ?? 250_000;
    let truncated = false;
    const endpoints = this.model.endpoints;
    const n = endpoints.length;
    const resolver = new PeerResolver(this.model);
    const isolation: { ingress: boolean; egress: boolean }[] = [];

    // Ingress side, per destination: open (unisolated), ports open to every source, and explicit grants by source.
    const ingressOpen: boolean[] = new Array(n).fill(false);
    const ingressAll: PortSet[] = new Array(n).fill(PortSet.NONE);
    const ingressFromInternet: PortSet[] = new Array(n).fill(PortSet.NONE);
    const grantsBySource: (Map<number, PortSet> | undefined)[] = new Array(n);
    for (const b of endpoints) {
      const { isolated, rules } = applicableRules(this.policies.get(b.namespace), b, 'ingress');
      isolation[b.id] = { ingress: isolated, egress: false };
      if (!isolated) {
        ingressOpen[b.id] = true;
        ingressFromInternet[b.id] = PortSet.ALL;
        continue;
      }
      for (const rule of rules) {
        const ports = rulePorts(rule, b);
        if (ports.isEmpty) continue;
        if (rule.peers === 'all') {
          ingressAll[b.id] = ingressAll[b.id].union(ports);
          ingressFromInternet[b.id] = ingressFromInternet[b.id].union(ports);
          continue;
        }
        for (const peer of rule.peers) {
          if (peer.kind === 'internet') {
            if (peer.matches) ingressFromInternet[b.id] = ingressFromInternet[b.id].union(ports);
            continue;
          }
          for (const a of resolver.resolve(peer)) {
            const grants = (grantsBySource[a.id] ??= new Map());
            grants.set(b.id, (grants.get(b.id) ?? PortSet.NONE).union(ports));
          }
        }
      }
    }
    const openToAll = endpoints.filter((b) => ingressOpen[b.id] || !ingressAll[b.id].isEmpty).map((b) => b.id);

    const paths: Path[] = [];
    const toInternet: PortSet[] = new Array(n).fill(PortSet.NONE);
    const toMetadata: PortSet[] = new Array(n).fill(PortSet.NONE);
    const seen = new Int32Array(n).fill(-1);
    for (const a of endpoints) {
      if (paths.length >= maxPaths) {
        truncated = true;
        break;
      }
      const { isolated, rules } = applicableRules(this.policies.get(a.namespace), a, 'egress');
      isolation[a.id].egress = isolated;
      const explicit = new Map<number, PortSet>();
      const toEveryone: Rule[] = [];
      if (!isolated) {
        toInternet[a.id] = PortSet.ALL;
        toMetadata[a.id] = PortSet.ALL;
      }
      for (const rule of rules) {
        if (rule.peers === 'all') {
          toEveryone.push(rule);
          toInternet[a.id] = toInternet[a.id].union(rulePorts(rule, undefined));
          toMetadata[a.id] = toMetadata[a.id].union(rulePorts(rule, undefined));
          continue;
        }
        for (const peer of rule.peers) {
          if (peer.kind === 'internet') {
            if (peer.matches) toInternet[a.id] = toInternet[a.id].union(rulePorts(rule, undefined));
            if (peer.metadata) toMetadata[a.id] = toMetadata[a.id].union(rulePorts(rule, undefined));
            continue;
          }
          for (const d of resolver.resolve(peer)) explicit.set(d.id, (explicit.get(d.id) ?? PortSet.NONE).union(rulePorts(rule, d)));
        }
      }
      const grants = grantsBySource[a.id];
      const candidates: number[] = [...explicit.keys()];
      if (!isolated || toEveryone.length > 0) candidates.push(...openToAll, ...(grants?.keys() ?? []));
      const found: Path[] = [];
      for (const d of candidates) {
        if (seen[d] === a.id) continue;
        seen[d] = a.id;
        const to = endpoints[d];
        let egress = isolated ? explicit.get(d) ?? PortSet.NONE : PortSet.ALL;
        for (const rule of toEveryone) egress = egress.union(rulePorts(rule, to));
        if (egress.isEmpty) continue;
        const ingress = ingressOpen[d] ? PortSet.ALL : ingressAll[d].union(grants?.get(d) ?? PortSet.NONE);
        const ports = egress.intersect(ingress);
        if (!ports.isEmpty) found.push({ from: a, to, ports });
      }
      found.sort((x, y) => x.to.id - y.to.id);
      paths.push(...found);
    }

    const matrix = new Map<string, Map<string, PortSet>>();
    for (const ns of this.model.namespaces.keys()) matrix.set(ns, new Map());
    for (const p of paths) {
      const row = matrix.get(p.from.namespace)!;
      row.set(p.to.namespace, (row.get(p.to.namespace) ?? PortSet.NONE).union(p.ports));
    }
    const internetEgress = new Map<string, PortSet>();
    const internetIngress = new Map<string, PortSet>();
    const metadataEgress = new Map<string, PortSet>();
    for (const e of endpoints) {
      metadataEgress.set(e.namespace, (metadataEgress.get(e.namespace) ?? PortSet.NONE).union(toMetadata[e.id]));
      internetEgress.set(e.namespace, (internetEgress.get(e.namespace) ?? PortSet.NONE).union(toInternet[e.id]));
      internetIngress.set(e.namespace, (internetIngress.get(e.namespace) ?? PortSet.NONE).union(ingressFromInternet[e.id]));
    }
    const problems = [...this.compileProblems];
    if (truncated) problems.push(`more than ${maxPaths} allowed paths between pods: evaluation stopped early, the matrix is incomplete (pods that reach each other this widely are not isolated)`);
    return { paths, matrix, internetEgress, metadataEgress, internetIngress, isolation, problems, truncated };
  }
}

/** Shortcut: compile and evaluate a model. */
export function evaluateNetworkPolicies(model: ClusterModel, options: EvaluateOptions = {}): Reachability {
  return new NetworkPolicyEvaluator(model).evaluate(options);
}
