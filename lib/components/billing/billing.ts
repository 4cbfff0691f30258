/**
 * The billing chart ("Install Billing Chart") in `clearml-billing`, admitting only `clearml`.
 *
 * ClearML hands the chart over as a tarball (the runbook names it both `clearml-billing-1.1.0.tgz` and
 * `1.0.0.tgz`); a GitOps controller needs it in an OCI registry or a Git repository, which
 * `billing.chart` names. The values file the runbook writes (`values.override.yaml`) and the one it
 * passes (`overrides.yaml`) differ; here there is one set of values.
 */
import { Construct } from 'constructs';
import type { ChartCatalog } from '../../gitops/chart-catalog';
import type { ResolvedNetwork } from '../../config/network';
import type { ResolvedBilling } from './settings';
import { deepMerge } from '../../core/merge';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { ReleaseRef } from '../../flavors/release-definition';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { LAYER_LABEL, namespaceByName } from '../../core/labels';

export interface BillingProps {
  /** `billing` of the resolved platform. */
  readonly settings: ResolvedBilling;
  /** The server namespace, the only one admitted. */
  readonly serverNamespace: string;
  readonly catalog: ChartCatalog;
  readonly network: ResolvedNetwork;
  /** The server release, installed first. @default - none */
  readonly after?: ReleaseRef;
}

/** Ports of the billing chart's Kafka and Redis, which the apiserver reaches (and the only ones its namespace admits). */
export const BILLING_PORTS = { kafka: 9092, redis: 6379 } as const;

export class Billing extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: BillingProps) {
    super(scope, id);
    const billing = props.settings;
    if (!billing.chart) throw new Error('billing.chart is required while billing is enabled');
    new IsolatedNamespace(this, 'Namespace', {
      name: billing.namespace,
      network: props.network,
      labels: { [LAYER_LABEL]: 'server' },
      // Kafka and Redis of the billing chart may need root; warn/audit stay restricted.
      podSecurity: 'baseline',
      allowIngressFrom: [namespaceByName(props.serverNamespace)],
      // The apiserver uses the chart's Kafka and Redis only.
      allowIngressPorts: [BILLING_PORTS.kafka, BILLING_PORTS.redis],
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: billing.releaseName,
      namespace: billing.namespace,
      chart: billing.chart,
      catalog: props.catalog,
      values: deepMerge({ imageCredentials: { username: billing.registryUsername } }, billing.values),
      secretValues: [{ secret: billing.registryPasswordSecret, targetPath: 'imageCredentials.password', purpose: 'Billing registry token (imageCredentials.password of the billing chart)' }],
      dependsOn: props.after ? [props.after] : [],
    });
  }
}
