/**
 * The shared Redis ("Shared Redis installation"): bitnami `redis` 17.8.3 in `redis-shared`, its
 * password from an existing Secret instead of the runbook's literal. Tenant agents and the server
 * may connect; nobody else.
 *
 * The chart comes from Bitnami's OCI registry and the image from `redis.image` (by default the frozen
 * `docker.io/bitnamilegacy/redis` at the chart's own tag): the runbook's `docker.io/bitnami/redis` is gone.
 */
import { Construct } from 'constructs';
import type { ComponentPlatform } from '../component';
import { deepMerge } from '../../core/merge';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { LAYER_LABEL, anyTenantNamespace, namespaceByName } from '../../core/labels';
import { requireSecret } from '../../security/secret-reference';
import type { ChartCatalog } from '../../gitops/chart-catalog';
import type { ResolvedNetwork } from '../../config/network';
import type { ResolvedSharedRedis } from './settings';

/** In-cluster host name of the shared Redis master, e.g. `redis-master.redis-shared`. */
export function sharedRedisHost(platform: Pick<ComponentPlatform, 'redis'>): string {
  return `${platform.redis.releaseName}-master.${platform.redis.namespace}`;
}

export interface SharedRedisProps {
  /** `redis` of the resolved platform. */
  readonly settings: ResolvedSharedRedis;
  /** The server namespace, admitted besides the tenants. */
  readonly serverNamespace: string;
  readonly catalog: ChartCatalog;
  readonly network: ResolvedNetwork;
}

/** The bitnami chart's `containerSecurityContext` (it renders every key but `enabled`) for "restricted". */
const RESTRICTED_CONTAINER = {
  enabled: true,
  runAsUser: 1001,
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export class SharedRedis extends Construct {
  public readonly release: HelmChartRelease;
  /** In-cluster host name of the master, e.g. `redis-master.redis-shared`. */
  public readonly host: string;

  constructor(scope: Construct, id: string, props: SharedRedisProps) {
    super(scope, id);
    const redis = props.settings;
    this.host = sharedRedisHost({ redis });
    new IsolatedNamespace(this, 'Namespace', {
      name: redis.namespace,
      network: props.network,
      labels: { [LAYER_LABEL]: 'server' },
      allowIngressFrom: [namespaceByName(props.serverNamespace), anyTenantNamespace()],
      // The server and the tenants' agents use Redis's port only.
      allowIngressPorts: [redis.port],
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: redis.releaseName,
      namespace: redis.namespace,
      chart: redis.chart,
      catalog: props.catalog,
      values: deepMerge(
        {
          image: { registry: redis.image.registry, repository: redis.image.repository, ...(redis.image.tag ? { tag: redis.image.tag } : {}) },
          // Bitnami charts of 2025 and later refuse images outside docker.io/bitnami unless this is set;
          // older ones such as 17.8.3 do not read it (a `global` value is accepted by every chart).
          global: { security: { allowInsecureImages: true } },
          auth: { enabled: true, existingSecret: redis.passwordSecret.name, existingSecretPasswordKey: redis.passwordSecret.key },
          // The namespace enforces Pod Security "restricted": the chart's containers must say so.
          master: { service: { ports: { redis: redis.port } }, containerSecurityContext: RESTRICTED_CONTAINER },
          replica: { containerSecurityContext: RESTRICTED_CONTAINER },
        },
        redis.values,
      ),
    });
    // The chart reads the Secret itself (existingSecret), so it is declared here rather than as a release value.
    requireSecret(this, { namespace: redis.namespace, name: redis.passwordSecret.name, keys: [redis.passwordSecret.key], purpose: 'Shared Redis password' });
  }
}
