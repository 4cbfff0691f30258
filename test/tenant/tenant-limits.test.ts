/**
 * `tenancy.limits`: what a tenant file may grant itself (lib/tenant/tenant-limits.ts). Tenants are hostile
 * and control their own file, so these are the platform team's only hold on quota, features and users.
 */
import { join } from 'node:path';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { TenancyLimitsProps } from '../../lib/platform/platform-props';
import { resolveTenants } from '../../lib/tenant/tenants';
import { ConfigError, Problem } from '../../lib/core/problems';
import { renderOutput } from '../../lib/synth';

const FIXTURE_TENANTS = join(__dirname, '..', 'fixtures', 'tenants');
const ADMIN = 'admin: { name: A, email: a@hooli.example }\nsessions: { startingPort: 31100 }\n';

/** Limits a platform team would set against hostile tenants. */
const HOSTILE: TenancyLimitsProps = {
  requireQuota: true,
  maxQuota: { cpu: '64', memory: '256Gi', pods: 200, gpus: 4, mig: { '3g.20gb': 4 } },
  allowedFeatures: ['experiments', 'queues', 'pipelines', 'reports'],
  maxAllowedUsers: 50,
};

const platformWith = (limits?: TenancyLimitsProps) => resolvePlatform({ ...platformProps, tenancy: { ...platformProps.tenancy, ...(limits ? { limits } : {}) } });

function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

/** `limits` null: no `tenancy.limits` at all. */
const tenantProblems = (text: string, limits: TenancyLimitsProps | null = HOSTILE) =>
  problemsOf(() => resolveTenants([{ file: 'tenants/hooli.yaml', text: `name: hooli\n${ADMIN}${text}` }], platformWith(limits ?? undefined)));

const WITHIN = 'quota: { cpu: "32", memory: 128Gi, pods: 100, gpus: 2, mig: { 3g.20gb: 4 } }\nfeatures: [experiments]\nallowedUsers: 50\n';

describe('tenancy.limits on a tenant file', () => {
  test('a tenant within the limits passes', () => {
    expect(tenantProblems(WITHIN)).toEqual([]);
  });

  test('without limits a file without quota, with every feature and 100000 users passes (the default)', () => {
    expect(tenantProblems('features: [sso_management, user_management_advanced, permissions, resource_policy, app_management]\nallowedUsers: 100000\n', null)).toEqual([]);
  });

  test('requireQuota: a file without quota is refused, naming the setting and the capped keys', () => {
    expect(tenantProblems('features: [experiments]\nallowedUsers: 5\n')).toEqual([
      {
        file: 'tenants/hooli.yaml',
        path: 'quota',
        value: undefined,
        message: 'is required by the platform (tenancy.limits.requireQuota): without a quota the tenant may use every GPU, CPU and memory of the cluster; set quota, with at least cpu <= 64, memory <= 256Gi, pods <= 200, gpus <= 4, mig.3g.20gb <= 4',
      },
    ]);
    expect(tenantProblems('', { requireQuota: true })).toEqual([expect.objectContaining({ path: 'quota', message: expect.stringMatching(/^is required by the platform \(tenancy\.limits\.requireQuota\).*; set quota$/) })]);
  });

  test('maxQuota alone also requires a quota: a missing quota is unlimited', () => {
    expect(tenantProblems('', { maxQuota: { gpus: 4 } })).toEqual([expect.objectContaining({ path: 'quota', message: expect.stringContaining('(tenancy.limits.maxQuota)') })]);
  });

  test('maxQuota: every capped key over its most, or left unset, is refused (all at once)', () => {
    const problems = tenantProblems('quota: { cpu: "65", memory: 1Ti, gpus: 5, mig: { 3g.20gb: 5, 1g.5gb: 100 } }\nfeatures: [experiments]\n');
    expect(problems).toEqual([
      { file: 'tenants/hooli.yaml', path: 'quota.cpu', value: '65', message: 'is more than the platform allows (tenancy.limits.maxQuota.cpu: 64); set at most 64' },
      { file: 'tenants/hooli.yaml', path: 'quota.memory', value: '1Ti', message: 'is more than the platform allows (tenancy.limits.maxQuota.memory: 256Gi); set at most 256Gi' },
      { file: 'tenants/hooli.yaml', path: 'quota.pods', value: undefined, message: 'is required by the platform (tenancy.limits.maxQuota.pods: 200): a quota key not set is unlimited; set at most 200' },
      { file: 'tenants/hooli.yaml', path: 'quota.gpus', value: 5, message: 'is more than the platform allows (tenancy.limits.maxQuota.gpus: 4); set at most 4' },
      { file: 'tenants/hooli.yaml', path: 'quota.mig.3g.20gb', value: 5, message: 'is more than the platform allows (tenancy.limits.maxQuota.mig.3g.20gb: 4); set at most 4' },
    ]);
  });

  test('quantities compare by value, not by text', () => {
    expect(tenantProblems('quota: { cpu: 64000m, memory: "274877906944", pods: 200, gpus: 4, mig: { 3g.20gb: 4 } }\n')).toEqual([]);
    expect(tenantProblems('quota: { cpu: 64001m, memory: 256Gi, pods: 200, gpus: 4, mig: { 3g.20gb: 4 } }\n').map((p) => p.path)).toEqual(['quota.cpu']);
  });

  test('allowedFeatures: each feature the file adds beyond the list is refused; excludeFeatures stays free', () => {
    const problems = tenantProblems(`${WITHIN.replace('features: [experiments]', 'features: [experiments, sso_management, permissions]')}excludeFeatures: [resource_policy]\n`);
    expect(problems).toEqual([
      { file: 'tenants/hooli.yaml', path: 'features[1]', value: 'sso_management', message: 'is not a feature the platform lets a tenant add (tenancy.limits.allowedFeatures); allowed: experiments, queues, pipelines, reports' },
      { file: 'tenants/hooli.yaml', path: 'features[2]', value: 'permissions', message: 'is not a feature the platform lets a tenant add (tenancy.limits.allowedFeatures); allowed: experiments, queues, pipelines, reports' },
    ]);
    expect(tenantProblems('features: [experiments]\n', { allowedFeatures: [] })).toEqual([expect.objectContaining({ path: 'features[0]', message: expect.stringMatching(/allowed: none$/) })]);
  });

  test('maxAllowedUsers: a set or default allowedUsers above it is refused', () => {
    expect(tenantProblems(WITHIN.replace('allowedUsers: 50', 'allowedUsers: 100000'))).toEqual([
      { file: 'tenants/hooli.yaml', path: 'allowedUsers', value: 100000, message: 'is more than the platform allows (tenancy.limits.maxAllowedUsers: 50); set at most 50' },
    ]);
    expect(tenantProblems('', { maxAllowedUsers: 5 })).toEqual([
      { file: 'tenants/hooli.yaml', path: 'allowedUsers (default)', value: 10, message: 'is more than the platform allows (tenancy.limits.maxAllowedUsers: 5); set at most 5' },
    ]);
  });

  test('limits the committed tenants satisfy change nothing in the output', () => {
    const limits: TenancyLimitsProps = { allowedFeatures: ['experiments'], maxAllowedUsers: 25, maxQuota: {} };
    const without = renderOutput({ platform: platformProps, tenantsDir: FIXTURE_TENANTS });
    const withLimits = renderOutput({ platform: { ...platformProps, tenancy: { ...platformProps.tenancy, limits } }, tenantsDir: FIXTURE_TENANTS });
    expect(withLimits.size).toBeGreaterThan(10);
    expect([...withLimits]).toEqual([...without]);
  });
});

describe('tenancy.limits in the platform props', () => {
  const platformProblems = (limits: unknown) => problemsOf(() => platformWith(limits as TenancyLimitsProps));

  test('defaults: quota not required, nothing else limited', () => {
    expect(platformWith().tenancy.limits).toEqual({ requireQuota: false });
  });

  test('bad settings are problems naming the field, the value and what is allowed, all at once', () => {
    const problems = platformProblems({ requireQuota: 'yes', maxQuota: { cpu: 'lots', gpus: -1, mig: { '9g.99gb': 1, '3g.20gb': 1.5 }, nvidia: 3 }, allowedFeatures: ['root'], maxAllowedUsers: 0 });
    expect(problems.map((p) => [p.file, p.path, p.value])).toEqual([
      ['main.ts (platform props)', 'tenancy.limits.requireQuota', 'yes'],
      ['main.ts (platform props)', 'tenancy.limits.maxQuota.cpu', 'lots'],
      ['main.ts (platform props)', 'tenancy.limits.maxQuota.gpus', -1],
      ['main.ts (platform props)', 'tenancy.limits.maxQuota.mig.9g.99gb', 1],
      ['main.ts (platform props)', 'tenancy.limits.maxQuota.mig.3g.20gb', 1.5],
      ['main.ts (platform props)', 'tenancy.limits.maxQuota.nvidia', 3],
      ['main.ts (platform props)', 'tenancy.limits.allowedFeatures[0]', 'root'],
      ['main.ts (platform props)', 'tenancy.limits.maxAllowedUsers', 0],
    ]);
    expect(problems.find((p) => p.path === 'tenancy.limits.maxQuota.nvidia')?.message).toMatch(/^is not a quota key; allowed: cpu, memory, limitsCpu, limitsMemory, pods, gpus, mig/);
    expect(problems.find((p) => p.path === 'tenancy.limits.maxQuota.mig.9g.99gb')?.message).toMatch(/^is not a MIG profile; known: .*3g\.20gb/);
  });

  test('not an object', () => {
    expect(platformProblems([1]).map((p) => p.path)).toEqual(['tenancy.limits']);
  });
});
