import { ClearmlServer } from '../../lib/components/clearml-server/clearml-server';
import { clearmlServerProps as propsOf, serverTenantPorts } from '../../lib/components/clearml-server/descriptor';
import type { ComponentEndpoint } from '../../lib/components/component';
import { componentEndpoints } from '../../lib/components/derived';
import { ResolvedPlatform } from '../../lib/platform/platform';

/** The server's props as the registry builds them (with the enabled components' endpoints). */
const clearmlServerProps = (platform: ResolvedPlatform, after?: Parameters<typeof propsOf>[2]) => propsOf(platform, componentEndpoints(platform), after);
import { envEntry, only, platformWith, synthOf } from '../helpers';

const SERVER = {
  supervisor: { email: 'root@example.com' },
  sso: {
    clientId: 'client-1',
    clientSecret: { name: 'sso', key: 'secret' },
    baseUrl: 'https://login.example.com',
    authorizeUrl: 'https://login.example.com/authorize',
    accessTokenUrl: 'https://login.example.com/token',
    audience: 'aud',
  },
  groups: [{ key: 'my_group_name', id: '3F2B8C1E-9A4D-4C7E-8B1A-2D5E6F7A8B9C', name: 'My Group Name', features: ['applications' as const, 'reports' as const] }],
};

function serverObjects(overrides = {}) {
  return synthOf((s) => new ClearmlServer(s, 'server', clearmlServerProps(platformWith({ server: { ...SERVER, ...overrides } }), [{ name: 'redis', namespace: 'redis-shared' }])));
}

describe('ClearmlServer', () => {
  test('minimal props: snapshot', () => {
    expect(synthOf((s) => new ClearmlServer(s, 'server', clearmlServerProps(platformWith())))).toMatchSnapshot();
  });

  test('all props: snapshot', () => {
    expect(serverObjects({ ingressClassName: 'nginx', extraApiserverEnv: { CLEARML__services__x__y: '1' } })).toMatchSnapshot();
  });

  test('chart values of the runbook: cookie domain, image tags, ingress hosts, ClusterIP services, applications', () => {
    const values = only(serverObjects(), 'HelmRelease').spec.values;
    expect(values.clearml).toEqual({ cookieDomain: 'example.com' });
    expect(values.apiserver.image).toEqual({ tag: '3.21.6-1443' });
    expect(values.webserver.image).toEqual({ tag: '3.21.3-1657' });
    expect(values.apiserver.ingress).toEqual({ enabled: true, hostName: 'api.example.com' });
    expect(values.fileserver.ingress).toEqual({ enabled: true, hostName: 'file.example.com' });
    expect(values.webserver.ingress).toEqual({ enabled: true, hostName: 'app.example.com' });
    for (const part of ['apiserver', 'fileserver', 'webserver']) expect(values[part].service).toEqual({ type: 'ClusterIP' });
    expect(values.clearmlApplications).toEqual({ enabled: true });
  });

  test('secrets are references: supervisor key/secret, SSO client secret, Kafka password, registry token', () => {
    const release = only(serverObjects(), 'HelmRelease');
    const env = release.spec.values.apiserver.extraEnvs;
    expect(envEntry(env, 'CLEARML__secure__credentials__supervisor__user_key')).toEqual({
      name: 'CLEARML__secure__credentials__supervisor__user_key',
      valueFrom: { secretKeyRef: { name: 'clearml-supervisor-credentials', key: 'access_key' } },
    });
    expect(envEntry(env, 'CLEARML__secure__credentials__supervisor__user_secret').valueFrom.secretKeyRef.key).toBe('secret_key');
    expect(envEntry(env, 'CLEARML__secure__login__sso__oauth_client__auth0__client_secret').valueFrom.secretKeyRef).toEqual({ name: 'sso', key: 'secret' });
    expect(envEntry(env, 'CLEARML__SECURE__KAFKA__BILLING__sasl_plain_password').valueFrom.secretKeyRef).toEqual({ name: 'clearml-billing-kafka', key: 'password' });
    expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'clearml-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' }]);
  });

  test('the runbook defects are not copied: no stray colon, the e-mail quoted by the construct', () => {
    const env = only(serverObjects(), 'HelmRelease').spec.values.apiserver.extraEnvs;
    expect(env.map((e: any) => e.name).filter((n: string) => !/^CLEARML__[A-Za-z0-9_]+$/.test(n))).toEqual([]);
    expect(envEntry(env, 'CLEARML__billing__enabled').value).toBe('true');
    expect(envEntry(env, 'CLEARML__secure__credentials__supervisor__email').value).toBe('"root@example.com"');
  });

  test('cross-tenant groups: UUID lower-cased, system always false, features as JSON', () => {
    const env = only(serverObjects(), 'HelmRelease').spec.values.apiserver.extraEnvs;
    const g = 'CLEARML__services__auth__default_groups__my_group_name';
    expect(envEntry(env, `${g}__id`).value).toBe('3f2b8c1e-9a4d-4c7e-8b1a-2d5e6f7a8b9c');
    expect(envEntry(env, `${g}__name`).value).toBe('My Group Name');
    expect(JSON.parse(envEntry(env, `${g}__features`).value)).toEqual(['applications', 'reports']);
    expect(envEntry(env, `${g}__assignable`).value).toBe('false');
    expect(envEntry(env, `${g}__system`).value).toBe('false');
  });

  test('server-level features on and off, per-role UI features', () => {
    const env = only(serverObjects({ organizationFeatures: ['reports'], disabledOrganizationFeatures: ['model_serving'], uiFeaturesPerRole: { admin: { show_datasets: true } } }), 'HelmRelease').spec.values.apiserver.extraEnvs;
    expect(envEntry(env, 'CLEARML__services__organization__features__reports').value).toBe('true');
    expect(envEntry(env, 'CLEARML__services__organization__features__model_serving').value).toBe('false');
    expect(envEntry(env, 'CLEARML__services__organization__features__user_management_advanced')).toBeUndefined();
    expect(envEntry(env, 'CLEARML__services__auth__ui_features_per_role__admin__show_datasets').value).toBe('true');
  });

  test('billing off: only the switch, no Kafka settings', () => {
    const env = only(serverObjects({ billing: { enabled: false } }), 'HelmRelease').spec.values.apiserver.extraEnvs;
    expect(envEntry(env, 'CLEARML__billing__enabled').value).toBe('false');
    expect(env.filter((e: any) => /BILLING/.test(e.name))).toEqual([]);
  });

  test('installed after the shared Redis', () => {
    expect(only(serverObjects(), 'HelmRelease').spec.dependsOn).toEqual([{ name: 'redis', namespace: 'redis-shared' }]);
  });

  test('policies: same-namespace default deny, and the server admits the ingress controller and tenants, not 0.0.0.0/0', () => {
    const objects = serverObjects();
    const deny = only(objects, 'NetworkPolicy', 'default-deny-ingress');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(only(objects, 'NetworkPolicy', 'allow-same-namespace-ingress').spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    const allow = only(objects, 'NetworkPolicy', 'allow-clearml-ingress');
    expect(allow.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'clearml-clearml-enterprise' } });
    // The ingress controller on every port (it serves the api, files and app hosts); the tenants only on the
    // ports of the server's endpoints for them (the apiserver's 8008).
    expect(allow.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
      { from: [{ namespaceSelector: { matchExpressions: [{ key: 'clearml-tenancy/tenant', operator: 'Exists' }] } }], ports: [{ protocol: 'TCP', port: 8008 }] },
    ]);
    expect(JSON.stringify(allow)).not.toMatch(/ipBlock/);
  });
});

describe('the ports tenants may reach on the server', () => {
  test('serverTenantPorts: the ports of the endpoints in the namespace offered to tenants, each once', () => {
    const e = (namespace: string, port: number, clients: ComponentEndpoint['clients']): ComponentEndpoint => ({ name: `x${port}`, namespace, host: 'h', port, clients });
    expect(serverTenantPorts([e('clearml', 8008, ['ingress', 'tenants']), e('clearml', 8081, ['ingress']), e('redis-shared', 6379, ['tenants']), e('clearml', 8008, ['tenants'])], 'clearml')).toEqual([8008]);
    expect(serverTenantPorts([e('clearml', 8081, ['ingress'])], 'clearml')).toEqual([]);
  });

  test('no endpoint for tenants: no rule admits them at all (never every port)', () => {
    const allow = only(synthOf((s) => new ClearmlServer(s, 'server', { ...clearmlServerProps(platformWith()), tenantPorts: [] })), 'NetworkPolicy', 'allow-clearml-ingress');
    expect(allow.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }]);
  });
});

describe('ClearmlServer egress', () => {
  test('the server reaches Redis, billing, the Kubernetes API, the DNS and (by default) the internet outside the cluster', () => {
    const platform = platformWith({
      sources: { charts: { type: 'oci', url: 'oci://registry.example.com/charts' } },
      billing: { chart: { source: 'charts', chart: 'clearml-billing', version: '1.1.0' } },
    });
    const egress = synthOf((s) => new ClearmlServer(s, 'server', clearmlServerProps(platform))).filter((o) => o.kind === 'NetworkPolicy').flatMap((o) => o.spec.egress ?? []);
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'redis-shared' } } }], ports: [{ protocol: 'TCP', port: 6379 }] });
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml-billing' } } }], ports: [{ protocol: 'TCP', port: 9092 }, { protocol: 'TCP', port: 6379 }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8', '0.0.0.0/8'] } }] });
  });

  test('no internet when turned off', () => {
    const objects = synthOf((s) => new ClearmlServer(s, 'server', clearmlServerProps(platformWith({ network: { serverInternetEgress: false } }))));
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).not.toContain('allow-internet-egress');
  });
});
