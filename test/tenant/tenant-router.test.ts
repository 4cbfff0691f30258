import { resolvePlatform } from '../../lib/platform/platform';
import { collectSecretRequirements } from '../../lib/security/secret-reference';
import { TenantRouter } from '../../lib/tenant/tenant-router';
import { platform as platformProps } from '../fixtures/platform';
import { FULL, MINIMAL, inChart, platform, tenantFrom } from './helpers';

describe('TenantRouter', () => {
  const full = inChart((chart) => new TenantRouter(chart, 'Router', { tenant: tenantFrom(FULL), platform, after: [{ name: 'clearml', namespace: 'clearml' }] }));
  const release = full.manifests.find((o) => o.kind === 'HelmRelease');

  test('snapshot', () => {
    expect(full.manifests).toMatchSnapshot();
  });

  test('is the clearml-ttr release of the router chart, after the server', () => {
    expect(release).toHaveProperty('metadata', { name: 'clearml-ttr', namespace: 'acme' });
    expect(release).toHaveProperty('spec.chart.spec.chart', 'clearml-task-traffic-router');
    expect(release).toHaveProperty('spec.dependsOn', [{ name: 'clearml', namespace: 'clearml' }]);
  });

  test('talks to the apiserver inside the cluster with the bootstrap credentials', () => {
    expect(release).toHaveProperty('spec.values.clearml', { apiServerUrlReference: 'http://clearml-enterprise-apiserver.clearml:8008' });
    expect(release.spec.valuesFrom).toEqual([
      { kind: 'Secret', name: 'clearml-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' },
      { kind: 'Secret', name: 'clearml-router-credentials', valuesKey: 'access_key', targetPath: 'clearml.apiserverKey' },
      { kind: 'Secret', name: 'clearml-router-credentials', valuesKey: 'secret_key', targetPath: 'clearml.apiserverSecret' },
    ]);
    const secrets = collectSecretRequirements([full.result]);
    expect(secrets.find((s) => s.name === 'clearml-router-credentials')).toEqual(expect.objectContaining({ namespace: 'acme', keys: ['access_key', 'secret_key'], providedBy: 'bootstrap' }));
    expect(secrets.find((s) => s.name === 'clearml-registry')).toHaveProperty('providedBy', 'operator');
  });

  test('serves the tenant router host; the default is <name>-apps.<baseDomain>', () => {
    expect(release).toHaveProperty('spec.values.ingress', { enabled: true, hostName: 'acme-apps.clearml.example.com' });
    const minimal = inChart((chart) => new TenantRouter(chart, 'Router', { tenant: tenantFrom(MINIMAL), platform })).manifests[0];
    expect(minimal).toHaveProperty('spec.values.ingress.hostName', 'globex-apps.clearml.example.com');
  });

  test("uses the server's ingress class when the platform sets one", () => {
    const p = resolvePlatform({ ...platformProps, server: { ...platformProps.server, ingressClassName: 'nginx' } });
    const manifests = inChart((chart) => new TenantRouter(chart, 'Router', { tenant: tenantFrom(MINIMAL), platform: p })).manifests;
    expect(manifests[0]).toHaveProperty('spec.values.ingress.ingressClassName', 'nginx');
  });
});
