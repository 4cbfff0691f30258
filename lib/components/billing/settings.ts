/** Defaults and checks of `PlatformProps.billing`. */
import { Req, checkSecretRef, definedOnly } from '../../config/checks';
import type { ChartProps, ChartSourceProps } from '../../flavors/chart-source';
import { Problems } from '../../core/problems';
import { BillingProps } from './props';

export type ResolvedBilling = Req<Omit<BillingProps, 'chart'>> & { readonly chart?: ChartProps };

/** `sources`: the platform's chart sources (the billing chart cannot come from a Helm repository). */
export function resolveBilling(problems: Problems, input: BillingProps | undefined, sources: Readonly<Record<string, ChartSourceProps>>): ResolvedBilling {
  const billing = {
    enabled: true,
    namespace: 'clearml-billing',
    releaseName: 'clearml-billing',
    registryUsername: 'dockerhubcustpocbillingaccess',
    registryPasswordSecret: { name: 'clearml-billing-registry', key: 'password' },
    values: {},
    ...definedOnly(input),
  };
  if (billing.enabled) {
    if (!billing.chart) {
      problems.add('billing.chart', undefined, 'is required while billing is enabled: the billing chart is a tarball from ClearML; push it to an OCI registry or keep it in a Git repository, and name that source here (or set billing.enabled to false)');
    } else if (sources[billing.chart.source]?.type === 'helm') {
      problems.add('billing.chart.source', billing.chart.source, 'must be an "oci" or "git" source: the billing chart is not in a Helm repository');
    }
    checkSecretRef(problems, 'billing.registryPasswordSecret', billing.registryPasswordSecret);
  }
  return billing;
}
