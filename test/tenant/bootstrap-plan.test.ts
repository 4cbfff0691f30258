import { resolvePlatform } from '../../lib/platform/platform';
import { bootstrapPlan } from '../../lib/tenant/bootstrap-plan';
import { platform as platformProps } from '../fixtures/platform';
import { FULL, MINIMAL, platform, tenantFrom } from './helpers';

describe('bootstrapPlan', () => {
  test('the runbook example tenant', () => {
    expect(bootstrapPlan(tenantFrom(FULL), platform)).toEqual({
      tenant: 'acme',
      namespace: 'acme',
      ledgerNamespace: 'clearml',
      state: 'active',
      credentialsGeneration: 1,
      admin: { name: 'Acme Admin', email: 'admin@acme.com', internal: false },
      companyDefaults: { allowed_users: 10, features: ['experiments'], exclude_features: ['app_management'] },
      companySettings: { allowed_users: 10, features: ['experiments'], exclude_features: ['app_management'] },
      domains: ['acme.com'],
      whitelist: [],
      queues: ['default', 'gpu-fraction-1_00', 'gpu-fraction-0_50', 'gpu-fraction-0_25'],
    });
  });

  test('allowed_users is a number, not the runbook string', () => {
    expect(typeof bootstrapPlan(tenantFrom(FULL), platform).companyDefaults.allowed_users).toBe('number');
  });

  test('leaves features out when the file has none, so the server defaults apply', () => {
    const plan = bootstrapPlan(tenantFrom(MINIMAL), platform);
    expect(plan.companyDefaults).toEqual({ allowed_users: 10 });
    expect(plan.companySettings).toEqual({ allowed_users: 10 });
    expect(plan.domains).toEqual([]);
  });

  test('lists the queues in the order of the tenant file', () => {
    const plan = bootstrapPlan(tenantFrom(MINIMAL.replace('sessions:', 'queues: { gpuFractions: [0.25, 1] }\nsessions:')), platform);
    expect(plan.queues).toEqual(['default', 'gpu-fraction-0_25', 'gpu-fraction-1_00']);
  });

  test('carries the lifecycle fields of contract version 2: state, credentialsGeneration, whitelist, ledgerNamespace', () => {
    // GIVEN a suspended tenant at generation 3 with a login whitelist
    const text = MINIMAL.replace('sessions:', 'state: suspended\ncredentialsGeneration: 3\nlogin: { admins: [lead@partner.org], users: [a@partner.org, b@partner.org] }\nsessions:');
    // WHEN
    const plan = bootstrapPlan(tenantFrom(text), platform);
    // THEN
    expect(plan).toMatchObject({ tenant: 'globex', namespace: 'globex', ledgerNamespace: platform.server.namespace, state: 'suspended', credentialsGeneration: 3 });
    expect(plan.whitelist).toEqual([
      { emails: ['lead@partner.org'], isAdmin: true },
      { emails: ['a@partner.org', 'b@partner.org'], isAdmin: false },
    ]);
    // the keys appear in the contract's order (section 5)
    expect(Object.keys(plan)).toEqual(['tenant', 'namespace', 'ledgerNamespace', 'state', 'credentialsGeneration', 'admin', 'companyDefaults', 'companySettings', 'domains', 'whitelist', 'queues']);
  });

  test('admin.internal follows the platform prop bootstrap.adminInternal (default false)', () => {
    expect(bootstrapPlan(tenantFrom(MINIMAL), platform).admin.internal).toBe(false);
    const current = resolvePlatform({ ...platformProps, bootstrap: { adminInternal: true } });
    expect(bootstrapPlan(tenantFrom(MINIMAL), current).admin).toEqual({ name: 'Globex Admin', email: 'admin@globex.example', internal: true });
  });

  test('ledgerNamespace is the server namespace, wherever that is', () => {
    const other = resolvePlatform({ ...platformProps, server: { ...platformProps.server, namespace: 'ml-server' } });
    expect(bootstrapPlan(tenantFrom(MINIMAL), other).ledgerNamespace).toBe('ml-server');
  });
});
