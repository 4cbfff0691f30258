import { collectSecretRequirements } from '../../lib/security/secret-reference';
import { TenantAgent } from '../../lib/tenant/tenant-agent';
import { FULL, MINIMAL, inChart, platform, tenantFrom } from './helpers';

const after = [{ name: 'clearml', namespace: 'clearml' }];

describe('TenantAgent', () => {
  const full = inChart((chart) => new TenantAgent(chart, 'Agent', { tenant: tenantFrom(FULL), platform, after }));
  const release = full.manifests.find((o) => o.kind === 'HelmRelease');
  const values = release.spec.values;

  test('snapshot (runbook example tenant)', () => {
    expect(full.manifests).toMatchSnapshot();
  });

  test('snapshot (minimal tenant)', () => {
    expect(inChart((chart) => new TenantAgent(chart, 'Agent', { tenant: tenantFrom(MINIMAL), platform })).manifests).toMatchSnapshot();
  });

  test('is the clearml-agent release of the agent chart in the tenant namespace, after the server', () => {
    expect(release).toHaveProperty('metadata', { name: 'clearml-agent', namespace: 'acme' });
    expect(release).toHaveProperty('spec.chart.spec.chart', 'clearml-enterprise-agent');
    expect(release).toHaveProperty('spec.dependsOn', [{ name: 'clearml', namespace: 'clearml' }]);
  });

  test('takes credentials from Secrets only', () => {
    expect(values).toHaveProperty('clearml', { existingAgentk8sglueSecret: 'clearml-agent-credentials' });
    expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'clearml-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' }]);
    expect(values.agentk8sglue.extraEnvs).toContainEqual({ name: 'CLEARML_AGENT_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-shared-auth', key: 'redis-password' } } });
    expect(JSON.stringify(release)).not.toMatch(/sdkWoq23|agentk8sglueKey|agentk8sglueSecret/);
  });

  test('sets the runbook environment and the shared Redis', () => {
    expect(values.agentk8sglue.extraEnvs.slice(0, 5)).toEqual([
      { name: 'CLEARML_K8S_SUPPORT_SUSPENSION', value: '1' },
      { name: 'CLEARML_K8S_PORTS_MODE_ON_REQUEST_ONLY', value: '1' },
      { name: 'CLEARML_AGENT_REDIS_HOST', value: 'redis-master.redis-shared' },
      { name: 'CLEARML_AGENT_REDIS_PORT', value: '6379' },
      { name: 'CLEARML_AGENT_REDIS_DB', value: '0' },
    ]);
    expect(values.agentk8sglue).toHaveProperty('image.tag', '1.24-1.8.1rc99-159');
    expect(values.agentk8sglue).toHaveProperty('apiServerUrlReference', 'https://api.clearml.example.com');
    expect(values.agentk8sglue).toHaveProperty('fileServerUrlReference', 'https://file.clearml.example.com');
    expect(values.agentk8sglue).toHaveProperty('webServerUrlReference', 'https://app.clearml.example.com');
    expect(values.agentk8sglue).toHaveProperty('defaultContainerImage', 'python:3.9');
    expect(values.agentk8sglue).toHaveProperty('createQueues', true);
    expect(values.agentk8sglue).toHaveProperty('monitoredResources', { maxResources: 3, minResourcesFieldName: 'metadata|labels|required-resources', maxResourcesFieldName: 'metadata|labels|required-resources' });
  });

  test('has the default queue and one queue per GPU fraction with its MIG device', () => {
    const queues = values.agentk8sglue.queues;
    expect(Object.keys(queues).sort()).toEqual(['default', 'gpu-fraction-0_25', 'gpu-fraction-0_50', 'gpu-fraction-1_00']);
    expect(queues.default).toEqual({ templateOverrides: { labels: { 'required-resources': '0.5', 'billing-monitored': 'true', 'clearml-tenancy/task-pod': 'true' }, serviceAccountName: 'clearml-task', automountServiceAccountToken: false }, queueSettings: { maxPods: 10 } });
    expect(queues['gpu-fraction-0_50']).toEqual({
      templateOverrides: {
        labels: { 'required-resources': '0.5', 'billing-monitored': 'true', 'clearml-tenancy/task-pod': 'true' },
        serviceAccountName: 'clearml-task', automountServiceAccountToken: false,
        resources: { limits: { 'nvidia.com/mig-3g.20gb': 1, 'clear.ml/fraction-1': '0.5' } },
      },
      queueSettings: { maxPods: 10 },
    });
    expect(queues['gpu-fraction-1_00']).toHaveProperty(['templateOverrides', 'resources', 'limits', 'nvidia.com/mig-7g.40gb'], 1);
    expect(queues['gpu-fraction-0_25']).toHaveProperty(['templateOverrides', 'resources', 'limits', 'nvidia.com/mig-2g.10gb'], 1);
  });

  test('item 2: task pods run as the tokenless task account; the Redis password reaches only the agent container', () => {
    const glue = values.agentk8sglue;
    expect(glue.basePodTemplate).toEqual({ labels: { 'clearml-tenancy/task-pod': 'true' }, serviceAccountName: 'clearml-task', automountServiceAccountToken: false });
    for (const q of Object.values<any>(glue.queues)) {
      expect(q.templateOverrides).toMatchObject({ serviceAccountName: 'clearml-task', automountServiceAccountToken: false });
    }
    // the agent keeps the chart's own account
    expect(glue).not.toHaveProperty('serviceExistingAccountName');
    expect(glue.extraEnvs.map((e: any) => e.name)).toContain('CLEARML_AGENT_REDIS_PASSWORD');
    const taskSide = JSON.stringify([glue.basePodTemplate, ...Object.values<any>(glue.queues).map((q) => q.templateOverrides)]);
    expect(taskSide).not.toMatch(/REDIS|secretKeyRef/);
  });

  test('uses the MIG profiles of the tenant GPU model', () => {
    const tenant = tenantFrom(MINIMAL.replace('sessions:', 'queues: { gpuModel: H200-141GB, gpuFractions: [0.125], maxPods: 3 }\nsessions:'));
    const queues = inChart((chart) => new TenantAgent(chart, 'Agent', { tenant, platform })).manifests[0].spec.values.agentk8sglue.queues;
    expect(queues['gpu-fraction-0_125']).toHaveProperty('templateOverrides.resources.limits', { 'nvidia.com/mig-1g.18gb': 1, 'clear.ml/fraction-1': '0.125' });
    expect(queues['gpu-fraction-0_125']).toHaveProperty('queueSettings.maxPods', 3);
  });

  test('configures sessions with the tenant port range, agentID = namespace', () => {
    expect(values.sessions).toEqual({ portModeEnabled: false, agentID: 'acme', externalIP: '0.0.0.0', startingPort: 31010, maxServices: 10 });
  });

  test('declares its Secrets: Redis and registry from the operator, credentials from the bootstrap', () => {
    const secrets = collectSecretRequirements([full.result]);
    expect(secrets.map((s) => [s.namespace, s.name, s.keys, s.providedBy])).toEqual([
      ['acme', 'clearml-agent-credentials', ['agentk8sglue_key', 'agentk8sglue_secret'], 'bootstrap'],
      ['acme', 'clearml-registry', ['password'], 'operator'],
      ['acme', 'redis-shared-auth', ['redis-password'], 'operator'],
    ]);
  });
});
