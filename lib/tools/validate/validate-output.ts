/**
 * Checks a whole output tree: every object against its schema, namespaces, duplicates, references
 * between objects, and each folder's `kustomization.yaml`. Pure: works on parsed objects.
 * Every message names the file, the object (`Kind namespace/name`) and the field path.
 * Linear in the number of objects (indexes first, then one pass).
 */
import { CoreSchemas, checkMetadata } from './core-schemas';
import { CORE_CLUSTER_SCOPED_KINDS } from '../../core/kinds';
import { CrdKind } from './crd-schemas';
import { FACTS_FILE, FactsResult, PlatformFacts } from '../../analysis/platform-facts';
import { peerNamespaceNames } from '../../analysis/cluster-model';
import { checkValue } from './structural';

/** One object and the file it is in (relative to the output folder). */
export interface OutputObject {
  readonly file: string;
  readonly object: Record<string, any>;
}

/** A folder with a `kustomization.yaml`. */
export interface OutputFolderFiles {
  /** `resources` of its kustomization.yaml. */
  readonly resources: readonly string[];
  /** The YAML files in it, other than kustomization.yaml. */
  readonly files: readonly string[];
}

/** An object the output refers to and the cluster provides (see external-objects.json). */
export interface ExternalRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Command-line flags its containers must have. @default - none */
  readonly requiredFlags?: readonly string[];
}

/** A Secret of the inventory. */
export interface InventorySecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}

export interface OutputTree {
  readonly objects: readonly OutputObject[];
  /** Folder path (relative, `/`-separated) to its files. */
  readonly folders: ReadonlyMap<string, OutputFolderFiles>;
  readonly secrets: readonly InventorySecret[];
  readonly external: readonly ExternalRef[];
  /** Files or documents that could not be read (`<file>#<index>: <what is wrong>`). */
  readonly readProblems: readonly string[];
  /** The output's `platform-facts.json`, as read (platform-facts.ts). */
  readonly facts: FactsResult;
}

export interface Schemas {
  readonly core: CoreSchemas;
  /** `group/version/kind` to CRD schema. */
  readonly crds: ReadonlyMap<string, CrdKind>;
}

/** ClusterRoles every cluster has. */
const BUILTIN_CLUSTER_ROLES = new Set(['admin', 'edit', 'view', 'cluster-admin']);

function describe(o: Record<string, any>): string {
  const ns = o?.metadata?.namespace;
  return `${o?.kind ?? '(no kind)'} ${ns ? `${ns}/` : ''}${o?.metadata?.name ?? '(no name)'}`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/**
 * The facts file against the objects: each layer's namespaces hold objects of the output (a stale file would
 * have the checks look at the wrong namespaces), and every Namespace of a tenant folder (`tenants/<t>/`) has
 * the tenant label (without it the checks would not treat it as a tenant's).
 */
function factsProblems(tree: OutputTree, facts: PlatformFacts): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const { object: o } of tree.objects) {
    if (o?.kind === 'Namespace' && typeof o.metadata?.name === 'string') used.add(o.metadata.name);
    for (const ns of [o?.metadata?.namespace, o?.spec?.targetNamespace, o?.spec?.destination?.namespace]) if (typeof ns === 'string') used.add(ns);
  }
  for (const [layer, namespaces] of Object.entries(facts.layers)) {
    namespaces.forEach((ns, i) => {
      if (!used.has(ns)) problems.push(`${FACTS_FILE}: layers.${layer}[${i}]: namespace "${ns}" holds no object of the output; re-run synth so the facts match the objects`);
    });
  }
  // A namespace of tenantReach may be one the output only selects (the ingress controller's, the DNS's).
  const selected = new Set(tree.objects.filter(({ object: o }) => o?.kind === 'NetworkPolicy').flatMap(({ object: o }) => peerNamespaceNames(o.spec)));
  for (const ns of Object.keys(facts.tenantReach)) {
    if (!used.has(ns) && !selected.has(ns)) problems.push(`${FACTS_FILE}: tenantReach.${ns}: namespace "${ns}" holds no object of the output and no policy of it names it; re-run synth so the facts match the objects`);
  }
  for (const { file, object: o } of tree.objects) {
    if (o?.kind === 'Namespace' && file.startsWith('tenants/') && o.metadata?.labels?.[facts.tenantLabel] === undefined) {
      problems.push(`${file}: ${describe(o)}: metadata.labels: has no "${facts.tenantLabel}" label (the tenant label of ${FACTS_FILE}); the checks would not see it as a tenant namespace`);
    }
  }
  return problems;
}

/** Returns every problem found; empty when the tree is valid. */
export function validateTree(tree: OutputTree, schemas: Schemas): string[] {
  const problems: string[] = [...tree.readProblems, ...tree.facts.problems];
  if (tree.facts.facts) problems.push(...factsProblems(tree, tree.facts.facts));
  const objectMeta = schemas.core.objectMeta();
  const index = new Map<string, Record<string, any>>();
  const secretKeys = new Map<string, Set<string> | undefined>();
  const seen = new Map<string, string>();
  const key = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${namespace ?? ''}/${name}`;

  for (const s of tree.secrets) secretKeys.set(key('Secret', s.namespace, s.name), new Set(s.keys));
  for (const e of tree.external) index.set(key(e.kind, e.namespace, e.name), { kind: e.kind, external: true });

  // Pass 1: schemas, scope, duplicates; build the index.
  const namespacedOf = new Map<Record<string, any>, boolean>();
  for (const { file, object: o } of tree.objects) {
    const where = `${file}: ${describe(o)}`;
    const errors: string[] = [];
    if (typeof o?.apiVersion !== 'string' || typeof o?.kind !== 'string') {
      problems.push(`${where}: apiVersion and kind are required`);
      continue;
    }
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const crd = schemas.crds.get(`${group}/${version}/${o.kind}`);
    const core = crd ? undefined : schemas.core.forKind(o.apiVersion, o.kind);
    if (!crd && !core) {
      problems.push(`${where}: no schema for ${o.apiVersion} ${o.kind} (neither a Kubernetes kind nor a served version of a known CRD)`);
      continue;
    }
    if (crd) {
      checkValue(o, { ...crd.schema, properties: { ...crd.schema.properties, metadata: objectMeta } }, '', errors);
    } else checkValue(o, core!, '', errors);
    checkMetadata(o.kind, o.metadata, errors);
    const namespaced = crd ? crd.namespaced : !CORE_CLUSTER_SCOPED_KINDS.has(o.kind);
    namespacedOf.set(o, namespaced);
    const ns = o.metadata?.namespace;
    if (namespaced && !ns) errors.push('metadata.namespace: is required for a namespaced kind');
    if (!namespaced && ns) errors.push('metadata.namespace: must not be set on a cluster-scoped kind');
    for (const e of errors) problems.push(`${where}: ${e}`);
    const id = `${groupOf(o.apiVersion)}/${key(o.kind, ns, o.metadata?.name)}`;
    const first = seen.get(id);
    if (first) problems.push(`${where}: duplicate of the object in ${first}`);
    else seen.set(id, file);
    index.set(key(o.kind, ns, o.metadata?.name), o);
    if (o.kind === 'Secret') secretKeys.set(key('Secret', ns, o.metadata?.name), new Set(Object.keys({ ...o.data, ...o.stringData })));
    // An ExternalSecret's Secret (spec.target.name, else its own name) is present with the keys of spec.data.
    if (o.kind === 'ExternalSecret' && groupOf(o.apiVersion) === 'external-secrets.io') {
      const keys = (o.spec?.data ?? []).map((d: any) => d?.secretKey);
      const k = key('Secret', ns, o.spec?.target?.name ?? o.metadata?.name);
      secretKeys.set(k, new Set([...(secretKeys.get(k) ?? []), ...keys]));
    }
  }

  // Pass 2: references.
  for (const { file, object: o } of tree.objects) {
    if (!namespacedOf.has(o)) continue;
    const where = `${file}: ${describe(o)}`;
    const ns: string | undefined = o.metadata?.namespace;
    const refs: Array<{ path: string; kind: string; namespace?: string; name: string; keyName?: string; optional?: boolean }> = [];
    collectReferences(o, ns, refs, tree);
    for (const r of refs) {
      if (r.optional) continue;
      if (r.kind === 'Secret') {
        const k = key('Secret', r.namespace, r.name);
        if (!secretKeys.has(k)) {
          problems.push(`${where}: ${r.path}: Secret ${r.namespace}/${r.name} is neither in the output nor in secrets-inventory.json`);
        } else if (r.keyName !== undefined && !secretKeys.get(k)!.has(r.keyName)) {
          problems.push(`${where}: ${r.path}: Secret ${r.namespace}/${r.name} has no key "${r.keyName}" in the output or in secrets-inventory.json`);
        }
        continue;
      }
      if (r.kind === 'ClusterRole' && BUILTIN_CLUSTER_ROLES.has(r.name)) continue;
      if (!index.has(key(r.kind, r.namespace, r.name))) {
        problems.push(`${where}: ${r.path}: ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} is not in the output (nor in external-objects.json)`);
      }
    }
  }

  // Folders: kustomization.yaml lists exactly the files of its folder.
  for (const [path, f] of tree.folders) {
    const listed = new Set(f.resources);
    for (const file of f.files) if (!listed.has(file)) problems.push(`${path}/kustomization.yaml: does not list ${file}`);
    const present = new Set(f.files);
    for (const r of f.resources) if (!present.has(r)) problems.push(`${path}/kustomization.yaml: lists ${r}, which is not a file of the folder`);
  }
  // Flux objects applied as a tenant account: the controllers must default to an unprivileged account.
  const fluxAccounts = new Set<string>();
  for (const { object: o } of tree.objects) {
    if ((o.kind === 'Kustomization' || o.kind === 'HelmRelease') && String(o.apiVersion ?? '').includes('toolkit.fluxcd.io') && typeof o.spec?.serviceAccountName === 'string') fluxAccounts.add(o.spec.serviceAccountName);
  }
  for (const account of fluxAccounts) {
    const flag = `--default-service-account=${account}`;
    for (const controller of ['kustomize-controller', 'helm-controller']) {
      const listed = tree.external.find((e) => e.kind === 'Deployment' && e.name === controller);
      if (!listed?.requiredFlags?.includes(flag)) problems.push(`external-objects.json: Flux objects run as ServiceAccount ${account}, so Deployment ${controller} must be listed with requiredFlags ["${flag}"]`);
    }
  }
  return problems;
}

type Ref = { path: string; kind: string; namespace?: string; name: string; keyName?: string; optional?: boolean };

/** The pod spec of a workload, with its field path. */
function podSpecOf(o: Record<string, any>): [string, Record<string, any>] | undefined {
  switch (o.kind) {
    case 'Pod':
      return o.spec ? ['spec', o.spec] : undefined;
    case 'Job':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return o.spec?.template?.spec ? ['spec.template.spec', o.spec.template.spec] : undefined;
    case 'CronJob':
      return o.spec?.jobTemplate?.spec?.template?.spec ? ['spec.jobTemplate.spec.template.spec', o.spec.jobTemplate.spec.template.spec] : undefined;
    default:
      return undefined;
  }
}

/** `existingSecret`-style chart values: every non-empty string under a key named `existingSecret`. */
function existingSecrets(values: unknown, path: string, namespace: string | undefined, refs: Ref[]): void {
  if (!values || typeof values !== 'object') return;
  if (Array.isArray(values)) {
    values.forEach((v, i) => existingSecrets(v, `${path}[${i}]`, namespace, refs));
    return;
  }
  for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
    if (k === 'existingSecret' && typeof v === 'string' && v !== '') refs.push({ path: `${path}.${k}`, kind: 'Secret', namespace, name: v });
    else existingSecrets(v, `${path}.${k}`, namespace, refs);
  }
}

function collectReferences(o: Record<string, any>, ns: string | undefined, refs: Ref[], tree: OutputTree): void {
  const spec = o.spec ?? {};
  switch (o.kind) {
    case 'HelmRelease': {
      (spec.dependsOn ?? []).forEach((d: any, i: number) => refs.push({ path: `spec.dependsOn[${i}]`, kind: 'HelmRelease', namespace: d.namespace ?? ns, name: d.name }));
      if (spec.chartRef) refs.push({ path: 'spec.chartRef', kind: spec.chartRef.kind, namespace: spec.chartRef.namespace ?? ns, name: spec.chartRef.name });
      const src = spec.chart?.spec?.sourceRef;
      if (src) refs.push({ path: 'spec.chart.spec.sourceRef', kind: src.kind, namespace: src.namespace ?? ns, name: src.name });
      (spec.valuesFrom ?? []).forEach((v: any, i: number) =>
        refs.push({ path: `spec.valuesFrom[${i}]`, kind: v.kind, namespace: ns, name: v.name, keyName: v.kind === 'Secret' ? (v.valuesKey ?? 'values.yaml') : undefined, optional: v.optional }),
      );
      if (spec.serviceAccountName) refs.push({ path: 'spec.serviceAccountName', kind: 'ServiceAccount', namespace: ns, name: spec.serviceAccountName });
      existingSecrets(spec.values, 'spec.values', spec.targetNamespace ?? ns, refs);
      break;
    }
    case 'Kustomization': {
      if (o.apiVersion.startsWith('kustomize.config.k8s.io')) break;
      (spec.dependsOn ?? []).forEach((d: any, i: number) => refs.push({ path: `spec.dependsOn[${i}]`, kind: 'Kustomization', namespace: d.namespace ?? ns, name: d.name }));
      if (spec.sourceRef) refs.push({ path: 'spec.sourceRef', kind: spec.sourceRef.kind, namespace: spec.sourceRef.namespace ?? ns, name: spec.sourceRef.name });
      if (spec.serviceAccountName) refs.push({ path: 'spec.serviceAccountName', kind: 'ServiceAccount', namespace: ns, name: spec.serviceAccountName });
      checkFolderPath(spec.path, 'spec.path', refs, tree);
      break;
    }
    case 'ExternalSecret': {
      const store = spec.secretStoreRef ?? {};
      const kind = store.kind ?? 'SecretStore';
      refs.push({ path: 'spec.secretStoreRef', kind, namespace: kind === 'ClusterSecretStore' ? undefined : ns, name: store.name });
      break;
    }
    case 'HelmRepository':
    case 'GitRepository':
    case 'OCIRepository':
      if (spec.secretRef) refs.push({ path: 'spec.secretRef', kind: 'Secret', namespace: ns, name: spec.secretRef.name });
      break;
    case 'HelmChart':
      if (o.apiVersion.startsWith('helm.cattle.io')) {
        (spec.valuesSecrets ?? []).forEach((v: any, i: number) => {
          for (const k of v.keys ?? []) refs.push({ path: `spec.valuesSecrets[${i}]`, kind: 'Secret', namespace: ns, name: v.name, keyName: k, optional: v.ignoreUpdates });
        });
        if (spec.authSecret) refs.push({ path: 'spec.authSecret', kind: 'Secret', namespace: ns, name: spec.authSecret.name });
        if (spec.dockerRegistrySecret) refs.push({ path: 'spec.dockerRegistrySecret', kind: 'Secret', namespace: ns, name: spec.dockerRegistrySecret.name });
        existingSecrets(spec.values, 'spec.values', spec.targetNamespace ?? ns, refs);
      }
      break;
    case 'Application':
      if (spec.project) refs.push({ path: 'spec.project', kind: 'AppProject', namespace: ns, name: spec.project });
      // Folder Applications (no chart, no Helm settings) point into this output.
      if (spec.source && spec.source.chart === undefined && spec.source.helm === undefined) checkFolderPath(spec.source.path, 'spec.source.path', refs, tree);
      existingSecrets(spec.source?.helm?.valuesObject, 'spec.source.helm.valuesObject', spec.destination?.namespace, refs);
      break;
    case 'RoleBinding':
      if (o.roleRef) refs.push({ path: 'roleRef', kind: o.roleRef.kind, namespace: o.roleRef.kind === 'Role' ? ns : undefined, name: o.roleRef.name });
      break;
    case 'ClusterRoleBinding':
      if (o.roleRef) refs.push({ path: 'roleRef', kind: 'ClusterRole', name: o.roleRef.name });
      break;
  }
  const pod = podSpecOf(o);
  if (pod) {
    const [base, p] = pod;
    if (p.serviceAccountName && p.serviceAccountName !== 'default') refs.push({ path: `${base}.serviceAccountName`, kind: 'ServiceAccount', namespace: ns, name: p.serviceAccountName });
    (p.imagePullSecrets ?? []).forEach((s: any, i: number) => refs.push({ path: `${base}.imagePullSecrets[${i}]`, kind: 'Secret', namespace: ns, name: s.name }));
    (p.volumes ?? []).forEach((v: any, i: number) => {
      const vp = `${base}.volumes[${i}]`;
      if (v.secret) refs.push({ path: `${vp}.secret`, kind: 'Secret', namespace: ns, name: v.secret.secretName, optional: v.secret.optional });
      if (v.configMap) refs.push({ path: `${vp}.configMap`, kind: 'ConfigMap', namespace: ns, name: v.configMap.name, optional: v.configMap.optional });
      (v.projected?.sources ?? []).forEach((s: any, j: number) => {
        if (s.secret) refs.push({ path: `${vp}.projected.sources[${j}].secret`, kind: 'Secret', namespace: ns, name: s.secret.name, optional: s.secret.optional });
        if (s.configMap) refs.push({ path: `${vp}.projected.sources[${j}].configMap`, kind: 'ConfigMap', namespace: ns, name: s.configMap.name, optional: s.configMap.optional });
      });
    });
    for (const list of ['initContainers', 'containers'] as const) {
      (p[list] ?? []).forEach((c: any, i: number) => {
        const cp = `${base}.${list}[${i}]`;
        (c.env ?? []).forEach((e: any, j: number) => {
          const s = e.valueFrom?.secretKeyRef;
          if (s) refs.push({ path: `${cp}.env[${j}].valueFrom.secretKeyRef`, kind: 'Secret', namespace: ns, name: s.name, keyName: s.key, optional: s.optional });
          const c2 = e.valueFrom?.configMapKeyRef;
          if (c2) refs.push({ path: `${cp}.env[${j}].valueFrom.configMapKeyRef`, kind: 'ConfigMap', namespace: ns, name: c2.name, optional: c2.optional });
        });
        (c.envFrom ?? []).forEach((e: any, j: number) => {
          if (e.secretRef) refs.push({ path: `${cp}.envFrom[${j}].secretRef`, kind: 'Secret', namespace: ns, name: e.secretRef.name, optional: e.secretRef.optional });
          if (e.configMapRef) refs.push({ path: `${cp}.envFrom[${j}].configMapRef`, kind: 'ConfigMap', namespace: ns, name: e.configMapRef.name, optional: e.configMapRef.optional });
        });
      });
    }
  }
}

/** A Kustomization/Application path must end in a folder of this output that has a kustomization.yaml. */
function checkFolderPath(path: unknown, field: string, refs: Ref[], tree: OutputTree): void {
  if (typeof path !== 'string') return;
  const clean = path.replace(/\/+$/, '');
  const parts = clean.split('/');
  for (let i = 0; i < parts.length; i++) if (tree.folders.has(parts.slice(i).join('/'))) return;
  refs.push({ path: field, kind: 'folder', name: path });
}
