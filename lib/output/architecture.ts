/**
 * `ARCHITECTURE.md`: Mermaid diagrams of the output, made from the rendered objects themselves:
 * the folders (layers) with their releases and the order between them, and the network paths the
 * NetworkPolicies allow (namespace to namespace, from the policies' ingress peers).
 *
 * With many tenants only the first three (by name) are drawn, and one node stands for the rest, so
 * the page stays readable and its size does not grow with the number of tenants.
 */
import { FolderNode } from '../gitops/layout';
import { RenderedFolder } from './write-tree';

/** Tenants drawn in full. */
const SHOWN_TENANTS = 3;

function id(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

function releasesOf(folder: RenderedFolder): Record<string, any>[] {
  return folder.files.flatMap((f) => f.objects).filter((o) => ['HelmRelease', 'HelmChart'].includes(o.kind) || (o.kind === 'Application' && o.spec?.source?.chart));
}

/** The page. */
export function architectureMarkdown(folders: readonly RenderedFolder[], nodes: readonly FolderNode[]): string {
  const byPath = new Map(folders.map((f) => [f.path, f]));
  const tenants = [...new Set(nodes.flatMap((n) => (n.tenant ? [n.tenant] : [])))].sort();
  const shown = new Set(tenants.slice(0, SHOWN_TENANTS));
  const hidden = tenants.length - shown.size;
  const drawn = nodes.filter((n) => !n.tenant || shown.has(n.tenant));
  const drawnPaths = new Set(drawn.map((n) => n.path));

  const layers: string[] = ['flowchart LR'];
  for (const node of drawn) {
    const folder = byPath.get(node.path)!;
    layers.push(`  subgraph ${id(node.path)}["${node.path}/"]`);
    const releases = releasesOf(folder);
    if (releases.length === 0) layers.push(`    ${id(node.path)}_objects["${folder.files.reduce((n, f) => n + f.objects.length, 0)} objects"]`);
    for (const r of releases) layers.push(`    ${id(`${node.path}/${r.metadata.namespace}/${r.metadata.name}`)}["${r.kind} ${r.metadata.namespace}/${r.metadata.name}"]`);
    layers.push('  end');
  }
  if (hidden > 0) layers.push(`  more_tenants["... ${hidden} more tenant${hidden === 1 ? '' : 's'} (same folders)"]`);
  for (const node of drawn) for (const dep of node.dependsOn) if (drawnPaths.has(dep)) layers.push(`  ${id(dep)} --> ${id(node.path)}`);
  if (hidden > 0 && byPath.has('server')) layers.push('  server --> more_tenants');
  // Release-level waits (Flux HelmRelease dependsOn) inside the drawn folders.
  const releaseIds = new Map<string, string>();
  for (const node of drawn) for (const r of releasesOf(byPath.get(node.path)!)) releaseIds.set(`${r.metadata.namespace}/${r.metadata.name}`, id(`${node.path}/${r.metadata.namespace}/${r.metadata.name}`));
  for (const node of drawn) {
    for (const r of releasesOf(byPath.get(node.path)!)) {
      for (const d of (r.spec?.dependsOn ?? []) as Array<{ name: string; namespace?: string }>) {
        const from = releaseIds.get(`${d.namespace ?? r.metadata.namespace}/${d.name}`);
        if (from) layers.push(`  ${from} -.-> ${releaseIds.get(`${r.metadata.namespace}/${r.metadata.name}`)}`);
      }
    }
  }

  // Network paths: namespace-level edges from the ingress peers of every NetworkPolicy.
  const tenantNamespaces = new Map<string, string>();
  for (const node of nodes) {
    if (!node.tenant) continue;
    for (const o of byPath.get(node.path)!.files.flatMap((f) => f.objects)) if (o.kind === 'Namespace') tenantNamespaces.set(o.metadata.name, node.tenant);
  }
  const label = (ns: string): string | undefined => {
    const tenant = tenantNamespaces.get(ns);
    if (tenant && !shown.has(tenant)) return 'more_tenant_namespaces';
    return `ns_${id(ns)}`;
  };
  const nsNames = new Map<string, string>();
  const edges = new Set<string>();
  const selectors = new Map<string, string>();
  const note = (ns: string): string => {
    const l = label(ns)!;
    nsNames.set(l, l === 'more_tenant_namespaces' ? `... ${hidden} more tenant namespaces` : ns);
    return l;
  };
  for (const o of folders.flatMap((f) => f.files.flatMap((file) => file.objects))) {
    if (o.kind !== 'NetworkPolicy') continue;
    const to = note(o.metadata.namespace);
    for (const rule of (o.spec?.ingress ?? []) as Array<{ from?: Array<Record<string, any>> }>) {
      for (const peer of rule.from ?? [{}]) {
        let from: string;
        if (peer.ipBlock) {
          nsNames.set('outside', `outside the cluster (${peer.ipBlock.cidr})`);
          from = 'outside';
        } else if (peer.namespaceSelector) {
          const name = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
          if (name) from = note(name);
          else {
            const sel = JSON.stringify(peer.namespaceSelector.matchLabels ?? peer.namespaceSelector);
            from = selectors.get(sel) ?? `selector_${selectors.size + 1}`;
            selectors.set(sel, from);
            nsNames.set(from, `namespaces matching ${sel.replace(/"/g, "'")}`);
          }
        } else from = to;
        if (from !== to) edges.add(`  ${from} --> ${to}`);
      }
    }
  }
  const network = ['flowchart LR', ...[...nsNames].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  ${k}["${v}"]`), ...[...edges].sort()];

  return [
    '# Architecture of this output',
    '',
    'Generated by `npm run synth` from the objects in this folder; do not edit.',
    '',
    '## Layers, releases and order',
    '',
    'Each box is a folder (applied as one unit: a Flux Kustomization, an Argo CD Application, or one line of `apply-order.txt`).',
    'Solid arrows: the folder waits for the other to be ready. Dotted arrows: a release waits for another release.',
    '',
    '```mermaid',
    ...layers,
    '```',
    '',
    '## Allowed network paths',
    '',
    'Ingress allowed by the NetworkPolicies, namespace to namespace (every namespace of this output denies other ingress; pods reach their own namespace).',
    '',
    '```mermaid',
    ...network,
    '```',
    '',
  ].join('\n');
}
