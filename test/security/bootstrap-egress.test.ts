/**
 * The tenants' bootstrap Jobs hold the supervisor's credentials: they run in the server namespace, but the
 * server's internet egress (SSO, apps archive) does not select them. What their pods may reach is the union of
 * the egress rules of every policy that selects them: here, of the committed dist/, the two-cluster example's
 * control plane and the current profile, none opens addresses on every port, nor Redis or billing.
 */
import { join } from 'node:path';
import YAML from 'yaml';
import { readFolderFiles } from '../../lib/analysis/manifests';
import { selectorMatches } from '../../lib/analysis/label-selector';
import { renderOutput } from '../../lib/synth';
import { BOOTSTRAP_POD_LABEL } from '../../lib/core/labels';
import { platform as twoClusters } from '../../examples/two-clusters';
import { platform as singleCluster } from '../../main';

const ROOT = join(__dirname, '..', '..');
const objectsOf = (files: ReadonlyMap<string, string>) =>
  [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJSON())).filter((o) => o?.kind);

/** Per bootstrap Job: the egress rules of the policies that select its pods. */
function bootstrapEgress(objects: any[]): Map<string, { policy: string; rule: any }[]> {
  const out = new Map<string, { policy: string; rule: any }[]>();
  const jobs = objects.filter((o) => o.kind === 'Job' && o.spec.template.metadata?.labels?.[BOOTSTRAP_POD_LABEL.key] === BOOTSTRAP_POD_LABEL.value);
  for (const job of jobs) {
    const labels = job.spec.template.metadata.labels;
    const rules = objects
      .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === job.metadata.namespace && selectorMatches(o.spec.podSelector ?? {}, labels))
      .flatMap((p) => (p.spec.egress ?? []).map((rule: any) => ({ policy: p.metadata.name, rule })));
    out.set(job.metadata.name, rules);
  }
  return out;
}

const opensAddressesOnEveryPort = (rule: any) => (rule.ports ?? []).length === 0 && (rule.to ?? []).some((peer: any) => peer.ipBlock !== undefined);

describe('the bootstrap Jobs get no internet egress', () => {
  const outputs: [string, any[]][] = [
    ['dist/', objectsOf(readFolderFiles(join(ROOT, 'dist')))],
    ['the two-cluster control plane', objectsOf(new Map([...renderOutput({ platform: twoClusters, tenantsDir: join(ROOT, 'tenants') })].filter(([p]) => p.startsWith('clusters/hq/'))))],
    ['the current profile', objectsOf(renderOutput({ platform: { ...singleCluster, profile: 'current' }, tenantsDir: join(ROOT, 'tenants') }))],
  ];

  test.each(outputs)('%s: no policy that selects a bootstrap Job opens addresses on every port', (_, objects) => {
    const egress = bootstrapEgress(objects);
    expect(egress.size).toBe(3);
    for (const [, rules] of egress) {
      expect(rules.filter((r) => opensAddressesOnEveryPort(r.rule)).map((r) => r.policy)).toEqual([]);
      // what they do get: their own namespace (the apiserver), the DNS and the Kubernetes API (and the workers' API servers); not Redis or billing
      expect(rules.map((r) => r.policy)).toEqual(expect.arrayContaining(['allow-same-namespace-egress', 'allow-dns-egress', 'allow-kubernetes-api-egress']));
      expect(rules.map((r) => r.policy).filter((p) => p.startsWith('allow-egress-to-'))).toEqual([]);
    }
  });

  test("dist/: the server's pods keep their internet egress", () => {
    const objects = outputs[0][1];
    const internet = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'clearml' && o.metadata.name === 'allow-internet-egress');
    expect(selectorMatches(internet.spec.podSelector, { 'app.kubernetes.io/name': 'clearml-clearml-enterprise' })).toBe(true);
    expect(selectorMatches(internet.spec.podSelector, { [BOOTSTRAP_POD_LABEL.key]: BOOTSTRAP_POD_LABEL.value, 'clearml-tenancy/tenant': 'acme' })).toBe(false);
    expect(opensAddressesOnEveryPort(internet.spec.egress[0])).toBe(true);
  });
});
