/**
 * A tenant's app gateway ("Install the App Gateway Router Chart"): the router chart as release
 * `clearml-ttr` in the tenant namespace, talking to the apiserver inside the cluster with the key and
 * secret the tenant bootstrap writes (valuesFrom `clearml-router-credentials`), behind an ingress on
 * the tenant's router host.
 */
import { Construct } from 'constructs';
import { ResolvedPlatform } from '../platform/platform';
import { ResolvedTenant } from './tenants';
import { BOOTSTRAP_SECRETS, bootstrapSecretPurpose } from '../programs/bootstrap/plan';
import { HelmChartRelease } from '../gitops/helm-chart-release';
import { ReleaseRef } from '../flavors/release-definition';
import { registryPasswordValue } from '../components/registry-credentials/registry-credentials';

/** Release name of the router, as in the runbook. */
export const ROUTER_RELEASE_NAME = 'clearml-ttr';

/**
 * Labels of the app gateway's pods: Helm's standard instance label, which the chart's Deployment sets to
 * the release name (the chart's own selector labels are not in the vendored docs).
 */
export const ROUTER_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/instance': ROUTER_RELEASE_NAME };

/** The port the app gateway's pods serve HTTP on, which the ingress controller connects to. */
export const ROUTER_PORT = 8080;

export interface TenantRouterProps {
  readonly tenant: ResolvedTenant;
  readonly platform: ResolvedPlatform;
  /** Releases installed first (the ClearML server). @default [] */
  readonly after?: readonly ReleaseRef[];
}

export class TenantRouter extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: TenantRouterProps) {
    super(scope, id);
    const { tenant, platform } = props;
    const credentials = BOOTSTRAP_SECRETS.router;
    const [accessKey, secretKey] = credentials.keys;
    const purpose = bootstrapSecretPurpose('router', tenant.name);
    const ingressClassName = platform.server.ingressClassName;
    this.release = new HelmChartRelease(this, 'Resource', {
      name: ROUTER_RELEASE_NAME,
      namespace: tenant.namespace,
      chart: platform.tenantReleases.routerChart,
      catalog: platform.catalog,
      values: {
        clearml: { apiServerUrlReference: platform.internalApiUrl },
        ingress: { enabled: true, hostName: tenant.router.hostName, ...(ingressClassName ? { ingressClassName } : {}) },
      },
      secretValues: [
        registryPasswordValue(platform),
        { secret: { name: credentials.name, key: accessKey }, targetPath: 'clearml.apiserverKey', purpose, providedBy: 'bootstrap' },
        { secret: { name: credentials.name, key: secretKey }, targetPath: 'clearml.apiserverSecret', purpose, providedBy: 'bootstrap' },
      ],
      dependsOn: props.after ?? [],
    });
  }
}
