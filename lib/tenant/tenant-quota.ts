/**
 * A tenant's share of the cluster: the ResourceQuota `tenant-quota` (totals over the namespace's pods:
 * CPU, memory, pods, whole GPUs and MIG devices per profile) and the LimitRange `tenant-limits`
 * (requests and limits for containers that set none, maxima per container).
 *
 * The values come from the tenant file (`quota`, `limitRange`), checked in lib/tenant/tenants.ts. GPUs
 * and MIG devices are extended resources, which a ResourceQuota can only count as `requests.<resource>`
 * (they cannot be overcommitted, so requests equal limits).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { TenantLimitRangeSpec, TenantQuotaSpec } from './tenants';
import { PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../core/labels';

/** Names of the objects in the tenant namespace. */
export const TENANT_QUOTA_NAME = 'tenant-quota';
export const TENANT_LIMIT_RANGE_NAME = 'tenant-limits';

export interface TenantQuotaProps {
  /** The tenant's name (its label). */
  readonly tenant: string;
  /** The tenant namespace. */
  readonly namespace: string;
  /** The ResourceQuota's limits. @default - no ResourceQuota */
  readonly quota?: TenantQuotaSpec;
  /** The LimitRange's values. @default - no LimitRange */
  readonly limitRange?: TenantLimitRangeSpec;
}

const q = (value: string) => k8s.Quantity.fromString(value);

/** The `hard` map of a quota: Kubernetes resource name to quantity. */
export function quotaHard(quota: TenantQuotaSpec): Record<string, string | number> {
  const hard: Record<string, string | number> = {};
  if (quota.cpu !== undefined) hard['requests.cpu'] = quota.cpu;
  if (quota.memory !== undefined) hard['requests.memory'] = quota.memory;
  if (quota.limitsCpu !== undefined) hard['limits.cpu'] = quota.limitsCpu;
  if (quota.limitsMemory !== undefined) hard['limits.memory'] = quota.limitsMemory;
  if (quota.pods !== undefined) hard.pods = quota.pods;
  if (quota.gpus !== undefined) hard['requests.nvidia.com/gpu'] = quota.gpus;
  for (const [profile, count] of Object.entries(quota.mig ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (count !== undefined) hard[`requests.nvidia.com/mig-${profile}`] = count;
  }
  return hard;
}

export class TenantQuota extends Construct {
  public readonly resourceQuota?: k8s.KubeResourceQuota;
  public readonly limitRange?: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: TenantQuotaProps) {
    super(scope, id);
    const labels = { [PART_OF_LABEL]: PART_OF_VALUE, [TENANT_LABEL]: props.tenant };
    if (props.quota !== undefined) {
      const hard = Object.fromEntries(Object.entries(quotaHard(props.quota)).map(([k, v]) => [k, typeof v === 'number' ? k8s.Quantity.fromNumber(v) : q(v)]));
      this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
        metadata: { name: TENANT_QUOTA_NAME, namespace: props.namespace, labels },
        spec: { hard },
      });
    }
    const r = props.limitRange;
    if (r !== undefined) {
      const pick = (cpu: string | undefined, memory: string | undefined) => {
        const out: Record<string, k8s.Quantity> = {};
        if (cpu !== undefined) out.cpu = q(cpu);
        if (memory !== undefined) out.memory = q(memory);
        return Object.keys(out).length > 0 ? out : undefined;
      };
      const defaultRequest = pick(r.defaultRequestCpu, r.defaultRequestMemory);
      const limits = pick(r.defaultCpu, r.defaultMemory);
      const max = pick(r.maxCpu, r.maxMemory);
      this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', {
        metadata: { name: TENANT_LIMIT_RANGE_NAME, namespace: props.namespace, labels },
        spec: {
          limits: [
            {
              type: 'Container',
              ...(defaultRequest ? { defaultRequest } : {}),
              ...(limits ? { default: limits } : {}),
              ...(max ? { max } : {}),
            },
          ],
        },
      });
    }
  }
}
