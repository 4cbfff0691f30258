/**
 * A tenant's agent queues, in one order for the agent release and the bootstrap plan: `default`, then
 * one queue per GPU fraction in the order of the tenant file.
 */
import { migResource } from '../config/mig-profiles';
import { ResolvedTenant } from './tenants';

/** One queue of the agent. */
export interface TenantQueue {
  readonly name: string;
  /** Value of the `required-resources` label of its pods. */
  readonly requiredResources: number;
  readonly maxPods: number;
  /** For GPU-fraction queues: the fraction and the MIG device resource it asks for. */
  readonly gpu?: { readonly fraction: number; readonly migResource: string };
}

/** `gpu-fraction-1_00`, `gpu-fraction-0_50`, `gpu-fraction-0_125`: at least two decimals, all significant ones kept. */
export function gpuFractionQueueName(fraction: number): string {
  const [whole, decimals = ''] = String(fraction).split('.');
  return `gpu-fraction-${whole}_${decimals.padEnd(2, '0')}`;
}

/** The queues of a (checked) tenant. */
export function tenantQueues(tenant: ResolvedTenant): TenantQueue[] {
  return [
    { name: 'default', requiredResources: tenant.queues.default.requiredResources, maxPods: tenant.queues.default.maxPods },
    ...tenant.queues.gpuFractions.map((fraction) => {
      const resource = migResource(tenant.queues.gpuModel, fraction);
      if (resource === undefined) throw new Error(`${tenant.file}: no MIG profile for fraction ${fraction} on ${tenant.queues.gpuModel}`);
      return { name: gpuFractionQueueName(fraction), requiredResources: fraction, maxPods: tenant.queues.maxPods, gpu: { fraction, migResource: resource } };
    }),
  ];
}
