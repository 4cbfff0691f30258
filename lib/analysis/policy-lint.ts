/**
 * A policy linter over the objects of an output folder: the checks that kube-score, kube-linter and
 * Polaris apply to such objects, each a named rule (see {@link LINT_RULES}), each finding naming the
 * file, the object and what is wrong.
 *
 * Waivers: an object annotated `clearml-tenancy/lint-waive: rule-a,rule-b` is exempt from those rules,
 * provided it also has a non-empty `clearml-tenancy/lint-waive-reason`. A waiver without a reason does
 * not apply and is itself a finding (`waiver-without-reason`), as is a waiver naming an unknown rule.
 * Pod findings can be waived on the workload or on its pod template; namespace findings on the Namespace.
 */
import { CORE_CLUSTER_SCOPED_KINDS } from '../core/kinds';
import { helmReleaseNamespace, podTemplateOf } from './cluster-model';
import { selectorMatches, isEmptySelector, LabelSelector } from './label-selector';
import { describeObject, KubeObject, Manifest } from './manifests';
import { parseCidr } from '../core/cidr';
import { NEVER_EGRESS_CIDRS } from '../security/never-egress';
import { RECONCILER } from '../flavors/flux/flux-lockdown';

export const WAIVE_ANNOTATION = 'clearml-tenancy/lint-waive';
export const WAIVE_REASON_ANNOTATION = 'clearml-tenancy/lint-waive-reason';
const POD_SECURITY = 'pod-security.kubernetes.io/';

/** Every rule, with what it requires. */
export const LINT_RULES = {
  'pod-not-selected-by-network-policy': 'every pod template is selected by a NetworkPolicy of its namespace',
  'helm-namespace-without-default-deny': 'a namespace that Helm releases install into has a NetworkPolicy with an empty podSelector isolating ingress (the chart\'s pods are not visible here)',
  'network-policy-selects-nothing': 'a NetworkPolicy with a podSelector selects at least one pod of its namespace',
  'privileged-container': 'containers are not privileged (unless the namespace enforces the privileged Pod Security level)',
  'host-network': 'pods do not use hostNetwork (unless the namespace enforces the privileged Pod Security level)',
  'host-pid': 'pods do not use hostPID (unless the namespace enforces the privileged Pod Security level)',
  'host-ipc': 'pods do not use hostIPC (unless the namespace enforces the privileged Pod Security level)',
  'privilege-escalation-allowed': 'containers set securityContext.allowPrivilegeEscalation: false',
  'capabilities-not-dropped': 'containers drop ALL capabilities',
  'capabilities-added': 'containers add no capabilities',
  'seccomp-profile-missing': 'the pod or every container uses seccompProfile RuntimeDefault or Localhost',
  'run-as-root-allowed': 'runAsNonRoot is true for the pod or every container (unless the namespace enforces the privileged Pod Security level)',
  'writable-root-filesystem': 'containers set securityContext.readOnlyRootFilesystem: true',
  'missing-requests': 'containers request cpu and memory',
  'missing-limits': 'containers limit cpu and memory',
  'image-not-pinned': 'images are pinned by digest (@sha256:...)',
  'default-service-account': 'pods name a service account other than "default"',
  'secret-in-env': 'environment variables whose name looks secret take their value from a reference, not a literal',
  'secret-with-data': 'no Secret object carries data or stringData (secret values never go into the output)',
  'default-namespace': 'no object is in the namespace "default"',
  'missing-namespace': 'every namespaced object names its namespace',
  'rbac-wildcard': 'Role and ClusterRole rules name their verbs, resources and apiGroups (no "*")',
  'cluster-admin-binding': 'nothing is bound to the cluster-admin ClusterRole',
  'tenant-cluster-role-binding': 'no ClusterRoleBinding has a subject that is a ServiceAccount of a tenant namespace',
  'rbac-list-watch-secrets': 'no rule grants list or watch on secrets',
  'rbac-secrets-without-resource-names': 'rules on secrets name the Secrets (resourceNames), except for create',
  'service-account-token-mounted': 'pods whose service account has no Role or ClusterRole binding do not mount a token (automountServiceAccountToken: false)',
  'namespace-pod-security-labels': 'Namespaces have the pod-security.kubernetes.io enforce, warn and audit labels and their -version labels',
  'deny-policy-with-rules': 'a NetworkPolicy named default-deny-* is a pure deny: podSelector {}, policyTypes, no ingress or egress rules',
  'allow-from-anywhere-to-all-ports': 'no ingress rule admits 0.0.0.0/0 (or ::/0) without naming ports',
  'egress-to-link-local': 'no egress rule allows link-local, loopback or 0.0.0.0/8 (nor ::1, ::, fe80::/10, fd00:ec2::254): the cloud metadata service lives there',
  'token-account-creates-secrets-unguarded': 'a ServiceAccount whose token is handed out (a long-lived token Secret in the output, or a pod that mounts it) and that may create Secrets is held to Opaque Secrets by a ValidatingAdmissionPolicy of the output: failurePolicy Fail, bound with Deny for every request, one matchCondition naming it (RBAC cannot restrict create by name: unguarded, it could create a service-account-token Secret for any account of the namespace)',
  'reconciler-too-privileged': 'the Flux reconciler account is not bound to admin, edit or cluster-admin, nor to a Role that writes NetworkPolicies, RBAC objects, ResourceQuotas or LimitRanges',
  'waiver-without-reason': `a ${WAIVE_ANNOTATION} annotation comes with a non-empty ${WAIVE_REASON_ANNOTATION}`,
  'waiver-unknown-rule': `${WAIVE_ANNOTATION} names only known rules`,
} as const;

export type LintRule = keyof typeof LINT_RULES;

export interface Finding {
  readonly rule: LintRule;
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly message: string;
}

/** `<file>: <Kind ns/name>: [rule] message`. */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}: [${f.rule}] ${f.message}`;
}

/** Kinds without a namespace; every other kind is taken as namespaced. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([...CORE_CLUSTER_SCOPED_KINDS, 'ClusterIssuer', 'ClusterPolicy', 'ClusterSecretStore']);

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIALS?|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|(^|_)KEY$)/i;
/** Names that hold where a secret is, not the secret. */
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME|REF|URL|ENDPOINT|HOST|PORT)$/i;
/** Values that refer to something else: `$(VAR)` expansions, file paths, empty. */
const REFERENCE_VALUE = /^(\s*|\$\([A-Za-z_][A-Za-z0-9_]*\)|\/\S*)$/;

interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly securityContext?: Record<string, any>;
  readonly resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readonly env?: { name?: string; value?: unknown; valueFrom?: unknown }[];
}

function annotationsOf(o: KubeObject): Record<string, string> {
  return (o.metadata.annotations ?? {}) as Record<string, string>;
}

/** What the linter needs to know beyond the objects: the facts file's tenant label (see platform-facts.ts). */
export interface LintFacts {
  readonly tenantLabel: string;
}

/** Lints every object; findings are sorted by file, object and rule. */
export function lintObjects(manifests: readonly Manifest[], facts: LintFacts): Finding[] {
  const findings: Finding[] = [];
  const namespaces = new Map<string, Manifest>();
  for (const m of manifests) if (m.object.kind === 'Namespace' && m.object.metadata.name) namespaces.set(m.object.metadata.name, m);
  const nsLabels = (ns: string) => (namespaces.get(ns)?.object.metadata.labels ?? {}) as Record<string, string>;
  const privilegedNs = (ns: string) => nsLabels(ns)[`${POD_SECURITY}enforce`] === 'privileged';
  const tenantNs = (ns: string) => nsLabels(ns)[facts.tenantLabel] !== undefined;

  const policiesByNs = groupBy(manifests.filter((m) => m.object.kind === 'NetworkPolicy'), (m) => m.object.metadata.namespace ?? 'default');
  const policiesIn = (ns: string) => policiesByNs.get(ns) ?? [];
  const workloads = manifests.map((m) => ({ m, template: podTemplateOf(m.object) })).filter((w) => w.template !== undefined) as { m: Manifest; template: { metadata?: Record<string, any>; spec?: Record<string, any> } }[];
  const workloadsByNs = groupBy(workloads, (w) => w.m.object.metadata.namespace ?? 'default');
  const helmReleases = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const ns = helmReleaseNamespace(m.object);
    if (ns) helmReleases.set(ns, [...(helmReleases.get(ns) ?? []), m]);
  }
  // Service accounts that some Role/ClusterRole binding names: `namespace/name`.
  const boundAccounts = new Set<string>();
  const serviceAccounts = new Map<string, KubeObject>();
  for (const { object } of manifests) {
    if (object.kind === 'ServiceAccount') serviceAccounts.set(`${object.metadata.namespace ?? 'default'}/${object.metadata.name}`, object);
    if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') {
      for (const s of object.subjects ?? []) {
        if (s?.kind === 'ServiceAccount') boundAccounts.add(`${s.namespace ?? object.metadata.namespace ?? 'default'}/${s.name}`);
      }
    }
  }

  // Accounts whose token is out of the API server's hands (`namespace/name` -> how): a long-lived token
  // Secret, or a pod template that mounts the account's token.
  const tokenAccounts = new Map<string, string>();
  for (const { object } of manifests) {
    const account = annotationsOf(object)['kubernetes.io/service-account.name'];
    if (object.kind === 'Secret' && object.type === 'kubernetes.io/service-account-token' && account) tokenAccounts.set(`${object.metadata.namespace ?? 'default'}/${account}`, 'whose token Secret is in the output');
    const spec = podTemplateOf(object)?.spec;
    if (spec && spec.automountServiceAccountToken !== false && typeof spec.serviceAccountName === 'string') {
      const key = `${object.metadata.namespace ?? 'default'}/${spec.serviceAccountName}`;
      if (!tokenAccounts.has(key)) tokenAccounts.set(key, `whose token ${describeObject(object)} mounts`);
    }
  }
  const guardedAccounts = admissionGuardedAccounts(manifests.map((m) => m.object));
  const add = (m: Manifest, rule: LintRule, message: string) => findings.push({ rule, file: m.file, object: describeObject(m.object), message });
  const roles = new Map(manifests.filter((m) => m.object.kind === 'Role').map((m) => [`${m.object.metadata.namespace ?? 'default'}/${m.object.metadata.name}`, m.object]));

  for (const m of manifests) {
    const o = m.object;
    const ns = o.metadata.namespace;
    if (ns === 'default') add(m, 'default-namespace', 'is in the namespace "default"; put it in a namespace of its own');
    if (!ns && !CLUSTER_SCOPED_KINDS.has(o.kind)) add(m, 'missing-namespace', `has no metadata.namespace; ${o.kind} is namespaced (it would land in whatever namespace applies it)`);

    if (o.kind === 'Namespace') {
      const labels = (o.metadata.labels ?? {}) as Record<string, string>;
      const missing = ['enforce', 'warn', 'audit'].flatMap((mode) => [`${POD_SECURITY}${mode}`, `${POD_SECURITY}${mode}-version`]).filter((l) => !labels[l]);
      if (missing.length > 0) add(m, 'namespace-pod-security-labels', `lacks the labels ${missing.join(', ')}`);
    }

    if (o.kind === 'Secret' && (Object.keys(o.data ?? {}).length > 0 || Object.keys(o.stringData ?? {}).length > 0)) {
      const keys = [...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})];
      add(m, 'secret-with-data', `carries values for ${keys.join(', ')}; secret values must not be in the output, create the Secret out of band and reference it`);
    }

    if (o.kind === 'Role' || o.kind === 'ClusterRole') lintRules(m, add);
    if ((o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.roleRef?.kind === 'ClusterRole' && o.roleRef?.name === 'cluster-admin') {
      add(m, 'cluster-admin-binding', 'binds the cluster-admin ClusterRole; grant a Role with the verbs needed instead');
    }
    if (o.kind === 'ClusterRoleBinding') {
      for (const s of o.subjects ?? []) {
        if (s?.kind === 'ServiceAccount' && s.namespace && tenantNs(s.namespace)) {
          add(m, 'tenant-cluster-role-binding', `gives the ServiceAccount ${s.namespace}/${s.name} of a tenant namespace a cluster-wide role; use a RoleBinding in the tenant namespace`);
        }
      }
    }

    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') lintReconcilerBinding(m, roles, add);
    if (o.kind === 'RoleBinding') lintTokenAccountBinding(m, roles, tokenAccounts, guardedAccounts, add);
    if (o.kind === 'NetworkPolicy') {
      lintPolicyShape(m, add);
      const pns = ns ?? 'default';
      const selector: LabelSelector = o.spec?.podSelector ?? {};
      const pods = workloadsByNs.get(pns) ?? [];
      if (!isEmptySelector(selector) && pods.length > 0 && !helmReleases.has(pns) && !pods.some((w) => selectorMatches(selector, w.template.metadata?.labels ?? {}))) {
        add(m, 'network-policy-selects-nothing', `spec.podSelector ${JSON.stringify(selector)} selects none of the ${pods.length} pod template(s) of namespace ${pns}`);
      }
    }
  }

  for (const [ns, releases] of helmReleases) {
    const denies = policiesIn(ns).some((p) => {
      const spec = p.object.spec ?? {};
      const types: string[] = Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0 ? spec.policyTypes : ['Ingress'];
      return isEmptySelector(spec.podSelector ?? {}) && types.includes('Ingress');
    });
    if (!denies) {
      const where = namespaces.get(ns) ?? releases[0];
      add(where, 'helm-namespace-without-default-deny', `namespace ${ns} gets pods from ${releases.map((r) => describeObject(r.object)).join(', ')} but has no NetworkPolicy with podSelector {} isolating ingress, so those pods are open to every namespace`);
    }
  }

  for (const { m, template } of workloads) {
    const ns = m.object.metadata.namespace ?? 'default';
    const spec = template.spec ?? {};
    const labels = (template.metadata?.labels ?? {}) as Record<string, string>;
    const podAdd = (rule: LintRule, message: string) => add(m, rule, message);
    if (!policiesIn(ns).some((p) => selectorMatches(p.object.spec?.podSelector ?? {}, labels))) {
      podAdd('pod-not-selected-by-network-policy', `no NetworkPolicy of namespace ${ns} selects the pod labels ${JSON.stringify(labels)}`);
    }
    const privileged = privilegedNs(ns);
    const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const podSc = spec.securityContext ?? {};
    if (!privileged) {
      if (spec.hostNetwork === true) podAdd('host-network', 'sets hostNetwork: true');
      if (spec.hostPID === true) podAdd('host-pid', 'sets hostPID: true');
      if (spec.hostIPC === true) podAdd('host-ipc', 'sets hostIPC: true');
    }
    const goodSeccomp = (p: any) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
    const badSeccomp = containers.filter((c) => (c.securityContext?.seccompProfile ? !goodSeccomp(c.securityContext.seccompProfile) : !goodSeccomp(podSc.seccompProfile)));
    if (badSeccomp.length > 0) podAdd('seccomp-profile-missing', `container(s) ${names(badSeccomp)} run without seccompProfile RuntimeDefault or Localhost (set spec.securityContext.seccompProfile.type: RuntimeDefault)`);
    if (!privileged) {
      const root = containers.filter((c) => (c.securityContext?.runAsNonRoot ?? podSc.runAsNonRoot) !== true);
      if (root.length > 0) podAdd('run-as-root-allowed', `container(s) ${names(root)} may run as root: runAsNonRoot is not true`);
    }
    for (const c of containers) {
      const sc = c.securityContext ?? {};
      const cname = `container "${c.name ?? '?'}"`;
      if (sc.privileged === true && !privileged) podAdd('privileged-container', `${cname} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) podAdd('privilege-escalation-allowed', `${cname}: securityContext.allowPrivilegeEscalation is ${JSON.stringify(sc.allowPrivilegeEscalation ?? '(missing)')}, must be false`);
      const drop: unknown[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) podAdd('capabilities-not-dropped', `${cname}: securityContext.capabilities.drop is ${JSON.stringify(drop)}, must include ALL`);
      const added: unknown[] = sc.capabilities?.add ?? [];
      if (added.length > 0) podAdd('capabilities-added', `${cname} adds capabilities ${JSON.stringify(added)}`);
      if (sc.readOnlyRootFilesystem !== true) podAdd('writable-root-filesystem', `${cname}: securityContext.readOnlyRootFilesystem is not true`);
      const missingRequests = ['cpu', 'memory'].filter((r) => c.resources?.requests?.[r] === undefined);
      if (missingRequests.length > 0) podAdd('missing-requests', `${cname} has no ${missingRequests.join(' and ')} request`);
      const missingLimits = ['cpu', 'memory'].filter((r) => c.resources?.limits?.[r] === undefined);
      if (missingLimits.length > 0) podAdd('missing-limits', `${cname} has no ${missingLimits.join(' and ')} limit`);
      if (typeof c.image !== 'string' || !/@sha256:[0-9a-f]{64}$/.test(c.image)) podAdd('image-not-pinned', `${cname}: image ${JSON.stringify(c.image)} is not pinned by digest (name:tag@sha256:...)`);
      for (const e of c.env ?? []) {
        if (typeof e?.name === 'string' && e.valueFrom === undefined && e.value !== undefined && SECRET_NAME.test(e.name) && !REFERENCE_NAME.test(e.name) && !REFERENCE_VALUE.test(String(e.value))) {
          podAdd('secret-in-env', `${cname}: env ${e.name} has a literal value; take it from a Secret (valueFrom.secretKeyRef)`);
        }
      }
    }
    const account: string = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
    if (account === 'default') podAdd('default-service-account', 'uses the "default" service account; give the pod its own (serviceAccountName)');
    const sa = serviceAccounts.get(`${ns}/${account}`);
    const mounted = spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
    if (mounted !== false && !boundAccounts.has(`${ns}/${account}`)) {
      podAdd('service-account-token-mounted', `mounts a token of service account ${ns}/${account}, which no Role or ClusterRole binding names; set automountServiceAccountToken: false`);
    }
  }

  return applyWaivers(manifests, findings).sort(
    (a, b) => cmp(a.file, b.file) || cmp(a.object, b.object) || cmp(a.rule, b.rule) || cmp(a.message, b.message),
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function names(containers: readonly Container[]): string {
  return containers.map((c) => `"${c.name ?? '?'}"`).join(', ');
}

function lintRules(m: Manifest, add: (m: Manifest, rule: LintRule, message: string) => void): void {
  const rules: any[] = m.object.rules ?? [];
  rules.forEach((r, i) => {
    const verbs: string[] = r?.verbs ?? [];
    const resources: string[] = r?.resources ?? [];
    const groups: string[] = r?.apiGroups ?? [];
    const wild = [['verbs', verbs], ['resources', resources], ['apiGroups', groups]].filter(([, list]) => (list as string[]).includes('*')).map(([f]) => f);
    if (wild.length > 0) add(m, 'rbac-wildcard', `rules[${i}] has "*" in ${wild.join(', ')}`);
    const onSecrets = (resources.includes('secrets') || resources.includes('*')) && (groups.includes('') || groups.includes('*'));
    if (!onSecrets) return;
    const listing = verbs.filter((v) => v === 'list' || v === 'watch' || v === '*');
    if (listing.length > 0) add(m, 'rbac-list-watch-secrets', `rules[${i}] grants ${listing.join(', ')} on secrets, which reads every Secret of the namespace`);
    const other = verbs.filter((v) => v !== 'create');
    if (other.length > 0 && (r?.resourceNames ?? []).length === 0) add(m, 'rbac-secrets-without-resource-names', `rules[${i}] grants ${other.join(', ')} on secrets without resourceNames`);
  });
}

const NEVER_EGRESS = NEVER_EGRESS_CIDRS.map((c) => ({ text: c, cidr: parseCidr(c)! }));

/** Pure denies, ingress from anywhere to every port, egress to link-local and loopback. */
function lintPolicyShape(m: Manifest, add: (m: Manifest, rule: LintRule, message: string) => void): void {
  const spec = m.object.spec ?? {};
  if (String(m.object.metadata.name).startsWith('default-deny')) {
    const extra = ['ingress', 'egress'].filter((k) => Array.isArray(spec[k]) && spec[k].length > 0);
    if (extra.length > 0 || !isEmptySelector(spec.podSelector ?? {})) {
      add(m, 'deny-policy-with-rules', `is named as a deny but ${extra.length > 0 ? `allows traffic (${extra.join(', ')} rules)` : 'selects only some pods'}; keep it podSelector {} without rules and put each allow in its own named policy`);
    }
  }
  (spec.ingress ?? []).forEach((r: any, i: number) => {
    const anywhere = (r?.from ?? []).some((p: any) => p?.ipBlock?.cidr === '0.0.0.0/0' || p?.ipBlock?.cidr === '::/0');
    if (anywhere && (r?.ports ?? []).length === 0) add(m, 'allow-from-anywhere-to-all-ports', `ingress[${i}] admits every address to every port of the selected pods; name the ports`);
  });
  (spec.egress ?? []).forEach((r: any, i: number) => {
    const to: any[] = r?.to ?? [];
    if (to.length === 0) {
      add(m, 'egress-to-link-local', `egress[${i}] has no "to", so it allows every address, the metadata service 169.254.169.254 included`);
      return;
    }
    for (const peer of to) {
      const block = parseCidr(peer?.ipBlock?.cidr);
      if (!block) continue;
      const except = ((peer.ipBlock.except ?? []) as unknown[]).map((e) => parseCidr(e)).filter((e) => e !== undefined);
      const open = NEVER_EGRESS.filter(({ cidr: n }) => n.family === block.family && n.lo <= block.hi && block.lo <= n.hi && !except.some((e) => e!.family === n.family && e!.lo <= n.lo && n.hi <= e!.hi));
      if (open.length > 0) add(m, 'egress-to-link-local', `egress[${i}] ipBlock ${peer.ipBlock.cidr} allows ${open.map((n) => n.text).join(', ')}; add them to except`);
    }
  });
}

/** Cluster roles that write a namespace's policies and RBAC. */
const BROAD_CLUSTER_ROLES = new Set(['admin', 'edit', 'cluster-admin']);
const BOUNDARY_RESOURCES = new Set(['networkpolicies', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'resourcequotas', 'limitranges', '*']);
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** A binding of the Flux reconciler account to more than its charts need. */
function lintReconcilerBinding(m: Manifest, roles: ReadonlyMap<string, KubeObject>, add: (m: Manifest, rule: LintRule, message: string) => void): void {
  const o = m.object;
  if (!(o.subjects ?? []).some((s: any) => s?.kind === 'ServiceAccount' && s.name === RECONCILER)) return;
  const ref = o.roleRef ?? {};
  if (ref.kind === 'ClusterRole' && BROAD_CLUSTER_ROLES.has(ref.name)) {
    add(m, 'reconciler-too-privileged', `binds ${RECONCILER} to the ${ref.name} ClusterRole, which may rewrite the namespace's NetworkPolicies and RoleBindings; bind a Role with what the charts need`);
    return;
  }
  if (ref.kind !== 'Role') return;
  const role = roles.get(`${o.metadata.namespace ?? 'default'}/${ref.name}`);
  ((role?.rules ?? []) as any[]).forEach((r, i) => {
    const writes = (r?.verbs ?? []).filter((v: string) => !READ_VERBS.has(v));
    const hit = (r?.resources ?? []).filter((x: string) => BOUNDARY_RESOURCES.has(x));
    if (writes.length > 0 && hit.length > 0) add(m, 'reconciler-too-privileged', `binds ${RECONCILER} to Role ${ref.name}, whose rules[${i}] grants ${writes.join(', ')} on ${hit.join(', ')}`);
  });
}

/** The accounts a Deny-bound admission policy judges on Secret writes: by name (any namespace), or by namespace and name prefix. */
interface GuardedAccounts {
  readonly names: Set<string>;
  readonly prefixes: Array<{ readonly namespace: string; readonly prefix: string }>;
}

function isGuarded(guarded: GuardedAccounts, namespace: string, name: string): boolean {
  return guarded.names.has(name) || guarded.prefixes.some((p) => p.namespace === namespace && name.startsWith(p.prefix));
}

/** The validation that stops a token being minted: the Secret must be Opaque (as lib/security/secret-write-guard.ts writes it). */
const OPAQUE_ONLY = "!has(object.type) || object.type == 'Opaque'";
const STARTS_WITH = /^request\.userInfo\.username\.startsWith\('system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]*)'\)$/;
const ENDS_WITH = /^request\.userInfo\.username\.endsWith\(':([a-z0-9.-]+)'\)$/;
const isEmptyish = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * The accounts that a ValidatingAdmissionPolicy holds to Opaque Secrets, strictly: a binding of it denies
 * (`validationActions` has Deny) for every request (no `matchResources`, no `paramRef`); the policy refuses
 * when it cannot be evaluated (`failurePolicy` Fail, the default), judges CREATE of `secrets` with no
 * namespace or object selector, has the Opaque-only validation, and exactly one matchCondition of one of the
 * two forms `request.userInfo.username.endsWith(':<name>')` (an account name) or
 * `request.userInfo.username.startsWith('system:serviceaccount:<namespace>:<prefix>')` (the accounts of that
 * namespace whose names start with the prefix, possibly empty). Anything else guards nobody.
 */
function admissionGuardedAccounts(objects: readonly KubeObject[]): GuardedAccounts {
  const denying = new Set(
    objects
      .filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && (o.spec?.validationActions ?? []).includes('Deny') && isEmptyish(o.spec?.matchResources) && o.spec?.paramRef === undefined)
      .map((o) => o.spec?.policyName),
  );
  const out: GuardedAccounts = { names: new Set(), prefixes: [] };
  for (const o of objects) {
    if (o.kind !== 'ValidatingAdmissionPolicy' || !denying.has(o.metadata.name)) continue;
    const spec = o.spec ?? {};
    if ((spec.failurePolicy ?? 'Fail') !== 'Fail' || spec.paramKind !== undefined) continue;
    const constraints = spec.matchConstraints ?? {};
    if (!isEmptyish(constraints.namespaceSelector) || !isEmptyish(constraints.objectSelector)) continue;
    const judgesSecrets = (constraints.resourceRules ?? []).some((r: any) => (r?.resources ?? []).some((x: string) => x === 'secrets' || x === '*') && (r?.operations ?? []).some((x: string) => x === 'CREATE' || x === '*'));
    if (!judgesSecrets || !(spec.validations ?? []).some((v: any) => v?.expression === OPAQUE_ONLY)) continue;
    const conditions: any[] = spec.matchConditions ?? [];
    if (conditions.length !== 1) continue;
    const expression = String(conditions[0]?.expression ?? '').trim();
    const prefix = STARTS_WITH.exec(expression);
    const name = ENDS_WITH.exec(expression);
    if (prefix) out.prefixes.push({ namespace: prefix[1], prefix: prefix[2] });
    if (name) out.names.add(name[1]);
  }
  return out;
}

/** A RoleBinding that lets an account with a token in the output create Secrets, with no admission policy holding it. */
function lintTokenAccountBinding(m: Manifest, roles: ReadonlyMap<string, KubeObject>, tokenAccounts: ReadonlyMap<string, string>, guarded: GuardedAccounts, add: (m: Manifest, rule: LintRule, message: string) => void): void {
  const o = m.object;
  const ns = o.metadata.namespace ?? 'default';
  if (o.roleRef?.kind !== 'Role') return;
  const role = roles.get(`${ns}/${o.roleRef.name}`);
  const creates = ((role?.rules ?? []) as any[]).some((r) =>
    (r?.apiGroups ?? []).some((g: string) => g === '' || g === '*') && (r?.resources ?? []).some((x: string) => x === 'secrets' || x === '*') && (r?.verbs ?? []).some((v: string) => v === 'create' || v === '*'));
  if (!creates) return;
  for (const s of o.subjects ?? []) {
    const account = `${s?.namespace ?? ns}/${s?.name}`;
    const how = tokenAccounts.get(account);
    if (s?.kind === 'ServiceAccount' && how !== undefined && !isGuarded(guarded, s.namespace ?? ns, s.name)) {
      add(m, 'token-account-creates-secrets-unguarded', `lets ${account}, ${how}, create Secrets (Role ${o.roleRef.name}) with no ValidatingAdmissionPolicy holding it to the Secrets it needs`);
    }
  }
}

/** Drops the findings waived with a reason; adds findings for waivers without reason or with unknown rules. */
function applyWaivers(manifests: readonly Manifest[], findings: Finding[]): Finding[] {
  const waived = new Map<string, Set<string>>(); // `file\0object` -> rules
  const extra: Finding[] = [];
  for (const m of manifests) {
    const sources = [annotationsOf(m.object), podTemplateOf(m.object)?.metadata?.annotations ?? {}] as Record<string, string>[];
    for (const annotations of sources) {
      const list = annotations[WAIVE_ANNOTATION];
      if (list === undefined) continue;
      const rules = String(list).split(',').map((r) => r.trim()).filter((r) => r !== '');
      const object = describeObject(m.object);
      const unknown = rules.filter((r) => !(r in LINT_RULES));
      if (unknown.length > 0) extra.push({ rule: 'waiver-unknown-rule', file: m.file, object, message: `${WAIVE_ANNOTATION} names unknown rule(s) ${unknown.join(', ')}; known: ${Object.keys(LINT_RULES).join(', ')}` });
      const reason = annotations[WAIVE_REASON_ANNOTATION];
      if (typeof reason !== 'string' || reason.trim() === '') {
        extra.push({ rule: 'waiver-without-reason', file: m.file, object, message: `${WAIVE_ANNOTATION} "${list}" has no ${WAIVE_REASON_ANNOTATION}; the waiver does not apply until it says why` });
        continue;
      }
      const key = `${m.file}\u0000${object}`;
      const set = waived.get(key) ?? new Set<string>();
      rules.forEach((r) => set.add(r));
      waived.set(key, set);
    }
  }
  return [...findings.filter((f) => !waived.get(`${f.file}\u0000${f.object}`)?.has(f.rule)), ...extra];
}
