/**
 * What the isolation check reports: violations of the tenancy contract and the namespace matrix.
 *
 * The contract: a tenant namespace is a `Namespace` with the tenant label (`tenantLabel` of the facts file,
 * platform-facts.ts). No pod of a tenant namespace may reach a pod of another tenant namespace or of a billing
 * namespace (the facts file's `layers.billing`), on
 * any port; nor a pod of a namespace of the platform's components (the facts file's `tenantReach`) on a port
 * other than those that namespace offers tenants; and no pod of a namespace of the output (created or used by it, not one it only selects, such as
 * `kube-system`) may reach a cloud metadata address (`169.254.169.254`, `fd00:ec2::254`): those hand out the
 * node's cloud credentials.
 */
import { ClusterModel, Endpoint } from './cluster-model';
import { METADATA_ADDRESSES } from '../core/cidr';
import { Path, Reachability } from './network-policy-evaluator';
import { PortSet } from './port-set';
import { ReachPort, parseReachPort } from './platform-facts';

export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  /** One endpoint pair that has the path, for the message (absent for the metadata pseudo-node). */
  readonly example?: Path;
  /** One line: what is allowed, between what, and an example of pods. */
  readonly message: string;
}

function isTenant(model: ClusterModel, namespace: string): boolean {
  return model.namespaces.get(namespace)?.tenant !== undefined;
}

function describeEndpoint(e: Endpoint): string {
  const who = e.labels === undefined ? 'any pod of' : 'pods of';
  return `${who} ${e.origins[0]}${e.origins.length > 1 ? ` (+${e.origins.length - 1} more)` : ''}`;
}

/** The pseudo-node of the cloud metadata addresses in violations and in {@link namespaceReachability}. */
export const METADATA_NODE = 'metadata';

export interface ViolationOptions {
  /** Namespaces no tenant may reach: the facts file's billing namespaces (see platform-facts.ts). */
  readonly billingNamespaces: readonly string[];
  /** The platform's namespaces with the ports they offer tenants (the facts file's `tenantReach`). @default {} */
  readonly tenantReach?: Readonly<Record<string, readonly ReachPort[]>>;
}

/** The ports a platform namespace offers tenants, as a port set. */
function offered(ports: readonly ReachPort[]): PortSet {
  return ports.reduce((set: PortSet, p) => {
    const r = parseReachPort(p);
    return r ? set.union(PortSet.range(r.protocol, r.port)) : set;
  }, PortSet.NONE);
}

/** Every namespace pair that breaks the contract, with the ports allowed and an example. */
export function findViolations(model: ClusterModel, reachability: Reachability, options: ViolationOptions): Violation[] {
  const billing = new Set(options.billingNamespaces);
  const reach = new Map(Object.entries(options.tenantReach ?? {}).map(([ns, ports]) => [ns, offered(ports)]));
  const byPair = new Map<string, { from: string; to: string; ports: PortSet; example: Path }>();
  for (const p of reachability.paths) {
    const from = p.from.namespace;
    const to = p.to.namespace;
    if (!isTenant(model, from) || to === from) continue;
    // A platform namespace: only the ports beyond those it offers tenants.
    const ports = isTenant(model, to) || billing.has(to) ? p.ports : reach.has(to) ? p.ports.minus(reach.get(to)!) : PortSet.NONE;
    if (ports.isEmpty) continue;
    const key = `${from}\u0000${to}`;
    const found = byPair.get(key);
    if (found) found.ports = found.ports.union(ports);
    else byPair.set(key, { from, to, ports, example: p });
  }
  const pairs: Violation[] = [...byPair.values()].map((v) => {
    const what = billing.has(v.to)
      ? 'tenant namespace reaches the billing namespace'
      : isTenant(model, v.to)
        ? 'tenant namespace reaches another tenant namespace'
        : `tenant namespace reaches a platform namespace beyond the ports it offers tenants (${reach.get(v.to)!.isEmpty ? 'none' : reach.get(v.to)!.describe()})`;
    const message = `${v.from} -> ${v.to}: ${what} on ${v.ports.describe()}, e.g. from ${describeEndpoint(v.example.from)} to ${describeEndpoint(v.example.to)}`;
    return { ...v, message };
  });
  const metadata: Violation[] = [];
  for (const [from, ports] of reachability.metadataEgress) {
    if (ports.isEmpty || model.namespaces.get(from)?.origin === 'external') continue;
    metadata.push({ from, to: METADATA_NODE, ports, message: `${from} -> ${METADATA_NODE}: a namespace of the output reaches the cloud metadata addresses (${METADATA_ADDRESSES.join(', ')}) on ${ports.describe()}` });
  }
  return [...pairs, ...metadata].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

/**
 * Namespace-level reachability of an evaluated model, as `"from->to"` strings: one per namespace pair with a
 * path on some port, plus `"<ns>->internet"`, `"internet-><ns>"` and `"<ns>->metadata"` for the pseudo-nodes.
 */
export function reachabilityPairs(reachability: Reachability): Set<string> {
  const out = new Set<string>();
  for (const [from, row] of reachability.matrix) for (const [to, ports] of row) if (!ports.isEmpty) out.add(`${from}->${to}`);
  for (const [ns, ports] of reachability.internetEgress) if (!ports.isEmpty) out.add(`${ns}->internet`);
  for (const [ns, ports] of reachability.internetIngress) if (!ports.isEmpty) out.add(`internet->${ns}`);
  for (const [ns, ports] of reachability.metadataEgress) if (!ports.isEmpty) out.add(`${ns}->${METADATA_NODE}`);
  return new Set([...out].sort());
}

export interface MatrixOptions {
  /**
   * Above this many tenant namespaces, tenants are shown as classes of tenants that look alike.
   * @default 20
   */
  readonly collapseAbove?: number;
}

function cell(ports: PortSet | undefined): string {
  return ports && !ports.isEmpty ? ports.describe() : '-';
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The namespace reachability matrix as markdown: rows are sources, columns destinations, a cell lists
 * the ports on which some pod of the row may connect to some pod of the column (`-`: none). The last
 * column is the internet (see ip-block.ts). Namespaces without pods are listed below the table.
 */
export function renderMatrix(model: ClusterModel, reachability: Reachability, options: MatrixOptions = {}): string {
  const collapseAbove = options.collapseAbove ?? 20;
  const withPods = new Set(model.endpoints.map((e) => e.namespace));
  const names = [...model.namespaces.keys()];
  const tenants = names.filter((n) => isTenant(model, n));
  const others = names.filter((n) => !isTenant(model, n) && withPods.has(n));
  const m = reachability.matrix;
  const get = (from: string, to: string) => m.get(from)?.get(to);
  const lines: string[] = [];

  if (tenants.length <= collapseAbove) {
    const shown = names.filter((n) => withPods.has(n));
    const label = (n: string) => (isTenant(model, n) ? `${n} (tenant)` : n);
    lines.push(table(['from \\ to', ...shown.map(label), 'internet'], shown.map((f) => [label(f), ...shown.map((t) => cell(get(f, t))), cell(reachability.internetEgress.get(f))])));
  } else {
    // Tenants look alike when their row and column against the other namespaces are the same.
    const crossOut = new Map<string, Map<string, PortSet>>(); // tenant -> other tenant -> ports
    for (const t of tenants) {
      for (const [to, ports] of m.get(t) ?? []) {
        if (to !== t && isTenant(model, to)) {
          const row = crossOut.get(t) ?? new Map<string, PortSet>();
          row.set(to, ports);
          crossOut.set(t, row);
        }
      }
    }
    const groups = new Map<string, string[]>();
    for (const t of tenants) {
      const signature = [
        ...others.map((o) => cell(get(t, o))),
        cell(get(t, t)),
        cell(reachability.internetEgress.get(t)),
        ...others.map((o) => cell(get(o, t))),
        withPods.has(t) ? 'pods' : 'no pods',
      ].join('\u0000');
      groups.set(signature, [...(groups.get(signature) ?? []), t]);
    }
    const groupList = [...groups.values()];
    const groupOf = new Map<string, number>();
    groupList.forEach((g, i) => g.forEach((t) => groupOf.set(t, i)));
    const groupLabel = (i: number) =>
      groupList.length === 1 ? `tenant (each of ${groupList[i].length})` : `tenant class ${i + 1} (each of ${groupList[i].length})`;
    const header = ['from \\ to', ...others, ...groupList.map((_, i) => groupLabel(i)), 'internet'];
    const rows: string[][] = others.map((o) => [o, ...others.map((t) => cell(get(o, t))), ...groupList.map((g) => cell(get(o, g[0]))), cell(reachability.internetEgress.get(o))]);
    groupList.forEach((g, i) => {
      const first = g[0];
      const row = [groupLabel(i), ...others.map((o) => cell(get(first, o)))];
      groupList.forEach((h, j) => {
        let cross = PortSet.NONE;
        for (const t of g) for (const [to, ports] of crossOut.get(t) ?? []) if (groupOf.get(to) === j) cross = cross.union(ports);
        if (i === j) row.push(`itself: ${cell(get(first, first))}; other tenants: ${cell(cross)}`);
        else row.push(cell(cross));
        void h;
      });
      row.push(cell(reachability.internetEgress.get(first)));
      rows.push(row);
    });
    lines.push(table(header, rows));
    if (groupList.length > 1) {
      lines.push('', 'Tenant classes:');
      groupList.forEach((g, i) => lines.push(`- class ${i + 1}: ${g.slice(0, 10).join(', ')}${g.length > 10 ? `, ... (${g.length} in all)` : ''}`));
    }
  }

  const crossTenant = reachability.paths.some((p) => p.from.namespace !== p.to.namespace && isTenant(model, p.from.namespace) && isTenant(model, p.to.namespace));
  lines.push('');
  if (tenants.length > 0) {
    lines.push(
      crossTenant
        ? `Some tenant namespace reaches another tenant namespace: isolation between tenants does NOT hold (${tenants.length} tenant namespaces).`
        : `Each tenant namespace reaches only itself: there is no path from one tenant namespace to another (${tenants.length} tenant namespaces).`,
    );
  }
  const toMetadata = [...reachability.metadataEgress].filter(([, p]) => !p.isEmpty).map(([n]) => n);
  const ours = toMetadata.filter((n) => model.namespaces.get(n)?.origin !== 'external');
  const outside = toMetadata.filter((n) => model.namespaces.get(n)?.origin === 'external');
  const list = (xs: string[]) => `${xs.slice(0, 20).join(', ')}${xs.length > 20 ? `, ... (${xs.length} in all)` : ''}`;
  lines.push(
    `Cloud metadata (${METADATA_ADDRESSES.join(', ')}): ${ours.length === 0 ? 'reachable from no namespace of the output' : `reachable from ${list(ours)}`}` +
      `${outside.length > 0 ? `; namespaces outside the output (pods unknown, not checked): ${list(outside)}` : ''}.`,
  );
  const shared = [...new Set(reachability.paths.filter((p) => isTenant(model, p.from.namespace) && !isTenant(model, p.to.namespace)).map((p) => p.to.namespace))]
    .filter((ns) => tenants.length > 1 && tenants.every((t) => reachability.paths.some((p) => p.from.namespace === t && p.to.namespace === ns)))
    .sort();
  if (shared.length > 0) {
    lines.push(`Every tenant reaches ${shared.join(', ')}: there, tenants are not kept apart by the network. A service there that gives every tenant the same credential (the shared Redis: one password for all tenants) is a shared trust domain, an accepted risk of the runbook's design.`);
  }
  const noPods = names.filter((n) => !withPods.has(n));
  if (noPods.length > 0) lines.push(`Namespaces without modelled pods (not in the table): ${noPods.slice(0, 20).join(', ')}${noPods.length > 20 ? `, ... (${noPods.length} in all)` : ''}.`);
  return `${lines.join('\n')}\n`;
}
