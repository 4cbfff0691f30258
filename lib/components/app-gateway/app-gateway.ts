/**
 * A tenant's ClearML Enterprise App Gateway (`clearml-enterprise-app-gateway`, ClearML's current page
 * `enterprise_deploy/appgw_install_k8s.md`), in place of the runbook's task traffic router: the chart as
 * release `clearml-app-gateway` in the tenant namespace, with
 *
 * - `clearml.apiKey` / `clearml.apiSecret` from the credentials Secret the tenant bootstrap writes for
 *   the router (valuesFrom; never a value in Git);
 * - `clearml.apiServerUrlReference`: the public `https://api.` URL (the page requires that prefix);
 * - `clearml.authCookieName`, `ingress.enabled` / `ingress.hostName`;
 * - `streamSession.routerAddress`, `streamSession.service.type` and `streamSession.portRange.{start,end}`
 *   for TCP/UDP sessions; a tenant without a port range gets a `ClusterIP` stream service (no NodePorts).
 *
 * The props are narrow on purpose: names, URLs and Secret references, no platform or tenant object.
 */
import { Construct } from 'constructs';
import { ChartCatalog } from '../../gitops/chart-catalog';
import { ChartProps } from '../../flavors/chart-source';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { ReleaseRef, SecretValue } from '../../flavors/release-definition';

/** Release name of the app gateway. */
export const APP_GATEWAY_RELEASE_NAME = 'clearml-app-gateway';

/**
 * Labels of the app gateway's pods: Helm's standard instance label set to the release name (assumed:
 * the chart's own selector labels are not in the public docs).
 */
export const APP_GATEWAY_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/instance': APP_GATEWAY_RELEASE_NAME };

/** The port the app gateway's pods serve HTTP on (assumed to be the task traffic router's 8080). */
export const APP_GATEWAY_HTTP_PORT = 8080;

/** A Secret with the key and secret of the ClearML user the gateway calls the apiserver as. */
export interface AppGatewayCredentials {
  readonly name: string;
  readonly accessKeyKey: string;
  readonly secretKeyKey: string;
  /** What the Secret is, for the Secret inventory. */
  readonly purpose: string;
  /** Who writes it. @default 'bootstrap' */
  readonly providedBy?: 'bootstrap' | 'operator';
}

/** TCP/UDP sessions. */
export interface AppGatewayStreamSession {
  /** `streamSession.routerAddress`. */
  readonly routerAddress: string;
  /** `streamSession.service.type` when there is a port range. */
  readonly serviceType: 'NodePort' | 'LoadBalancer';
  /** `streamSession.portRange`; absent: a `ClusterIP` service and no range. @default - none */
  readonly portRange?: { readonly start: number; readonly end: number };
}

export interface AppGatewayProps {
  /** The tenant namespace. */
  readonly namespace: string;
  readonly chart: ChartProps;
  readonly catalog: ChartCatalog;
  readonly credentials: AppGatewayCredentials;
  /** The registry token value (`imageCredentials.password`). */
  readonly registryPassword: SecretValue;
  /** `clearml.apiServerUrlReference`: must start with `https://api.`. */
  readonly apiServerUrl: string;
  /** `clearml.authCookieName`. */
  readonly authCookieName: string;
  /** `ingress.hostName`. */
  readonly hostName: string;
  /** `ingress.ingressClassName`. @default - the cluster's default class */
  readonly ingressClassName?: string;
  readonly streamSession: AppGatewayStreamSession;
  /** Releases installed first. @default [] */
  readonly after?: readonly ReleaseRef[];
}

/** The chart values of the gateway (no secret among them). */
export function appGatewayValues(props: Omit<AppGatewayProps, 'chart' | 'catalog' | 'credentials' | 'registryPassword' | 'namespace' | 'after'>): Record<string, unknown> {
  if (!props.apiServerUrl.startsWith('https://api.')) throw new Error(`the app gateway's apiServerUrlReference must start with "https://api.", not ${JSON.stringify(props.apiServerUrl)}`);
  const stream = props.streamSession;
  return {
    clearml: { apiServerUrlReference: props.apiServerUrl, authCookieName: props.authCookieName },
    ingress: { enabled: true, hostName: props.hostName, ...(props.ingressClassName ? { ingressClassName: props.ingressClassName } : {}) },
    streamSession: {
      routerAddress: stream.routerAddress,
      service: { type: stream.portRange ? stream.serviceType : 'ClusterIP' },
      ...(stream.portRange ? { portRange: { start: stream.portRange.start, end: stream.portRange.end } } : {}),
    },
  };
}

export class AppGateway extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: AppGatewayProps) {
    super(scope, id);
    const c = props.credentials;
    const providedBy = c.providedBy ?? 'bootstrap';
    this.release = new HelmChartRelease(this, 'Resource', {
      name: APP_GATEWAY_RELEASE_NAME,
      namespace: props.namespace,
      chart: props.chart,
      catalog: props.catalog,
      values: appGatewayValues(props),
      secretValues: [
        props.registryPassword,
        { secret: { name: c.name, key: c.accessKeyKey }, targetPath: 'clearml.apiKey', purpose: c.purpose, providedBy },
        { secret: { name: c.name, key: c.secretKeyKey }, targetPath: 'clearml.apiSecret', purpose: c.purpose, providedBy },
      ],
      dependsOn: props.after ?? [],
    });
  }
}
