import { NetworkPolicyEvaluator } from '../../lib/analysis/network-policy-evaluator';
import { ClusterModel } from '../../lib/analysis/cluster-model';
import { deployment, endpoint, helmRelease, model, namespace, policy } from './fixtures';

/** Two namespaces with one web and one db pod each; the policies under test are added per case. */
function twoNamespaces(...policies: ReturnType<typeof policy>[]) {
  return model([
    namespace('a', { team: 'red' }),
    namespace('b', { team: 'blue' }),
    deployment('a', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]),
    deployment('a', 'db', { app: 'db' }),
    deployment('b', 'web', { app: 'web' }),
    deployment('b', 'db', { app: 'db' }),
    ...policies,
  ]);
}

function check(m: ClusterModel) {
  const ev = new NetworkPolicyEvaluator(m);
  const e = (ns: string, name: string) => endpoint(m, ns, name);
  return { ev, e, allows: (from: string, to: string, port: number | string, protocol?: 'TCP' | 'UDP' | 'SCTP') => ev.allows(e(...(from.split('/') as [string, string])), e(...(to.split('/') as [string, string])), port, protocol) };
}

describe('NetworkPolicyEvaluator', () => {
  test('without policies every pod reaches every pod and the internet', () => {
    const { ev, allows, e } = check(twoNamespaces());
    expect(allows('a/web', 'b/db', 5432)).toBe(true);
    expect(ev.allowedPorts(e('a', 'web'), 'internet').isAll).toBe(true);
    expect(ev.isIsolated(e('a', 'web'), 'ingress')).toBe(false);
  });

  test('deny-all ingress isolates every pod of the namespace for ingress only', () => {
    // GIVEN a policy with an empty podSelector and no ingress rule
    const { ev, allows, e } = check(twoNamespaces(policy('b', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })));
    // THEN nothing reaches b, not even b itself, and b may still open connections
    expect(allows('a/web', 'b/db', 5432)).toBe(false);
    expect(allows('b/web', 'b/db', 5432)).toBe(false);
    expect(allows('b/web', 'a/db', 5432)).toBe(true);
    expect(ev.isIsolated(e('b', 'db'), 'egress')).toBe(false);
    expect(ev.allowedPorts('internet', e('b', 'web')).isEmpty).toBe(true);
  });

  test('deny-all egress blocks connections out of the namespace and to the internet', () => {
    const { ev, allows, e } = check(twoNamespaces(policy('a', 'deny', { podSelector: {}, policyTypes: ['Egress'] })));
    expect(allows('a/web', 'b/db', 5432)).toBe(false);
    expect(allows('a/web', 'a/db', 5432)).toBe(false);
    expect(allows('b/web', 'a/db', 5432)).toBe(true);
    expect(ev.allowedPorts(e('a', 'web'), 'internet').isEmpty).toBe(true);
  });

  test('same-namespace only: ingress from podSelector {} admits the namespace and nobody else', () => {
    const { allows } = check(twoNamespaces(policy('a', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })));
    expect(allows('a/web', 'a/db', 5432)).toBe(true);
    expect(allows('b/web', 'a/db', 5432)).toBe(false);
  });

  test('allow from a namespace by label (matchLabels and matchExpressions)', () => {
    const { allows } = check(
      twoNamespaces(
        policy('a', 'from-blue', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] }),
        policy('b', 'from-not-blue', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['blue'] }] } }] }] }),
      ),
    );
    expect(allows('b/web', 'a/db', 5432)).toBe(true);
    expect(allows('a/web', 'a/db', 5432)).toBe(false);
    expect(allows('a/web', 'b/db', 5432)).toBe(true);
    expect(allows('b/web', 'b/db', 5432)).toBe(false);
  });

  test('Exists and DoesNotExist on namespace labels', () => {
    const { allows } = check(
      twoNamespaces(
        policy('a', 'from-team', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }] }] }),
        policy('b', 'from-untagged', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }] }] }),
      ),
    );
    expect(allows('b/web', 'a/db', 1)).toBe(true);
    expect(allows('a/web', 'b/db', 1)).toBe(false);
  });

  test('DNS egress to kube-dns in kube-system on 53 UDP and TCP; kube-system is modelled from the reference', () => {
    // GIVEN deny-all egress plus the usual DNS rule towards a namespace that the folder does not create
    const m = twoNamespaces(
      policy('a', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('a', 'dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
          },
        ],
      }),
    );
    const ev = new NetworkPolicyEvaluator(m);
    // THEN kube-system exists with an unknown, unisolated pod that gets DNS traffic only
    expect(m.namespaces.get('kube-system')).toMatchObject({ origin: 'external', labels: { 'kubernetes.io/metadata.name': 'kube-system' } });
    const dns = endpoint(m, 'kube-system');
    expect(dns.labels).toBeUndefined();
    expect(ev.allowedPorts(endpoint(m, 'a', 'web'), dns).describe()).toBe('TCP 53; UDP 53');
    expect(ev.allows(endpoint(m, 'a', 'web'), dns, 80)).toBe(false);
    expect(ev.allows(endpoint(m, 'a', 'web'), endpoint(m, 'b', 'db'), 53, 'UDP')).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer mean AND; as two peers they mean OR', () => {
    const and = check(twoNamespaces(policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchLabels: { app: 'web' } } }] }] })));
    expect(and.allows('b/web', 'a/db', 1)).toBe(true);
    expect(and.allows('b/db', 'a/db', 1)).toBe(false);
    expect(and.allows('a/web', 'a/db', 1)).toBe(false);
    const or = check(twoNamespaces(policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }] })));
    expect(or.allows('b/web', 'a/db', 1)).toBe(true);
    expect(or.allows('b/db', 'a/db', 1)).toBe(true);
    expect(or.allows('a/web', 'a/db', 1)).toBe(true);
    expect(or.allows('a/db', 'a/db', 1)).toBe(false);
  });

  test('ipBlock matches the internet but never pods', () => {
    const { ev, allows, e } = check(
      twoNamespaces(
        policy('a', 'in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
        policy('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] }),
      ),
    );
    expect(allows('b/web', 'a/db', 443)).toBe(false);
    expect(ev.allows('internet', e('a', 'db'), 443)).toBe(true);
    expect(ev.allowedPorts(e('b', 'web'), 'internet').describe()).toBe('TCP 443');
  });

  test('ipBlocks of private ranges only are not the internet', () => {
    const { ev, e } = check(
      twoNamespaces(
        policy('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '192.168.0.0/16' } }, { ipBlock: { cidr: 'fd00::/8' } }] }] }),
        policy('b', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }] }),
      ),
    );
    expect(ev.allowedPorts(e('a', 'web'), 'internet').isEmpty).toBe(true);
    expect(ev.allowedPorts(e('b', 'web'), 'internet').isAll).toBe(true);
  });

  test('ports: numbers, endPort ranges, protocol defaulting to TCP', () => {
    const { allows } = check(
      twoNamespaces(policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 5432 }, { port: 8000, endPort: 8010 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP' }] }] })),
    );
    expect(allows('b/web', 'a/db', 5432)).toBe(true);
    expect(allows('b/web', 'a/db', 5432, 'UDP')).toBe(false);
    expect(allows('b/web', 'a/db', 8005)).toBe(true);
    expect(allows('b/web', 'a/db', 8011)).toBe(false);
    expect(allows('b/web', 'a/db', 53, 'UDP')).toBe(true);
    expect(allows('b/web', 'a/db', 53)).toBe(false);
    expect(allows('b/web', 'a/db', 9999, 'SCTP')).toBe(true);
  });

  test('a named port matches only pods that declare it', () => {
    const { ev, allows, e } = check(twoNamespaces(policy('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })));
    expect(allows('b/web', 'a/web', 8080)).toBe(true);
    expect(allows('b/web', 'a/web', 'http')).toBe(true);
    expect(allows('b/web', 'a/web', 80)).toBe(false);
    expect(ev.allowedPorts(e('b', 'web'), e('a', 'db')).isEmpty).toBe(true);
  });

  test('policyTypes default: Ingress, plus Egress only when there is an egress rule', () => {
    // GIVEN a policy with only egress rules and no policyTypes: it also isolates for ingress
    const withEgress = check(twoNamespaces(policy('a', 'p', { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] })));
    expect(withEgress.ev.isIsolated(withEgress.e('a', 'web'), 'ingress')).toBe(true);
    expect(withEgress.ev.isIsolated(withEgress.e('a', 'web'), 'egress')).toBe(true);
    expect(withEgress.allows('b/web', 'a/db', 443)).toBe(false);
    expect(withEgress.allows('a/web', 'b/db', 443)).toBe(true);
    expect(withEgress.allows('a/web', 'b/db', 80)).toBe(false);
    // GIVEN `egress: []` and no policyTypes: ingress only
    const emptyEgress = check(twoNamespaces(policy('a', 'p', { podSelector: {}, egress: [] })));
    expect(emptyEgress.ev.isIsolated(emptyEgress.e('a', 'web'), 'egress')).toBe(false);
    expect(emptyEgress.allows('a/web', 'b/db', 80)).toBe(true);
  });

  test('from missing or empty allows every source; ingress [] allows none, ingress [{}] allows all', () => {
    const cases: [Record<string, unknown>, boolean][] = [
      [{ ingress: [{ ports: [{ port: 80 }] }] }, true],
      [{ ingress: [{ from: [], ports: [{ port: 80 }] }] }, true],
      [{ ingress: [{}] }, true],
      [{ ingress: [] }, false],
      [{ policyTypes: ['Ingress'] }, false],
    ];
    for (const [spec, expected] of cases) {
      const { ev, allows, e } = check(twoNamespaces(policy('a', 'p', { podSelector: {}, ...spec })));
      expect([spec, allows('b/web', 'a/db', 80)]).toEqual([spec, expected]);
      expect([spec, ev.allows('internet', e('a', 'db'), 80)]).toEqual([spec, expected]);
    }
  });

  test('a policy selecting some labels isolates only those pods', () => {
    const { allows } = check(twoNamespaces(policy('a', 'db-only', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })));
    expect(allows('b/web', 'a/db', 5432)).toBe(false);
    expect(allows('b/web', 'a/web', 5432)).toBe(true);
  });

  test('pods of a Helm release are isolated only by {} policies, and then get what any policy of the namespace allows', () => {
    // GIVEN a namespace whose pods come from a Helm release
    const base = [namespace('a'), namespace('h'), deployment('a', 'web', { app: 'web' }), helmRelease('h', 'chart')];
    const labelOnly = model([...base, policy('h', 'router', { podSelector: { matchLabels: { app: 'router' } }, policyTypes: ['Ingress'] })]);
    const ev1 = new NetworkPolicyEvaluator(labelOnly);
    // THEN a label-specific policy does not isolate the unknown pods
    expect(ev1.isIsolated(endpoint(labelOnly, 'h'), 'ingress')).toBe(false);
    expect(ev1.allows(endpoint(labelOnly, 'a'), endpoint(labelOnly, 'h'), 80)).toBe(true);
    // GIVEN a deny-all plus a label-specific allow
    const withDeny = model([
      ...base,
      policy('h', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('h', 'router', { podSelector: { matchLabels: { app: 'router' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] }] }),
    ]);
    const ev2 = new NetworkPolicyEvaluator(withDeny);
    // THEN the pods are isolated, but the router's allowance still counts, with the port name unresolved
    expect(ev2.isIsolated(endpoint(withDeny, 'h'), 'ingress')).toBe(true);
    expect(ev2.allowedPorts(endpoint(withDeny, 'a'), endpoint(withDeny, 'h')).describe()).toBe('TCP name:http');
    expect(ev2.allows(endpoint(withDeny, 'a'), endpoint(withDeny, 'h'), 'http')).toBe(true);
  });

  test('unknown pods match any podSelector of a peer', () => {
    const m = model([
      namespace('a'),
      namespace('h'),
      deployment('a', 'db', { app: 'db' }),
      helmRelease('h', 'chart'),
      policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'h' } }, podSelector: { matchLabels: { app: 'agent' } } }] }] }),
    ]);
    expect(new NetworkPolicyEvaluator(m).allows(endpoint(m, 'h'), endpoint(m, 'a'), 1)).toBe(true);
  });

  test('policies that cannot be understood are reported', () => {
    const m = twoNamespaces(
      policy('a', 'bad', {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }, {}, { podSelector: { matchExpressions: [{ key: 'x', operator: 'Equals' }] } }], ports: [{ port: 80, protocol: 'ICMP' }, { port: 90, endPort: 80 }] }],
      }),
    );
    const problems = new NetworkPolicyEvaluator(m).evaluate().problems.join('\n');
    expect(problems).toMatch(/NetworkPolicy a\/bad \(all.yaml\): ingress rule: ipBlock .* is not a valid CIDR/);
    expect(problems).toMatch(/a peer needs podSelector, namespaceSelector or ipBlock/);
    expect(problems).toMatch(/operator is "Equals"; allowed: In, NotIn, Exists, DoesNotExist/);
    expect(problems).toMatch(/protocol "ICMP" is not TCP, UDP or SCTP/);
    expect(problems).toMatch(/endPort 80 needs a numbered port not above it/);
  });
});

describe('NetworkPolicyEvaluator.evaluate', () => {
  /** A mix of every feature, to compare the bulk evaluation with the pair-by-pair definition. */
  function mixed() {
    return model([
      namespace('a', { team: 'red' }),
      namespace('b', { team: 'blue' }),
      namespace('h'),
      deployment('a', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]),
      deployment('a', 'db', { app: 'db' }),
      deployment('b', 'web', { app: 'web' }, [{ name: 'http', containerPort: 9090 }]),
      deployment('b', 'db', { app: 'db' }),
      helmRelease('h', 'chart'),
      policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }], ports: [{ port: 'http' }] }], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }, { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'h' } } }], ports: [{ port: 7000, endPort: 7005 }] }] }),
      policy('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      policy('b', 'out', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ port: 'http' }, { port: 443 }] }] }),
      policy('h', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('h', 'from-red', { podSelector: { matchLabels: { x: 'y' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'red' } }, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 7000, endPort: 7001 }] }] }),
      policy('h', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ]);
  }

  test('agrees with the pair-by-pair definition on every endpoint pair', () => {
    const m = mixed();
    const ev = new NetworkPolicyEvaluator(m);
    const result = ev.evaluate();
    const bulk = new Map(result.paths.map((p) => [`${p.from.id}>${p.to.id}`, p.ports.describe()]));
    const pairwise = new Map<string, string>();
    for (const a of m.endpoints) for (const b of m.endpoints) {
      const ports = ev.allowedPorts(a, b);
      if (!ports.isEmpty) pairwise.set(`${a.id}>${b.id}`, ports.describe());
    }
    expect(bulk).toEqual(pairwise);
    expect(bulk.size).toBeGreaterThan(3);
    for (const e of m.endpoints) expect(result.internetEgress.get(e.namespace)).toBeDefined();
  });

  test('summarises ports per namespace pair and the internet', () => {
    const result = new NetworkPolicyEvaluator(mixed()).evaluate();
    expect(result.matrix.get('a')?.get('a')?.describe()).toBe('TCP 5432');
    expect(result.matrix.get('b')?.get('a')?.describe()).toBe('TCP 8080');
    expect(result.matrix.get('a')?.get('h')?.describe()).toBe('TCP 7000-7001');
    expect(result.matrix.get('h')?.get('kube-system')?.describe()).toBe('UDP 53');
    expect(result.matrix.get('h')?.get('a')).toBeUndefined();
    expect(result.internetEgress.get('a')?.isEmpty).toBe(true);
    expect(result.internetEgress.get('b')?.isAll).toBe(true);
    expect(result.internetEgress.get('h')?.isEmpty).toBe(true);
    expect(result.internetIngress.get('kube-system')?.isAll).toBe(true);
  });
});

describe('NetworkPolicyEvaluator.evaluate limits', () => {
  test('stops at maxPaths and says so', () => {
    const m = model([namespace('a'), namespace('b'), deployment('a', 'x', { app: 'x' }), deployment('a', 'y', { app: 'y' }), deployment('b', 'x', { app: 'x' })]);
    const result = new NetworkPolicyEvaluator(m).evaluate({ maxPaths: 2 });
    expect(result.truncated).toBe(true);
    expect(result.problems).toEqual([expect.stringMatching(/^more than 2 allowed paths between pods: evaluation stopped early/)]);
    expect(new NetworkPolicyEvaluator(m).evaluate().truncated).toBe(false);
  });
});
