/**
 * A tenant's agent ("Install ClearML Agent Chart"): the `clearml-enterprise-agent` chart as release
 * `clearml-agent` in the tenant namespace, with the runbook's values. What the runbook writes as
 * literals comes from Secrets instead: the registry token (`imageCredentials.password`, valuesFrom),
 * the shared Redis password (env `secretKeyRef`) and the agent's ClearML credentials, which the tenant
 * bootstrap writes (`clearml.existingAgentk8sglueSecret`).
 */
import { Construct } from 'constructs';
import { ResolvedPlatform } from '../platform/platform';
import { ResolvedTenant } from './tenants';
import { BOOTSTRAP_SECRETS, bootstrapSecretPurpose } from '../programs/bootstrap/plan';
import { HelmChartRelease } from '../gitops/helm-chart-release';
import { ReleaseRef } from '../flavors/release-definition';
import { registryPasswordValue } from '../components/registry-credentials/registry-credentials';
import { sharedRedisHost } from '../components/shared-redis/shared-redis';
import { TASK_POD_LABEL, TASK_SERVICE_ACCOUNT } from '../core/labels';
import { requireSecret } from '../security/secret-reference';
import { tenantQueues } from './queues';

/** Release name of the agent, as in the runbook. */
export const AGENT_RELEASE_NAME = 'clearml-agent';

/**
 * Pod annotation of the agent carrying the tenant's credentialsGeneration: raising the generation changes
 * the agent's pod template, so its pods restart and read the rotated Secret (`agentk8sglue.annotations`).
 */
export const CREDENTIALS_GENERATION_ANNOTATION = 'clearml-tenancy/credentials-generation';

/** The label the agent counts resources by (`monitoredResources`) and billing reads. */
const REQUIRED_RESOURCES_FIELD = 'metadata|labels|required-resources';

/** What every task pod template sets: the task account, without a mounted token. */
const TASK_POD_SPEC = { serviceAccountName: TASK_SERVICE_ACCOUNT, automountServiceAccountToken: false } as const;

export interface TenantAgentProps {
  readonly tenant: ResolvedTenant;
  readonly platform: ResolvedPlatform;
  /** Releases installed first (the ClearML server). @default [] */
  readonly after?: readonly ReleaseRef[];
}

export class TenantAgent extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: TenantAgentProps) {
    super(scope, id);
    const { tenant, platform } = props;
    const ns = tenant.namespace;
    const redis = platform.redis;
    const agentSecret = BOOTSTRAP_SECRETS.agent;

    requireSecret(this, { namespace: ns, name: redis.passwordSecret.name, keys: [redis.passwordSecret.key], purpose: 'Shared Redis password, for the agent (CLEARML_AGENT_REDIS_PASSWORD)' });
    requireSecret(this, { namespace: ns, name: agentSecret.name, keys: [...agentSecret.keys], purpose: bootstrapSecretPurpose('agent', tenant.name), providedBy: 'bootstrap' });

    const queues: Record<string, unknown> = {};
    for (const q of tenantQueues(tenant)) {
      queues[q.name] = {
        templateOverrides: {
          labels: { 'required-resources': String(q.requiredResources), 'billing-monitored': 'true', [TASK_POD_LABEL]: 'true' },
          ...TASK_POD_SPEC,
          ...(q.gpu ? { resources: { limits: { [q.gpu.migResource]: 1, 'clear.ml/fraction-1': String(q.gpu.fraction) } } } : {}),
        },
        queueSettings: { maxPods: q.maxPods },
      };
    }

    const values = {
      clearml: { existingAgentk8sglueSecret: agentSecret.name },
      agentk8sglue: {
        extraEnvs: [
          { name: 'CLEARML_K8S_SUPPORT_SUSPENSION', value: '1' },
          { name: 'CLEARML_K8S_PORTS_MODE_ON_REQUEST_ONLY', value: '1' },
          { name: 'CLEARML_AGENT_REDIS_HOST', value: sharedRedisHost(platform) },
          { name: 'CLEARML_AGENT_REDIS_PORT', value: String(redis.port) },
          { name: 'CLEARML_AGENT_REDIS_DB', value: String(platform.tenantReleases.agentRedisDb) },
          { name: 'CLEARML_AGENT_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: redis.passwordSecret.name, key: redis.passwordSecret.key } } },
        ],
        image: { tag: tenant.agent.imageTag },
        // Task pods run as their own account (no API rights, no token); the agent keeps the chart's account.
        // The Redis password is in extraEnvs above: the agent container's env, never the task pods'.
        basePodTemplate: { labels: { [TASK_POD_LABEL]: 'true' }, ...TASK_POD_SPEC },
        annotations: { [CREDENTIALS_GENERATION_ANNOTATION]: String(tenant.credentialsGeneration) },
        monitoredResources: {
          maxResources: tenant.agent.maxResources,
          minResourcesFieldName: REQUIRED_RESOURCES_FIELD,
          maxResourcesFieldName: REQUIRED_RESOURCES_FIELD,
        },
        apiServerUrlReference: platform.urls.api,
        fileServerUrlReference: platform.urls.file,
        webServerUrlReference: platform.urls.web,
        defaultContainerImage: tenant.agent.defaultContainerImage,
        debugMode: tenant.agent.debugMode,
        createQueues: true,
        queues,
        // Per-tenant applications (server clearmlApplications.queueMode per_tenant): this agent runs the tenant's apps.
        ...(platform.server.applicationsQueueMode === 'per_tenant' ? { appsQueue: { enabled: true } } : {}),
      },
      sessions: {
        portModeEnabled: tenant.sessions.portMode,
        agentID: ns,
        externalIP: tenant.sessions.externalIP,
        startingPort: tenant.sessions.startingPort,
        maxServices: tenant.sessions.maxServices,
      },
    };

    this.release = new HelmChartRelease(this, 'Resource', {
      name: AGENT_RELEASE_NAME,
      namespace: ns,
      chart: platform.tenantReleases.agentChart,
      catalog: platform.catalog,
      values,
      secretValues: [registryPasswordValue(platform)],
      dependsOn: props.after ?? [],
    });
  }
}
