import YAML from 'yaml';
import { renderOutput } from '../../lib/synth';
import { basePlatform } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

/** The example tenants of tenants/, so each flavor meets the real tenant folders. */
const TENANTS = FIXTURE_TENANTS_DIR;

const ARGO = { flavor: 'argocd' as const, repoURL: 'https://git.example.com/platform.git' };

function objects(files: Map<string, string>, path: string): Record<string, any>[] {
  return YAML.parseAllDocuments(files.get(path) ?? '').map((d) => d.toJS());
}

describe('k3s flavor', () => {
  const files = renderOutput({ platform: basePlatform({ gitops: 'k3s' }) });

  test('writes HelmCharts in the release namespace, secrets through valuesSecrets, no Flux folders', () => {
    const chart = objects(files, 'server/clearml-server.yaml').find((o) => o.kind === 'HelmChart')!;
    expect(chart).toHaveProperty('apiVersion', 'helm.cattle.io/v1');
    expect(chart).toHaveProperty('metadata.namespace', 'clearml');
    expect(chart).toHaveProperty('spec.targetNamespace', 'clearml');
    expect(chart).toHaveProperty('spec.valuesSecrets', [{ name: 'clearml-helm-values', keys: ['values.yaml'] }]);
    expect(chart).toHaveProperty('spec.authSecret', { name: 'clearml-enterprise-helm-repo' });
    expect([...files.keys()].some((f) => f.startsWith('flux/') || f.startsWith('sources/'))).toBe(false);
    expect(files.get('secrets-inventory.json')).toContain('"name": "clearml-helm-values"');
  });

  test('orders folders in apply-order.txt', () => {
    expect(files.get('apply-order.txt')).toBe('gpu\nserver\nserver-apps\n');
  });

  test('fails when there are tenants: helm-controller would give each tenant namespace a cluster-admin account', () => {
    expect(() => renderOutput({ platform: basePlatform({ gitops: 'k3s' }), tenantsDir: TENANTS })).toThrow(
      /gitops: "k3s": cannot install tenants \(3 tenant files\): the k3s helm-controller runs each install as a ServiceAccount bound to cluster-admin/,
    );
  });

  test('fails when a chart comes from a Git source', () => {
    const platform = basePlatform({ gitops: 'k3s', sources: { charts: { type: 'git', url: 'https://git.example.com/charts.git', tag: 'v1' } }, billing: { chart: { source: 'charts', chart: 'billing.tgz', version: '1.1.0' } } });
    expect(() => renderOutput({ platform })).toThrow('release clearml-billing/clearml-billing: chart source "charts" is a Git repository, which the k3s helm-controller cannot install from');
  });
});

describe('argocd flavor', () => {
  const files = renderOutput({ platform: basePlatform({ gitops: ARGO, billing: { enabled: false }, tenantReleases: { routerEnabled: false } }), tenantsDir: TENANTS });

  test('writes an Application per release with sync waves after its dependencies', () => {
    const redis = objects(files, 'server/shared-redis.yaml').find((o) => o.kind === 'Application')!;
    const clearml = objects(files, 'server/clearml-server.yaml').find((o) => o.kind === 'Application')!;
    expect(redis).toHaveProperty(['metadata', 'annotations', 'argocd.argoproj.io/sync-wave'], '1');
    expect(clearml).toHaveProperty(['metadata', 'annotations', 'argocd.argoproj.io/sync-wave'], '2');
    expect(clearml).toHaveProperty('spec.source.helm.valuesObject.imageCredentials.existingSecret', 'clearml-registry-pull');
    expect(clearml).toHaveProperty('spec.destination.namespace', 'clearml');
  });

  test('writes folder Applications ordered by wave, tenants by shard', () => {
    const apps = objects(files, 'argocd/applications.yaml');
    const wave = (name: string): string => apps.find((a) => a.metadata.name === name)!.metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect([wave('gpu'), wave('server'), wave('server-apps')]).toEqual(['0', '1', '2']);
    expect(apps.find((a) => a.metadata.name === 'server')).toHaveProperty('spec.source.path', 'dist/server');
    expect(apps.some((a) => a.metadata.name.startsWith('tenants-'))).toBe(true);
    const job = objects(files, 'tenants/acme/bootstrap/bootstrap.yaml').find((o) => o.kind === 'Job');
    expect(job).toHaveProperty(['metadata', 'annotations', 'argocd.argoproj.io/sync-options'], 'Force=true,Replace=true');
    expect(objects(files, 'tenants/acme/workloads/agent.yaml')[0]).toHaveProperty('kind', 'Application');
    expect(files.has('tenants/acme/workloads/router.yaml')).toBe(false);
  });

  test('fails when the router (its credentials come from the bootstrap Secret) is on', () => {
    expect(() => renderOutput({ platform: basePlatform({ gitops: ARGO, billing: { enabled: false } }), tenantsDir: TENANTS })).toThrow(
      /release acme\/clearml-ttr: the value clearml.apiserverKey comes from the Secret clearml-router-credentials that the tenant bootstrap creates.*set tenantReleases.routerEnabled to false/,
    );
  });

  test('fails when a secret value has no existingSecret-style alternative', () => {
    expect(() => renderOutput({ platform: basePlatform({ gitops: ARGO }) })).toThrow(
      /release clearml-billing\/clearml-billing: the value imageCredentials.password .* Argo CD has no way to read a Secret key into a Helm value/,
    );
  });

  test('fails when repoURL is missing', () => {
    expect(() => renderOutput({ platform: basePlatform({ gitops: { flavor: 'argocd' }, billing: { enabled: false } }) })).toThrow('gitops.repoURL: (missing): is required for the "argocd" flavor');
  });
});

describe('k3s install Jobs', () => {
  test("each HelmChart comes with an egress policy for its install Job's pods: the API and the chart source", () => {
    const files = renderOutput({ platform: basePlatform({ gitops: 'k3s', network: { kubernetesApiCidrs: ['10.0.0.1/32'] } }) });
    const policy = objects(files, 'server/shared-redis.yaml').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'helm-install-redis')!;
    expect(policy).toHaveProperty('metadata.namespace', 'redis-shared');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'helmcharts.helm.cattle.io/chart': 'redis' } });
    expect(policy.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8', '0.0.0.0/8'] } }] },
    ]);
  });
});
