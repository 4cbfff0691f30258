/**
 * The risks of a change, each with the objects that cause it (see README "Reviewing changes").
 */
import { readRelease } from '../../flavors/index';
import { KubeObject } from '../../analysis/manifests';
import { podTemplateOf } from '../../analysis/cluster-model';
import { Comparison, ObjectRef } from './compare';
import { PlatformFacts } from '../../analysis/platform-facts';
import { namespaceReachability } from './reachability';

export interface Finding {
  readonly kind: 'removed' | 'network-widened' | 'rbac-widened' | 'token-mounted' | 'pod-security-lowered' | 'privileged' | 'root' | 'jobs-rerun' | 'version-changed' | 'floating-version' | 'secret-unprovided';
  readonly message: string;
  readonly objects: readonly string[];
}

export interface Assessment {
  readonly risks: readonly Finding[];
  readonly info: readonly string[];
}

const describe = (r: ObjectRef) => `${r.object.kind} ${r.object.metadata.namespace ? `${r.object.metadata.namespace}/` : ''}${r.object.metadata.name} (${r.file})`;

/** What of an object the network model reads; equal fingerprints on both sides mean unchanged reachability. */
function networkFingerprint(o: KubeObject): string | undefined {
  if (o.kind === 'Namespace') return `ns ${o.metadata.name} ${JSON.stringify(o.metadata.labels ?? {})}`;
  if (o.kind === 'NetworkPolicy') return `np ${o.metadata.namespace}/${o.metadata.name} ${JSON.stringify(o.spec ?? {})}`;
  const release = readRelease(o);
  if (release) return `rel ${o.kind} ${o.metadata.namespace} ${release.targetNamespace ?? ''}`;
  const t = podTemplateOf(o);
  if (!t) return undefined;
  const ports = [...(t.spec?.containers ?? []), ...(t.spec?.initContainers ?? [])].flatMap((c: any) => (c?.ports ?? []).map((p: any) => `${p?.name}:${p?.containerPort}/${p?.protocol ?? 'TCP'}`)).sort();
  return `pod ${o.metadata.namespace} ${JSON.stringify(Object.entries(t.metadata?.labels ?? {}).sort())} ${ports.join(',')}`;
}

function rbacTuples(o: KubeObject | undefined): Set<string> {
  const out = new Set<string>();
  for (const r of o?.rules ?? []) {
    for (const g of r?.apiGroups ?? ['']) for (const res of r?.resources ?? r?.nonResourceURLs ?? []) for (const v of r?.verbs ?? []) for (const n of r?.resourceNames?.length ? r.resourceNames : ['*']) out.add(`${v} ${g ? `${g}/` : ''}${res}${n === '*' ? '' : `/${n}`}`);
  }
  return out;
}
function subjects(o: KubeObject | undefined): Set<string> {
  return new Set((o?.subjects ?? []).map((s: any) => `${s?.kind} ${s?.namespace ? `${s.namespace}/` : ''}${s?.name} -> ${o?.roleRef?.kind} ${o?.roleRef?.name}`));
}

const PSS = ['privileged', 'baseline', 'restricted'];
function pssLevel(o: KubeObject | undefined): number {
  const v = o?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  const i = PSS.indexOf(v ?? 'privileged');
  return i < 0 ? 0 : i;
}

interface ContainerFacts { privileged: boolean; root: boolean; images: Map<string, string>; token: boolean; secrets: Set<string> }
function containerFacts(o: KubeObject | undefined): ContainerFacts {
  const facts: ContainerFacts = { privileged: false, root: false, images: new Map(), token: false, secrets: new Set() };
  const t = o ? podTemplateOf(o) : undefined;
  if (!t) return facts;
  const spec = t.spec ?? {};
  const ns = o!.metadata.namespace ?? 'default';
  facts.token = spec.automountServiceAccountToken === true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c?.securityContext ?? {};
    if (sc.privileged === true) facts.privileged = true;
    const user = sc.runAsUser ?? spec.securityContext?.runAsUser;
    const nonRoot = sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
    if (user === 0 || (nonRoot !== true && user === undefined)) facts.root = true;
    if (typeof c?.image === 'string') facts.images.set(String(c.name), c.image);
    for (const e of c?.env ?? []) if (e?.valueFrom?.secretKeyRef?.name) facts.secrets.add(`${ns}/${e.valueFrom.secretKeyRef.name}`);
    for (const e of c?.envFrom ?? []) if (e?.secretRef?.name) facts.secrets.add(`${ns}/${e.secretRef.name}`);
  }
  for (const v of spec.volumes ?? []) if (v?.secret?.secretName) facts.secrets.add(`${ns}/${v.secret.secretName}`);
  for (const s of spec.imagePullSecrets ?? []) if (s?.name) facts.secrets.add(`${ns}/${s.name}`);
  return facts;
}

function releaseSecrets(o: KubeObject | undefined): Set<string> {
  const out = new Set<string>();
  if (o?.kind !== 'HelmRelease') return out;
  for (const v of o.spec?.valuesFrom ?? []) if (v?.kind === 'Secret' && v?.name) out.add(`${o.metadata.namespace}/${v.name}`);
  return out;
}

function chartVersion(o: KubeObject | undefined): string | undefined {
  const release = o ? readRelease(o) : undefined;
  if (!release || (o?.kind === 'Application' && !o.spec?.source?.chart)) return undefined;
  return release.chartVersion ?? '(none: latest)';
}
export function isFloatingVersion(v: string): boolean {
  return v.startsWith('(none') || /[*xX^~><|]/.test(v) || v === 'latest';
}
export function isFloatingImage(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const last = image.split('/').pop() ?? '';
  return !last.includes(':') || last.endsWith(':latest');
}

/** Namespace/name of every Secret someone provides: the inventory, Secret objects, ExternalSecret targets. */
export function providedSecrets(inventory: string | undefined, objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  if (inventory) for (const s of (JSON.parse(inventory).secrets ?? []) as any[]) out.add(`${s.namespace}/${s.name}`);
  for (const o of objects) {
    if (o.kind === 'Secret') out.add(`${o.metadata.namespace}/${o.metadata.name}`);
    if (o.kind === 'ExternalSecret') out.add(`${o.metadata.namespace}/${o.spec?.target?.name ?? o.metadata.name}`);
  }
  return out;
}

export interface AssessInput {
  readonly comparison: Comparison;
  readonly tenantsAdded: ReadonlySet<string>;
  readonly tenantsRemoved: ReadonlySet<string>;
  readonly headInventory?: string;
  /** Namespaces of every tenant of the head (the tenant label). */
  readonly tenantNamespaces: ReadonlySet<string>;
  /** The facts file of each tree (platform-facts.ts). */
  readonly facts: { readonly base: PlatformFacts; readonly head: PlatformFacts };
}

/** Whether an object carries the GitOps tools' prune guard (Flux `prune: disabled`, Argo CD `Prune=false`). */
function hasPruneGuard(object: any): boolean {
  const a = object?.metadata?.annotations ?? {};
  return a['kustomize.toolkit.fluxcd.io/prune'] === 'disabled' || /(^|,)\s*Prune=false/.test(a['argocd.argoproj.io/sync-options'] ?? '');
}

/** Names every risk of the comparison. */
export function assess({ comparison: c, tenantsAdded, tenantsRemoved, headInventory, tenantNamespaces, facts }: AssessInput): Assessment {
  const risks: Finding[] = [];
  const info: string[] = [];
  const add = (kind: Finding['kind'], message: string, objects: string[]) => risks.push({ kind, message, objects });

  // Removals.
  for (const t of tenantsRemoved) {
    const namespaces = c.removed.filter((r) => r.tenant === t && r.object.kind === 'Namespace');
    const guarded = namespaces.length > 0 && namespaces.every((r) => hasPruneGuard(r.object));
    const what = guarded ? 'its workloads are uninstalled; its namespace carries the prune guard and stays, with its data, until deleted on purpose' : 'its namespace and data go with prune';
    add('removed', `tenant ${t} removed (${what})`, namespaces.map(describe));
  }
  const removedData = c.removed.filter((r) => (r.object.kind === 'Namespace' && !(r.tenant && tenantsRemoved.has(r.tenant))) || r.object.kind === 'PersistentVolumeClaim');
  if (removedData.length > 0) add('removed', `${removedData.length} Namespace/PersistentVolumeClaim object(s) removed (data loss with prune)`, removedData.map(describe));

  // Network, only when something the network model reads changed.
  const fp = (refs: readonly ObjectRef[]) => refs.map((r) => networkFingerprint(r.object)).filter((x): x is string => x !== undefined).sort().join('\n');
  const baseFp = fp([...c.removed, ...c.changed.map((x) => x.base)]);
  const headFp = fp([...c.added, ...c.changed.map((x) => x.head)]);
  if (baseFp !== headFp) {
    const all = c.all();
    const before = namespaceReachability(all.base, facts.base);
    const after = namespaceReachability(all.head, facts.head);
    const widened = [...after.connections].filter(([k]) => !before.connections.has(k));
    const narrowed = [...before.connections].filter(([k]) => !after.connections.has(k));
    // A new tenant's own connections to platform namespaces or the internet are what every tenant has: information.
    // Anything between two tenants, or not involving a new tenant, is a risk.
    // A connection into a billing namespace (of the head's facts) is never an added tenant's own.
    const isTenant = (n: string) => tenantNamespaces.has(n);
    const billing = new Set(facts.head.billingNamespaces);
    const own = (k: string) => {
      const [from, to] = k.split(' -> ');
      return (tenantsAdded.has(from) && !isTenant(to) && !billing.has(to)) || (tenantsAdded.has(to) && !isTenant(from));
    };
    const risky = widened.filter(([k]) => !own(k));
    if (risky.length > 0) add('network-widened', `network reachability widened: ${risky.length} namespace connection(s) allowed in head but not in base`, risky.map(([k, p]) => `${k}: ${p}`));
    const mine = widened.filter(([k]) => own(k));
    if (mine.length > 0) info.push(`${mine.length} new connection(s) of added tenants with platform namespaces or the internet: ${mine.map(([k]) => k).join(', ')}`);
    if (narrowed.length > 0) info.push(`network reachability narrowed: ${narrowed.map(([k]) => k).join(', ')}`);
    for (const p of after.problems) if (!before.problems.includes(p)) info.push(`network evaluator (head): ${p}`);
  }

  // The facts the checks read (tenant label, each layer's namespaces) changed: say how.
  if (facts.base.tenantLabel !== facts.head.tenantLabel) info.push(`platform facts: tenantLabel ${facts.base.tenantLabel} -> ${facts.head.tenantLabel}`);
  for (const layer of [...new Set([...Object.keys(facts.base.layers), ...Object.keys(facts.head.layers)])].sort()) {
    const before = (facts.base.layers[layer] ?? []).join(', ') || '(none)';
    const after = (facts.head.layers[layer] ?? []).join(', ') || '(none)';
    if (before !== after) info.push(`platform facts: layers.${layer} ${before} -> ${after}`);
  }

  // Objects of added tenants come from the same program as every other tenant's: their RBAC and pods are not risks.
  const pairs: { base?: ObjectRef; head: ObjectRef }[] = [...c.changed, ...c.added.filter((a) => !a.tenant || !tenantsAdded.has(a.tenant)).map((head) => ({ head }))];
  const provided = providedSecrets(headInventory, [...c.added, ...c.changed.map((x) => x.head)].map((r) => r.object));
  const reruns = new Map<string, string[]>();
  for (const { base, head } of pairs) {
    const a = base?.object;
    const b = head.object;
    if (/^(Cluster)?Role$/.test(b.kind)) {
      const before = rbacTuples(a);
      const grew = [...rbacTuples(b)].filter((t) => !before.has(t));
      if (grew.length > 0) add('rbac-widened', `RBAC widened in ${b.kind} ${b.metadata.name}: ${grew.some((g) => g.includes('*')) ? 'WILDCARD; ' : ''}${grew.join(', ')}`, [describe(head)]);
    }
    if (/^(Cluster)?RoleBinding$/.test(b.kind)) {
      const before = subjects(a);
      const grew = [...subjects(b)].filter((t) => !before.has(t));
      if (grew.length > 0) add('rbac-widened', `new binding: ${grew.join(', ')}`, [describe(head)]);
    }
    if (b.kind === 'ServiceAccount' && b.automountServiceAccountToken !== false && (a === undefined || a.automountServiceAccountToken === false)) add('token-mounted', `ServiceAccount ${b.metadata.namespace}/${b.metadata.name} mounts its token by default`, [describe(head)]);
    if (b.kind === 'Namespace' && pssLevel(b) < pssLevel(a ?? { ...b, metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } as KubeObject) && (a !== undefined || pssLevel(b) < 2)) {
      add('pod-security-lowered', `Pod Security of namespace ${b.metadata.name}: ${a ? PSS[pssLevel(a)] : '(new)'} -> ${PSS[pssLevel(b)]}`, [describe(head)]);
    }
    const fa = containerFacts(a);
    const fb = containerFacts(b);
    if (fb.privileged && !fa.privileged) add('privileged', `${b.kind} ${b.metadata.name} runs a privileged container`, [describe(head)]);
    if (fb.root && !fa.root) add('root', `${b.kind} ${b.metadata.name} may run a container as root (no runAsNonRoot, or runAsUser 0)`, [describe(head)]);
    if (fb.token && !fa.token && a !== undefined) add('token-mounted', `${b.kind} ${b.metadata.name} newly mounts its ServiceAccount token`, [describe(head)]);
    for (const [name, image] of fb.images) {
      const old = fa.images.get(name);
      if (old !== undefined && old !== image) add('version-changed', `image of ${b.kind} ${b.metadata.name} container ${name}: ${old} -> ${image}`, [describe(head)]);
      if (isFloatingImage(image) && !(old !== undefined && isFloatingImage(old))) add('floating-version', `floating image ${image} in ${b.kind} ${b.metadata.name} container ${name}`, [describe(head)]);
    }
    const va = chartVersion(a);
    const vb = chartVersion(b);
    if (vb !== undefined) {
      if (va !== undefined && va !== vb) add('version-changed', `chart version of ${b.kind} ${b.metadata.namespace}/${b.metadata.name}: ${va} -> ${vb}`, [describe(head)]);
      if (isFloatingVersion(vb) && !(va !== undefined && isFloatingVersion(va))) add('floating-version', `floating chart version "${vb}" in ${b.kind} ${b.metadata.namespace}/${b.metadata.name}`, [describe(head)]);
    }
    if (b.kind === 'Job' && base && base.object.metadata.name !== b.metadata.name) {
      const group = b.metadata.labels?.['app.kubernetes.io/name'] ?? 'job';
      reruns.set(group, [...(reruns.get(group) ?? []), `${describe(base)} -> ${b.metadata.name}`]);
    }
  }
  for (const [group, jobs] of reruns) add('jobs-rerun', `${jobs.length} ${group} Job(s) will run again (their hashed names changed)`, jobs);

  // Secret references added that no one provides (any added or changed object, new tenants included).
  const allHead = [...c.added, ...c.changed.map((x) => x.head)];
  for (const head of allHead) {
    const base = c.changed.find((x) => x.head === head)?.base;
    const before = new Set([...containerFacts(base?.object).secrets, ...releaseSecrets(base?.object)]);
    const refs = [...containerFacts(head.object).secrets, ...releaseSecrets(head.object)].filter((s) => !before.has(s) && !provided.has(s));
    if (refs.length > 0) add('secret-unprovided', `${head.object.kind} ${head.object.metadata.name} references Secret(s) that no one provides (not in secrets-inventory.json): ${refs.join(', ')}`, [describe(head)]);
  }
  return { risks, info };
}

