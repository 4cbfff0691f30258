/** Shared setup of the tenant tests: the repository's platform and tenants resolved from YAML text. */
import type { TargetCluster } from '../../lib/tenant/tenant-folders';
import { Chart, Testing } from 'cdk8s';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { ResolvedTenant, resolveTenants } from '../../lib/tenant/tenants';

export const platform = resolvePlatform(platformProps);

/** The runbook's example tenant, every field set. */
export const FULL = `name: acme
namespace: acme
admin: { name: Acme Admin, email: admin@acme.com }
ssoDomains: [acme.com]
features: [experiments]
excludeFeatures: [app_management]
allowedUsers: 10
queues:
  default: { maxPods: 10 }
  gpuFractions: [1, 0.5, 0.25]
  gpuModel: A100-40GB
  maxPods: 10
sessions: { portMode: false, externalIP: 0.0.0.0, startingPort: 31010, maxServices: 10 }
router: { hostName: acme-apps.clearml.example.com }
`;

/** A minimal tenant. */
export const MINIMAL = `name: globex
admin: { name: Globex Admin, email: admin@globex.example }
sessions: { startingPort: 31020 }
`;

export function tenantFrom(text: string): ResolvedTenant {
  const name = /^name: (\S+)/m.exec(text)![1];
  return resolveTenants([{ file: `tenants/${name}.yaml`, text }], platform)[0];
}

/** A chart to put one construct in, and its manifests. */
export function inChart<T>(build: (chart: Chart) => T): { result: T; manifests: any[] } {
  const chart = Testing.chart();
  const result = build(chart);
  return { result, manifests: Testing.synth(chart) };
}

/** Clusters of a platform with several (control plane, a worker by IP, a worker by host name), for the tenant and bootstrap tests. */
export const CP: TargetCluster = { name: 'cp', role: 'control-plane', controlPlane: true, worker: false };
export const EU: TargetCluster = {
  name: 'gpu-eu-1',
  role: 'worker',
  controlPlane: false,
  worker: true,
  apiServer: { url: 'https://10.20.0.1:6443', cidrs: ['10.20.0.1/32'], caSecret: 'gpu-eu-1-ca', tokenSecret: 'gpu-eu-1-bootstrap-token' },
};
export const US: TargetCluster = {
  name: 'gpu-us-1',
  role: 'worker',
  controlPlane: false,
  worker: true,
  apiServer: { url: 'https://api.gpu-us-1.example:6443', cidrs: ['203.0.113.0/24'], caSecret: 'gpu-us-1-ca', tokenSecret: 'gpu-us-1-bootstrap-token' },
  kubernetesApiCidrs: ['203.0.113.0/24'],
};
