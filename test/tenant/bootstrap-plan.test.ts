import { bootstrapPlan } from '../../lib/tenant/bootstrap-plan';
import { FULL, MINIMAL, platform, tenantFrom } from './helpers';

describe('bootstrapPlan', () => {
  test('the runbook example tenant', () => {
    expect(bootstrapPlan(tenantFrom(FULL), platform)).toEqual({
      tenant: 'acme',
      namespace: 'acme',
      admin: { name: 'Acme Admin', email: 'admin@acme.com' },
      companyDefaults: { allowed_users: 10, features: ['experiments'], exclude_features: ['app_management'] },
      companySettings: { allowed_users: 10, features: ['experiments'], exclude_features: ['app_management'] },
      domains: ['acme.com'],
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
});
