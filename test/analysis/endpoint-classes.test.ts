import { mergeEquivalentEndpoints } from '../../lib/analysis/endpoint-classes';
import { NetworkPolicyEvaluator } from '../../lib/analysis/network-policy-evaluator';
import { deployment, helmRelease, model, namespace, policy } from './fixtures';

const describeMatrix = (m: ReturnType<typeof model>) => {
  const r = new NetworkPolicyEvaluator(m).evaluate();
  return [...r.matrix].flatMap(([from, row]) => [...row].map(([to, ports]) => `${from}->${to}: ${ports.describe()}`)).sort();
};

describe('mergeEquivalentEndpoints', () => {
  // Per-tenant Jobs in the server namespace: labels differ by tenant, no policy tells them apart except "api"
  const objects = [
    namespace('clearml'),
    namespace('other'),
    ...['a', 'b', 'c'].map((t) => ({ ...deployment('clearml', `bootstrap-${t}`, { app: 'bootstrap', tenant: t }), kind: 'Job' })),
    deployment('clearml', 'api', { app: 'api' }, [{ name: 'http', containerPort: 8008 }]),
    deployment('other', 'client', { app: 'client' }),
    helmRelease('clearml', 'chart'),
    policy('clearml', 'deny', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'bootstrap' } } }] }] }),
    policy('clearml', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] }] }),
  ];

  test('merges pods that no selector tells apart, keeps the others and the unknown pods apart', () => {
    const m = model(objects);
    const merged = mergeEquivalentEndpoints(m);
    expect(m.endpoints).toHaveLength(6);
    // the three bootstrap Jobs are one class; api, the chart's unknown pods and other/client stay
    expect(merged.endpoints).toHaveLength(4);
    const jobs = merged.endpoints.find((e) => e.origins.some((o) => o.includes('bootstrap-a')))!;
    expect(jobs.origins).toHaveLength(3);
  });

  test('a selector that tells two pods apart keeps them apart', () => {
    const m = model([...objects, policy('other', 'only-b', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { tenant: 'b' } } }] }] })]);
    expect(mergeEquivalentEndpoints(m).endpoints).toHaveLength(5);
    // and the evaluation of the merged model is the same as of the original
    expect(describeMatrix(mergeEquivalentEndpoints(m))).toEqual(describeMatrix(m));
  });

  test('the merged model evaluates to the same matrix', () => {
    const m = model(objects);
    expect(describeMatrix(mergeEquivalentEndpoints(m))).toEqual(describeMatrix(m));
  });
});
