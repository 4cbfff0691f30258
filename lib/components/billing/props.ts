/** Props of the billing chart (`PlatformProps.billing`). */
import type { ChartProps } from '../../flavors/chart-source';
import type { SecretKeyReference } from '../../security/secret-reference';

/** The billing chart ("Install Billing Chart"). */
export interface BillingProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'clearml-billing' */
  readonly namespace?: string;
  /** @default 'clearml-billing' */
  readonly releaseName?: string;
  /**
   * Where the chart is: the tarball ClearML hands over pushed to an OCI registry, or kept in a Git
   * repository (`chart` = path of the `.tgz`). Required when billing is enabled.
   */
  readonly chart?: ChartProps;
  /** Registry user of the billing images. @default 'dockerhubcustpocbillingaccess' */
  readonly registryUsername?: string;
  /** Registry password of the billing images. @default { name: 'clearml-billing-registry', key: 'password' } */
  readonly registryPasswordSecret?: SecretKeyReference;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}
