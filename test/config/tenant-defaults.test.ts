/**
 * Each tenant default is written once (TENANT_DEFAULTS, lib/config/tenant-schema.ts): the JSON schema's
 * `default`s, the defaults applied to a tenant file and the usage of `npm run tenant:new` all come from it.
 */
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { TENANT_DEFAULTS, TENANT_DEFAULT_TEXTS, tenantJsonSchema } from '../../lib/config/tenant-schema';
import { resolveTenants } from '../../lib/tenant/tenants';
import { TENANT_NEW_USAGE } from '../../lib/tools/new-tenant';

const platform = resolvePlatform(platformProps);
const MINIMAL = 'name: acme\nadmin: { name: Acme Admin, email: admin@acme.com }\nsessions: { startingPort: 31010 }\n';

describe('tenant defaults', () => {
  const [tenant] = resolveTenants([{ file: 'tenants/acme.yaml', text: MINIMAL }], platform);
  const schema = tenantJsonSchema() as any;
  const p = schema.properties;

  test.each([
    ['state', p.state, tenant.state, TENANT_DEFAULTS.state],
    ['credentialsGeneration', p.credentialsGeneration, tenant.credentialsGeneration, TENANT_DEFAULTS.credentialsGeneration],
    ['allowedUsers', p.allowedUsers, tenant.allowedUsers, TENANT_DEFAULTS.allowedUsers],
    ['queues.maxPods', p.queues.properties.maxPods, tenant.queues.maxPods, TENANT_DEFAULTS.queues.maxPods],
    ['queues.gpuFractions', p.queues.properties.gpuFractions, tenant.queues.gpuFractions, TENANT_DEFAULTS.queues.gpuFractions],
    ['queues.default.requiredResources', p.queues.properties.default.properties.requiredResources, tenant.queues.default.requiredResources, TENANT_DEFAULTS.queues.default.requiredResources],
    ['sessions.portMode', p.sessions.properties.portMode, tenant.sessions.portMode, TENANT_DEFAULTS.sessions.portMode],
    ['sessions.externalIP', p.sessions.properties.externalIP, tenant.sessions.externalIP, TENANT_DEFAULTS.sessions.externalIP],
    ['sessions.maxServices', p.sessions.properties.maxServices, tenant.sessions.maxServices, TENANT_DEFAULTS.sessions.maxServices],
    ['agent.debugMode', p.agent.properties.debugMode, tenant.agent.debugMode, TENANT_DEFAULTS.agent.debugMode],
    ['agent.maxResources', p.agent.properties.maxResources, tenant.agent.maxResources, TENANT_DEFAULTS.agent.maxResources],
  ])('%s: the schema shows the default that is applied', (field, property, applied, value) => {
    expect(applied).toEqual(value);
    expect(property.default).toEqual(value);
    // (the lifecycle fields' descriptions explain the states instead; their `default` says it)
    if (field !== 'state' && field !== 'credentialsGeneration') expect(property.description).toContain(`Default: ${Array.isArray(value) ? `[${value.join(', ')}]` : value}`);
  });

  test('the default queue takes queues.maxPods; the namespace and router host follow the texts', () => {
    expect(tenant.queues.default.maxPods).toBe(TENANT_DEFAULTS.queues.maxPods);
    expect(tenant.namespace).toBe('acme');
    expect(tenant.router.hostName).toBe(TENANT_DEFAULT_TEXTS.routerHost.replace('<name>', 'acme').replace('<baseDomain>', platform.baseDomain));
    expect(p.namespace.description).toContain(TENANT_DEFAULT_TEXTS.namespace);
    expect(p.router.properties.hostName.description).toContain(TENANT_DEFAULT_TEXTS.routerHost);
  });

  test('the usage of tenant:new names the same defaults', () => {
    const line = (flag: string) => TENANT_NEW_USAGE.split('\n').find((l) => l.trimStart().startsWith(`${flag} `)) ?? '';
    expect(line('--allowed-users')).toContain(`(default: ${TENANT_DEFAULTS.allowedUsers})`);
    expect(line('--gpu-fractions')).toContain(`(default: ${TENANT_DEFAULTS.queues.gpuFractions.join(',')})`);
    expect(line('--max-services')).toContain(`(default: ${TENANT_DEFAULTS.sessions.maxServices})`);
    expect(line('--namespace')).toContain(TENANT_DEFAULT_TEXTS.namespace);
    expect(line('--router-host')).toContain(TENANT_DEFAULT_TEXTS.routerHost);
  });
});
