/** The app gateway construct on its own (lib/components/app-gateway): narrow props in, one release out. */
import { AppGateway, AppGatewayPolicies, appGatewayValues } from '../../lib/components/app-gateway';
import { ChartCatalog } from '../../lib/gitops/chart-catalog';
import { collectSecretRequirements } from '../../lib/security/secret-reference';
import { only, synthOf } from '../helpers';
import { Testing, Chart } from 'cdk8s';

const catalog = new ChartCatalog({ flavor: 'flux', sourceNamespace: 'flux-system', sources: { 'clearml-enterprise': { type: 'oci', url: 'oci://docker.io/clearml', secretName: 'reg' } } });
const props = {
  namespace: 'acme',
  chart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-app-gateway', version: '3.2.0' },
  catalog,
  credentials: { name: 'clearml-router-credentials', accessKeyKey: 'access_key', secretKeyKey: 'secret_key', purpose: 'router key' },
  registryPassword: { secret: { name: 'clearml-registry', key: 'password' }, targetPath: 'imageCredentials.password', purpose: 'registry token' },
  apiServerUrl: 'https://api.example.com',
  authCookieName: 'clearml_token_basic',
  hostName: 'acme-apps.example.com',
  ingressClassName: 'nginx',
  streamSession: { routerAddress: '10.0.0.5', serviceType: 'LoadBalancer' as const, portRange: { start: 32000, end: 32000 } },
};

describe('AppGateway', () => {
  test('writes the documented values, the credentials by Secret, and declares the router Secret as the bootstrap\'s', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    new AppGateway(chart, 'Gw', props);
    const release = only(Testing.synth(chart), 'HelmRelease', 'clearml-app-gateway');
    expect(release.spec.values).toEqual({
      clearml: { apiServerUrlReference: 'https://api.example.com', authCookieName: 'clearml_token_basic' },
      ingress: { enabled: true, hostName: 'acme-apps.example.com', ingressClassName: 'nginx' },
      streamSession: { routerAddress: '10.0.0.5', service: { type: 'LoadBalancer' }, portRange: { start: 32000, end: 32000 } },
    });
    expect(release.spec.valuesFrom.map((v: any) => v.targetPath)).toEqual(['imageCredentials.password', 'clearml.apiKey', 'clearml.apiSecret']);
    const router = collectSecretRequirements([chart]).find((r) => r.name === 'clearml-router-credentials');
    expect(router).toMatchObject({ namespace: 'acme', keys: ['access_key', 'secret_key'], providedBy: 'bootstrap' });
  });

  test('refuses an apiserver URL that is not the public https://api. one', () => {
    expect(() => appGatewayValues({ ...props, apiServerUrl: 'http://clearml-enterprise-apiserver.clearml:8008' })).toThrow(/must start with "https:\/\/api\."/);
  });

  test('one stream port is a rule without endPort, for TCP and UDP', () => {
    const policy = only(synthOf((s) => new AppGatewayPolicies(s, 'P', { namespace: 'acme', ingressNamespace: 'ingress-nginx', streamPorts: { start: 32000, end: 32000 } })), 'NetworkPolicy', 'allow-stream-session-ports');
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 32000 }, { protocol: 'UDP', port: 32000 }]);
  });
});
