/**
 * `ARCHITECTURE.md`: Mermaid diagrams of the output, made from the rendered objects themselves:
 * the folders (layers) with their releases and the order between them, and the network paths the
 * NetworkPolicies allow (namespace to namespace, from the policies' ingress peers).
 *
 * Tenants are drawn once, as `tenants/<tenant>/...` (the shape of the first tenant by name, its name and
 * namespace masked), with one node saying how many tenants there are: the page stays readable, its size
 * does not grow with the number of tenants, and adding a tenant changes only that count (nothing
 * rotates or reorders for the other tenants).
 */
import { RenderedFolder, FolderUnit } from '../core/folders';
import { RELEASE_KINDS } from '../flavors/index';

function id(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

function releasesOf(folder: RenderedFolder): Record<string, any>[] {
  return folder.files.flatMap((f) => f.objects).filter((o) => RELEASE_KINDS.has(o.kind));
}

/** The page. */
export function architectureMarkdown(folders: readonly RenderedFolder[], nodes: readonly FolderUnit[]): string {
  const byPath = new Map(folders.map((f) => [f.path, f]));
  const tenants = [...new Set(nodes.flatMap((n) => (n.tenant ? [n.tenant] : [])))].sort();
  const representative = tenants[0];
  const drawn = nodes.filter((n) => !n.tenant || n.tenant === representative);
  const drawnPaths = new Set(drawn.map((n) => n.path));
  const tenantNamespaces = new Map<string, string>();
  for (const node of nodes) {
    if (!node.tenant) continue;
    for (const o of byPath.get(node.path)!.files.flatMap((f) => f.objects)) if (o.kind === 'Namespace') tenantNamespaces.set(o.metadata.name, node.tenant);
  }
  // The representative tenant's name and namespace are masked, so the drawing is the same whichever it is.
  const shownPath = (path: string) => (representative && path.startsWith(`tenants/${representative}/`) ? `tenants/<tenant>/${path.slice(`tenants/${representative}/`.length)}` : path);
  const shownNamespace = (ns: string) => (tenantNamespaces.has(ns) ? '<tenant>' : ns);

  const layers: string[] = ['flowchart LR'];
  for (const node of drawn) {
    const folder = byPath.get(node.path)!;
    const path = shownPath(node.path);
    layers.push(`  subgraph ${id(path)}["${path}/"]`);
    const releases = releasesOf(folder);
    if (releases.length === 0) layers.push(`    ${id(path)}_objects["${folder.files.reduce((n, f) => n + f.objects.length, 0)} objects"]`);
    for (const r of releases) layers.push(`    ${id(`${path}/${shownNamespace(r.metadata.namespace)}/${r.metadata.name}`)}["${r.kind} ${shownNamespace(r.metadata.namespace)}/${r.metadata.name}"]`);
    layers.push('  end');
  }
  if (representative) layers.push(`  tenants_count["${tenants.length} tenant${tenants.length === 1 ? '' : 's'}, each with the folders of tenants/<tenant>/"]`);
  for (const node of drawn) for (const dep of node.dependsOn) if (drawnPaths.has(dep)) layers.push(`  ${id(shownPath(dep))} --> ${id(shownPath(node.path))}`);
  // Release-level waits (Flux HelmRelease dependsOn) inside the drawn folders.
  const releaseIds = new Map<string, string>();
  for (const node of drawn) for (const r of releasesOf(byPath.get(node.path)!)) releaseIds.set(`${r.metadata.namespace}/${r.metadata.name}`, id(`${shownPath(node.path)}/${shownNamespace(r.metadata.namespace)}/${r.metadata.name}`));
  for (const node of drawn) {
    for (const r of releasesOf(byPath.get(node.path)!)) {
      for (const d of (r.spec?.dependsOn ?? []) as Array<{ name: string; namespace?: string }>) {
        const from = releaseIds.get(`${d.namespace ?? r.metadata.namespace}/${d.name}`);
        if (from) layers.push(`  ${from} -.-> ${releaseIds.get(`${r.metadata.namespace}/${r.metadata.name}`)}`);
      }
    }
  }

  // Network paths: namespace-level edges from the ingress peers of every NetworkPolicy.
  const label = (ns: string): string | undefined => (tenantNamespaces.has(ns) ? 'tenant_namespaces' : `ns_${id(ns)}`);
  const nsNames = new Map<string, string>();
  const edges = new Set<string>();
  const selectors = new Map<string, string>();
  const note = (ns: string): string => {
    const l = label(ns)!;
    nsNames.set(l, l === 'tenant_namespaces' ? `each tenant namespace (${tenantNamespaces.size})` : ns);
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
