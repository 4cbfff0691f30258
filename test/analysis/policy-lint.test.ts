import { LINT_RULES, LintRule, lintObjects, formatFinding } from '../../lib/analysis/policy-lint';
import { main } from '../../lib/tools/lint-policies';
import { FACTS, helmRelease, manifests, namespace, Obj, policy, writeFolder } from './fixtures';

/** A digest-shaped test value (not a real image). */
const IMAGE = `registry.example.test/app:1.0@sha256:${'0'.repeat(64)}`;

const PSA = Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((m) => [[`pod-security.kubernetes.io/${m}`, 'restricted'], [`pod-security.kubernetes.io/${m}-version`, 'v1.30']]));

function hardenedDeployment(ns: string, name: string, account: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          serviceAccountName: account,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'main',
              image: IMAGE,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              env: [
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
                { name: 'API_TOKEN', value: '$(DB_PASSWORD)' },
                { name: 'LOG_LEVEL', value: 'info' },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Objects that pass every rule. */
function good(): Obj[] {
  return [
    namespace('app', PSA),
    namespace('acme', { ...PSA, 'clearml-tenancy/tenant': 'acme' }),
    namespace('system', { ...PSA, 'pod-security.kubernetes.io/enforce': 'privileged' }),
    hardenedDeployment('app', 'web', 'web'),
    { ...hardenedDeployment('app', 'api', 'api'), kind: 'StatefulSet' },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'app' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'app' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'api', namespace: 'app' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'], resourceNames: ['api-credentials'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['create'] }, { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'watch'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'api', namespace: 'app' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api' }, subjects: [{ kind: 'ServiceAccount', name: 'api' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'viewer' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'viewer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'viewer' }, subjects: [{ kind: 'Group', name: 'viewers', apiGroup: 'rbac.authorization.k8s.io' }] },
    policy('app', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('app', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
    helmRelease('acme', 'clearml-agent'),
    policy('acme', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('acme', 'allow-same-namespace-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }),
    policy('acme', 'allow-sessions', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 30001, endPort: 30010 }] }] }),
    policy('acme', 'allow-internet-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '127.0.0.0/8', '0.0.0.0/8'] } }] }] }),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flux-reconciler', namespace: 'acme' }, automountServiceAccountToken: false },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'flux-reconciler', namespace: 'acme' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'create', 'update'] }, { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'flux-reconciler', namespace: 'acme' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'flux-reconciler' }, subjects: [{ kind: 'ServiceAccount', name: 'flux-reconciler', namespace: 'acme' }] },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'placeholder', namespace: 'app' }, type: 'Opaque' },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data: { a: 'b' } },
  ];
}

/** A long-lived token Secret of `account` (its token is meant for use from outside the cluster). */
function tokenSecret(ns: string, account: string): Obj {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${account}-token`, namespace: ns, annotations: { 'kubernetes.io/service-account.name': account } }, type: 'kubernetes.io/service-account-token' };
}

/** An admission policy on Secret writes whose matchConditions name `account`, and its binding with `actions`. */
function secretGuard(account: string, actions: string[] = ['Deny']): Obj[] {
  const spec = {
    matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['secrets'] }] },
    matchConditions: [{ name: 'who', expression: `request.userInfo.username.endsWith(':${account}')` }],
    validations: [{ expression: "!has(object.type) || object.type == 'Opaque'" }],
  };
  return [
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'guard' }, spec },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'guard' }, spec: { policyName: 'guard', validationActions: actions } },
  ];
}

function find(objects: Obj[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
}

const web = (o: Obj[]) => find(o, 'Deployment', 'web').spec.template.spec;
const main_ = (o: Obj[]) => web(o).containers[0];
const role = (o: Obj[]) => find(o, 'Role', 'api');

/** Per rule: how to break the good objects, and what the message says. */
const CASES: [LintRule, (o: Obj[]) => void, RegExp][] = [
  ['pod-not-selected-by-network-policy', (o) => o.push(namespace('other', PSA), hardenedDeployment('other', 'web', 'web')), /Deployment other\/web: \[pod-not-selected-by-network-policy\] no NetworkPolicy of namespace other selects the pod labels \{"app":"web"\}/],
  ['helm-namespace-without-default-deny', (o) => o.splice(0, o.length, ...o.filter((x) => !(x.kind === 'NetworkPolicy' && x.metadata.namespace === 'acme' && x.spec.policyTypes.includes('Ingress')))), /Namespace acme: \[helm-namespace-without-default-deny\] namespace acme gets pods from HelmRelease acme\/clearml-agent/],
  ['network-policy-selects-nothing', (o) => o.push(policy('app', 'ghost', { podSelector: { matchLabels: { app: 'ghost' } } })), /NetworkPolicy app\/ghost: \[network-policy-selects-nothing\] spec.podSelector \{"matchLabels":\{"app":"ghost"\}\} selects none of the 2 pod template/],
  ['privileged-container', (o) => (main_(o).securityContext.privileged = true), /container "main" is privileged/],
  ['host-network', (o) => (web(o).hostNetwork = true), /\[host-network\] sets hostNetwork: true/],
  ['host-pid', (o) => (web(o).hostPID = true), /\[host-pid\] sets hostPID: true/],
  ['host-ipc', (o) => (web(o).hostIPC = true), /\[host-ipc\] sets hostIPC: true/],
  ['privilege-escalation-allowed', (o) => delete main_(o).securityContext.allowPrivilegeEscalation, /allowPrivilegeEscalation is "\(missing\)", must be false/],
  ['capabilities-not-dropped', (o) => (main_(o).securityContext.capabilities.drop = ['NET_RAW']), /capabilities.drop is \["NET_RAW"\], must include ALL/],
  ['capabilities-added', (o) => (main_(o).securityContext.capabilities.add = ['NET_ADMIN']), /adds capabilities \["NET_ADMIN"\]/],
  ['seccomp-profile-missing', (o) => (main_(o).securityContext.seccompProfile = { type: 'Unconfined' }), /container\(s\) "main" run without seccompProfile RuntimeDefault or Localhost/],
  ['run-as-root-allowed', (o) => (web(o).securityContext.runAsNonRoot = false), /container\(s\) "main" may run as root/],
  ['writable-root-filesystem', (o) => delete main_(o).securityContext.readOnlyRootFilesystem, /readOnlyRootFilesystem is not true/],
  ['missing-requests', (o) => delete main_(o).resources.requests.memory, /container "main" has no memory request/],
  ['missing-limits', (o) => delete main_(o).resources.limits, /container "main" has no cpu and memory limit/],
  ['image-not-pinned', (o) => (main_(o).image = 'nginx:1.27'), /image "nginx:1.27" is not pinned by digest/],
  ['default-service-account', (o) => delete web(o).serviceAccountName, /uses the "default" service account/],
  ['secret-in-env', (o) => main_(o).env.push({ name: 'ADMIN_PASSWORD', value: 'sdkWoq23' }), /env ADMIN_PASSWORD has a literal value/],
  ['secret-with-data', (o) => (find(o, 'Secret', 'placeholder').stringData = { password: 'x' }), /Secret app\/placeholder: \[secret-with-data\] carries values for password/],
  ['default-namespace', (o) => (find(o, 'ConfigMap', 'settings').metadata.namespace = 'default'), /ConfigMap default\/settings: \[default-namespace\]/],
  ['missing-namespace', (o) => delete find(o, 'ConfigMap', 'settings').metadata.namespace, /ConfigMap settings: \[missing-namespace\] has no metadata.namespace/],
  ['rbac-wildcard', (o) => (role(o).rules[2].verbs = ['*']), /rules\[2\] has "\*" in verbs/],
  ['cluster-admin-binding', (o) => (find(o, 'ClusterRoleBinding', 'viewer').roleRef.name = 'cluster-admin'), /binds the cluster-admin ClusterRole/],
  ['tenant-cluster-role-binding', (o) => (find(o, 'ClusterRoleBinding', 'viewer').subjects = [{ kind: 'ServiceAccount', name: 'agent', namespace: 'acme' }]), /ServiceAccount acme\/agent of a tenant namespace a cluster-wide role/],
  ['rbac-list-watch-secrets', (o) => (role(o).rules[0].verbs = ['get', 'list']), /rules\[0\] grants list on secrets/],
  ['rbac-secrets-without-resource-names', (o) => delete role(o).rules[0].resourceNames, /rules\[0\] grants get, update on secrets without resourceNames/],
  ['service-account-token-mounted', (o) => delete web(o).automountServiceAccountToken, /mounts a token of service account app\/web, which no Role or ClusterRole binding names/],
  ['namespace-pod-security-labels', (o) => delete find(o, 'Namespace', 'app').metadata.labels['pod-security.kubernetes.io/audit-version'], /Namespace app: \[namespace-pod-security-labels\] lacks the labels pod-security.kubernetes.io\/audit-version/],
  ['deny-policy-with-rules', (o) => (find(o, 'NetworkPolicy', 'default-deny-ingress').spec.ingress = [{ from: [{ podSelector: {} }] }]), /NetworkPolicy acme\/default-deny-ingress: \[deny-policy-with-rules\] is named as a deny but allows traffic \(ingress rules\)/],
  ['allow-from-anywhere-to-all-ports', (o) => delete find(o, 'NetworkPolicy', 'allow-sessions').spec.ingress[0].ports, /NetworkPolicy acme\/allow-sessions: \[allow-from-anywhere-to-all-ports\] ingress\[0\] admits every address to every port/],
  ['egress-to-link-local', (o) => (find(o, 'NetworkPolicy', 'allow-internet-egress').spec.egress[0].to[0].ipBlock.except = ['10.0.0.0/8']), /NetworkPolicy acme\/allow-internet-egress: \[egress-to-link-local\] egress\[0\] ipBlock 0.0.0.0\/0 allows 169.254.0.0\/16, 127.0.0.0\/8, 0.0.0.0\/8/],
  ['reconciler-too-privileged', (o) => (find(o, 'RoleBinding', 'flux-reconciler').roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }), /RoleBinding acme\/flux-reconciler: \[reconciler-too-privileged\] binds flux-reconciler to the admin ClusterRole/],
  ['token-account-creates-secrets-unguarded', (o) => o.push(tokenSecret('app', 'api')), /RoleBinding app\/api: \[token-account-creates-secrets-unguarded\] lets app\/api, whose token Secret is in the output, create Secrets \(Role api\)/],
  ['waiver-without-reason', (o) => (find(o, 'Deployment', 'web').metadata.annotations = { 'clearml-tenancy/lint-waive': 'host-pid' }), /lint-waive "host-pid" has no clearml-tenancy\/lint-waive-reason/],
  ['waiver-unknown-rule', (o) => (find(o, 'Deployment', 'web').metadata.annotations = { 'clearml-tenancy/lint-waive': 'no-such-rule', 'clearml-tenancy/lint-waive-reason': 'test' }), /names unknown rule\(s\) no-such-rule/],
];

function lint(objects: Obj[]) {
  return lintObjects(manifests(objects, 'out.yaml'), FACTS);
}

describe('lintObjects', () => {
  test('passes good objects', () => {
    expect(lint(good()).map(formatFinding)).toEqual([]);
  });

  test('an account with a token that may create Secrets passes when a Deny-bound policy on Secret writes names it, not when it only warns or names another', () => {
    const findings = (extra: Obj[]) => lint([...good(), tokenSecret('app', 'api'), ...extra]).filter((f) => f.rule === 'token-account-creates-secrets-unguarded');
    expect(findings([])).toHaveLength(1);
    expect(findings(secretGuard('api'))).toEqual([]);
    expect(findings(secretGuard('api', ['Warn', 'Audit']))).toHaveLength(1);
    expect(findings(secretGuard('web'))).toHaveLength(1);
    // a pod that mounts the account's token hands it out as well; a namespace-and-prefix guard holds it
    const mounted = (extra: Obj[]) => lint([...good(), ...extra].map((o) => (o.kind === 'StatefulSet' ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, automountServiceAccountToken: true } } } } : o)))
      .filter((f) => f.rule === 'token-account-creates-secrets-unguarded');
    expect(mounted([]).map(formatFinding)).toEqual([expect.stringMatching(/RoleBinding app\/api: .* lets app\/api, whose token StatefulSet app\/api mounts, create Secrets/)]);
    const prefixGuard = secretGuard('x').map((o) => (o.kind === 'ValidatingAdmissionPolicy' ? { ...o, spec: { ...o.spec, matchConditions: [{ name: 'who', expression: "request.userInfo.username.startsWith('system:serviceaccount:app:ap')" }] } } : o));
    expect(mounted(prefixGuard)).toEqual([]);
    const otherNamespace = prefixGuard.map((o) => (o.kind === 'ValidatingAdmissionPolicy' ? { ...o, spec: { ...o.spec, matchConditions: [{ name: 'who', expression: "request.userInfo.username.startsWith('system:serviceaccount:acme:')" }] } } : o));
    expect(mounted(otherNamespace)).toHaveLength(1);
    // a guard made useless guards nobody: negated, failing open, bound to a selection, or without the Opaque check
    const edited = (edit: (policy: any, binding: any) => void) => {
      const objects = JSON.parse(JSON.stringify(secretGuard('api')));
      edit(objects[0], objects[1]);
      return findings(objects);
    };
    expect(edited((p) => (p.spec.matchConditions[0].expression = `!${p.spec.matchConditions[0].expression}`))).toHaveLength(1);
    expect(edited((p) => (p.spec.failurePolicy = 'Ignore'))).toHaveLength(1);
    expect(edited((_, b) => (b.spec.matchResources = { namespaceSelector: { matchLabels: { 'no-such-label': 'x' } } }))).toHaveLength(1);
    expect(edited((p) => (p.spec.validations = [{ expression: 'true' }]))).toHaveLength(1);
    expect(edited((p) => p.spec.matchConditions.push({ name: 'never', expression: 'false' }))).toHaveLength(1);
    expect(edited((p) => (p.spec.failurePolicy = 'Fail'))).toEqual([]);
    // an account with a token but no create right is no finding
    expect(lint([...good(), tokenSecret('app', 'web')]).filter((f) => f.rule === 'token-account-creates-secrets-unguarded')).toEqual([]);
  });

  test('has a case for every rule', () => {
    expect(CASES.map(([rule]) => rule).sort()).toEqual(Object.keys(LINT_RULES).sort());
  });

  test.each(CASES)('catches %s', (rule, breakIt, message) => {
    // GIVEN good objects broken in one way
    const objects = structuredClone(good());
    breakIt(objects);
    // WHEN linted
    const findings = lint(objects);
    // THEN the rule fires, with a message naming the file, the object and what is wrong
    expect(findings.map((f) => f.rule)).toContain(rule);
    expect(findings.filter((f) => f.rule === rule).map(formatFinding).join('\n')).toMatch(new RegExp(`^out\\.yaml: .*${message.source}`, 'm'));
  });

  const plant = (breakIt: (o: Obj[]) => void) => {
    const objects = structuredClone(good());
    breakIt(objects);
    return lint(objects).map(formatFinding).join('\n');
  };

  test('item 8: fails when an ingress rule admits 0.0.0.0/0 to every port', () => {
    expect(plant((o) => delete find(o, 'NetworkPolicy', 'allow-sessions').spec.ingress[0].ports)).toMatch(/acme\/allow-sessions: \[allow-from-anywhere-to-all-ports\]/);
  });

  test('item 9: fails when a default-deny policy allows traffic or selects only some pods', () => {
    expect(plant((o) => (find(o, 'NetworkPolicy', 'default-deny-ingress').spec.ingress = [{ from: [{ namespaceSelector: {} }] }]))).toMatch(/acme\/default-deny-ingress: \[deny-policy-with-rules\] is named as a deny but allows traffic/);
    expect(plant((o) => (find(o, 'NetworkPolicy', 'default-deny-ingress').spec.podSelector = { matchLabels: { app: 'x' } }))).toMatch(/\[deny-policy-with-rules\] is named as a deny but selects only some pods/);
  });

  test('item 4: fails when an egress rule allows link-local, loopback or has no "to"', () => {
    expect(plant((o) => (find(o, 'NetworkPolicy', 'allow-internet-egress').spec.egress[0].to[0].ipBlock = { cidr: '169.254.169.254/32' }))).toMatch(/\[egress-to-link-local\] egress\[0\] ipBlock 169.254.169.254\/32 allows 169.254.0.0\/16/);
    expect(plant((o) => (find(o, 'NetworkPolicy', 'allow-internet-egress').spec.egress[0].to[0].ipBlock = { cidr: '::/0' }))).toMatch(/ipBlock ::\/0 allows fe80::\/10, ::1\/128, ::\/128, fd00:ec2::254\/128/);
    expect(plant((o) => (find(o, 'NetworkPolicy', 'allow-internet-egress').spec.egress = [{ ports: [{ port: 443 }] }]))).toMatch(/egress\[0\] has no "to", so it allows every address/);
  });

  test('item 10: fails when the reconciler is bound to admin or edit, or its Role writes policies or RBAC', () => {
    expect(plant((o) => (find(o, 'RoleBinding', 'flux-reconciler').roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }))).toMatch(/\[reconciler-too-privileged\] binds flux-reconciler to the edit ClusterRole/);
    expect(plant((o) => find(o, 'Role', 'flux-reconciler').rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }))).toMatch(/binds flux-reconciler to Role flux-reconciler, whose rules\[2\] grants create on rolebindings/);
    expect(plant((o) => (find(o, 'Role', 'flux-reconciler').rules[1].verbs = ['patch']))).toMatch(/whose rules\[1\] grants patch on networkpolicies/);
  });

  test('allows privileged pods, host namespaces and root in a namespace enforcing the privileged level', () => {
    const objects = structuredClone(good());
    const d = hardenedDeployment('system', 'driver', 'driver') as any;
    Object.assign(d.spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    objects.push(d, policy('system', 'deny', { podSelector: {} }));
    expect(lint(objects).map(formatFinding)).toEqual([]);
    // and the same pod elsewhere is caught
    d.metadata.namespace = 'app';
    expect(lint(objects).map((f) => f.rule).sort()).toEqual(['host-ipc', 'host-network', 'host-pid', 'privileged-container', 'run-as-root-allowed']);
  });

  test('a waiver with a reason removes only the waived rules of that object', () => {
    const objects = structuredClone(good());
    main_(objects).image = 'nginx:1.27';
    web(objects).hostPID = true;
    find(objects, 'Deployment', 'web').metadata.annotations = { 'clearml-tenancy/lint-waive': 'image-not-pinned', 'clearml-tenancy/lint-waive-reason': 'upstream publishes no digest' };
    expect(lint(objects).map((f) => f.rule)).toEqual(['host-pid']);
  });

  test('a waiver on the pod template works too', () => {
    const objects = structuredClone(good());
    main_(objects).image = 'nginx:1.27';
    find(objects, 'Deployment', 'web').spec.template.metadata.annotations = { 'clearml-tenancy/lint-waive': 'image-not-pinned', 'clearml-tenancy/lint-waive-reason': 'test image' };
    expect(lint(objects)).toEqual([]);
  });

  test('fails when a waiver has no reason: the waiver does not apply', () => {
    const objects = structuredClone(good());
    main_(objects).image = 'nginx:1.27';
    find(objects, 'Deployment', 'web').metadata.annotations = { 'clearml-tenancy/lint-waive': 'image-not-pinned', 'clearml-tenancy/lint-waive-reason': '  ' };
    expect(lint(objects).map((f) => f.rule).sort()).toEqual(['image-not-pinned', 'waiver-without-reason']);
  });
});

describe('lint-policies', () => {
  function run(argv: string[]) {
    let out = '';
    let err = '';
    const code = main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  }

  test('passes a clean folder', () => {
    const dir = writeFolder({ 'app/objects.yaml': good() });
    expect(run([dir])).toMatchObject({ code: 0, out: expect.stringContaining('no findings') });
  });

  test('fails with one line per finding', () => {
    const objects = structuredClone(good());
    main_(objects).image = 'nginx:1.27';
    const dir = writeFolder({ 'app/objects.yaml': objects });
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toBe('app/objects.yaml: Deployment app/web: [image-not-pinned] container "main": image "nginx:1.27" is not pinned by digest (name:tag@sha256:...)\nlint-policies: 1 finding in ' + dir + '\n');
  });

  test('reads the tenant label from the facts file, and refuses a folder without one', () => {
    // GIVEN a ServiceAccount of a namespace labelled team.example.com/name bound cluster-wide
    const binding: Obj = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'team' }] };
    const files = { 'app/objects.yaml': [namespace('team', { ...PSA, 'team.example.com/name': 'team' }), binding] };
    // THEN with the facts naming that label, it is a tenant's account; with the default label, it is not
    expect(run([writeFolder(files, { tenantLabel: 'team.example.com/name', layers: { billing: [] } })]).err).toContain('[tenant-cluster-role-binding] gives the ServiceAccount team/sa of a tenant namespace a cluster-wide role');
    expect(run([writeFolder(files)]).err).not.toContain('tenant-cluster-role-binding');
    // AND a folder without facts is refused, naming the file and how to produce it
    const without = run([writeFolder(files, null)]);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/^cannot read: platform-facts.json: no such file in ".*"; .*npm run synth/m);
  });

  test('lists the rules', () => {
    const { code, out } = run(['--rules']);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(Object.keys(LINT_RULES).length);
  });
});
