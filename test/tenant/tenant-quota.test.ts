import { TENANT_LIMIT_RANGE_NAME, TENANT_QUOTA_NAME, TenantQuota } from '../../lib/tenant/tenant-quota';
import { tenantFolders } from '../../lib/tenant/tenant-folders';
import { TENANT_LABEL } from '../../lib/core/labels';
import { FULL, MINIMAL, inChart, platform, tenantFrom } from './helpers';

const QUOTA = `quota:
  cpu: "64"
  memory: 256Gi
  limitsCpu: "128"
  pods: 200
  gpus: 0
  mig: { 3g.20gb: 4, 2g.10gb: 8 }
limitRange: { defaultRequestCpu: 250m, defaultMemory: 4Gi, maxCpu: "32" }
`;

describe('TenantQuota', () => {
  const tenant = tenantFrom(`${FULL}${QUOTA}`);
  const { manifests } = inChart((chart) => new TenantQuota(chart, 'Quota', { tenant: tenant.name, namespace: tenant.namespace, quota: tenant.quota, limitRange: tenant.limitRange }));
  const quota = manifests.find((o) => o.kind === 'ResourceQuota');
  const limits = manifests.find((o) => o.kind === 'LimitRange');

  test('snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('limits CPU, memory, pods, whole GPUs and MIG devices per profile in the tenant namespace', () => {
    expect(quota).toHaveProperty('metadata.name', TENANT_QUOTA_NAME);
    expect(quota).toHaveProperty('metadata.namespace', 'acme');
    expect(quota.metadata.labels).toHaveProperty([TENANT_LABEL], 'acme');
    expect(quota.spec.hard).toEqual({
      'requests.cpu': '64',
      'requests.memory': '256Gi',
      'limits.cpu': '128',
      pods: 200,
      'requests.nvidia.com/gpu': 0,
      'requests.nvidia.com/mig-2g.10gb': 8,
      'requests.nvidia.com/mig-3g.20gb': 4,
    });
  });

  test('writes only the container defaults and maxima the file sets', () => {
    expect(limits).toHaveProperty('metadata.name', TENANT_LIMIT_RANGE_NAME);
    expect(limits.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '250m' }, default: { memory: '4Gi' }, max: { cpu: '32' } }]);
  });

  test('renders nothing when neither is given', () => {
    const empty = inChart((chart) => new TenantQuota(chart, 'Quota', { tenant: 'acme', namespace: 'acme' }));
    expect(empty.manifests).toEqual([]);
  });
});

describe('tenant bootstrap folder', () => {
  const fileNames = (text: string) => tenantFolders(tenantFrom(text), platform)[0].app.charts.map((c) => c.node.id);

  test('has quota.yaml only for a tenant with a quota or LimitRange', () => {
    expect(fileNames(`${FULL}${QUOTA}`)).toContain('quota');
    expect(fileNames(`${MINIMAL}limitRange: { maxMemory: 8Gi }\n`)).toContain('quota');
    expect(fileNames(MINIMAL)).not.toContain('quota');
  });
});
