/**
 * Stand-in tenant folders for layout tests, shaped like the real ones (`tenants/<t>/bootstrap`: the
 * namespace, a policy and a Job in the server namespace; `tenants/<t>/workloads`: a release).
 */
import { resolve } from 'node:path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ResolvedPlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { HelmChartRelease } from '../../lib/gitops/helm-chart-release';
import { OutputFolder } from '../../lib/output/write-tree';

export const CRDS_DIR = process.env.CRDS_DIR ?? resolve(__dirname, '../../crds');

export function basePlatform(extra: Partial<PlatformProps> = {}): PlatformProps {
  return {
    baseDomain: 'clearml.example.com',
    sources: { 'platform-charts': { type: 'oci', url: 'oci://registry.example.com/clearml-charts', secretName: 'platform-charts-registry' } },
    server: { supervisor: { email: 'supervisor@example.com' } },
    billing: { chart: { source: 'platform-charts', chart: 'clearml-billing', version: '1.1.0' } },
    ...extra,
  };
}

export function fakeTenants(names: readonly string[]): (platform: ResolvedPlatform) => OutputFolder[] {
  return (platform) =>
    names.flatMap((name) => {
      const ns = `tenant-${name}`;
      const bootstrap = new App({ outdir: 'unused' });
      const chart = new Chart(bootstrap, 'tenant');
      new k8s.KubeNamespace(chart, 'Ns', { metadata: { name: ns, labels: { 'clearml-tenancy/tenant': name } } });
      new k8s.KubeNetworkPolicy(chart, 'Policy', {
        metadata: { name: 'allow-server', namespace: ns },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': platform.server.namespace } } }] }] },
      });
      const job = new Chart(bootstrap, 'bootstrap-job');
      new k8s.KubeJob(job, 'Job', {
        metadata: { name: `bootstrap-${name}`, namespace: platform.server.namespace },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'node:20-alpine' }] } } },
      });
      const workloads = new App({ outdir: 'unused' });
      new HelmChartRelease(new Chart(workloads, 'agent'), 'Agent', { name: 'agent', namespace: ns, chart: platform.tenantReleases.agentChart, catalog: platform.catalog });
      return [
        { path: `tenants/${name}/bootstrap`, app: bootstrap },
        { path: `tenants/${name}/workloads`, app: workloads },
      ];
    });
}
