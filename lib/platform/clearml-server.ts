/**
 * The ClearML server ("Install ClearML Chart" and "Namespace Isolation using Network Policies"):
 * the `clearml-enterprise` release in `clearml` with the runbook's overrides, and the namespace's
 * policies. The runbook's `allow-clearml-ingress` admitted `0.0.0.0/0`; ipBlock rules do not reliably
 * match pods, so the ingress controller's namespace and the tenant namespaces are admitted by name/label.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { SUPERVISOR_SECRET_PURPOSE } from '../programs/bootstrap/plan';
import { ResolvedPlatform } from '../config/platform';
import { deepMerge } from '../core/merge';
import { HelmChartRelease } from '../gitops/helm-chart-release';
import { ReleaseRef } from '../gitops/release-definition';
import { IsolatedNamespace } from '../security/isolated-namespace';
import { LAYER_LABEL, anyTenantNamespace, namespaceByName } from '../core/labels';
import { requireSecret } from '../security/secret-reference';
import { apiserverEnv } from './apiserver-env';
import { registryPasswordValue } from './registry-credentials';

export interface ClearmlServerProps {
  readonly platform: ResolvedPlatform;
  /** Releases installed first (the shared Redis). @default [] */
  readonly after?: readonly ReleaseRef[];
}

/** Label of the server's pods that the runbook's `allow-clearml-ingress` selects. */
export const SERVER_POD_SELECTOR = { 'app.kubernetes.io/name': 'clearml-clearml-enterprise' };

export class ClearmlServer extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: ClearmlServerProps) {
    super(scope, id);
    const { platform } = props;
    const server = platform.server;
    const ns = server.namespace;
    // The chart's bundled MongoDB, Elasticsearch and Redis need root and sysctl init containers.
    new IsolatedNamespace(this, 'Namespace', {
      name: ns,
      platform,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'server' },
      egress: {
        toNamespaces: [
          { namespace: platform.redis.namespace, ports: [platform.redis.port] },
          ...(platform.billing.enabled ? [{ namespace: platform.billing.namespace, ports: [9092, 6379] }] : []),
        ],
        // The bootstrap Jobs write the tenants' Secrets.
        kubernetesApi: true,
        // SSO token exchange and the apps archive download.
        internet: platform.network.serverInternetEgress,
      },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowClearmlIngress', {
      metadata: { name: 'allow-clearml-ingress', namespace: ns },
      spec: {
        podSelector: { matchLabels: SERVER_POD_SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: namespaceByName(platform.ingressNamespace) }, { namespaceSelector: anyTenantNamespace() }] }],
      },
    });

    const ingress = (host: string) => ({ enabled: true, hostName: host, ...(server.ingressClassName ? { ingressClassName: server.ingressClassName } : {}) });
    const values = {
      clearml: { cookieDomain: server.cookieDomain },
      apiserver: {
        image: { tag: server.apiserverImageTag },
        ingress: ingress(platform.hosts.api),
        service: { type: 'ClusterIP' },
        extraEnvs: apiserverEnv(platform),
      },
      fileserver: { ingress: ingress(platform.hosts.file), service: { type: 'ClusterIP' } },
      webserver: { image: { tag: server.webserverImageTag }, ingress: ingress(platform.hosts.app), service: { type: 'ClusterIP' } },
      clearmlApplications: { enabled: server.applicationsEnabled, ...(server.applicationsQueueMode === 'per_tenant' ? { queueMode: 'per_tenant' } : {}) },
    };
    const supervisor = server.supervisor.credentialsSecret;
    requireSecret(this, { namespace: ns, name: supervisor.name, keys: [supervisor.accessKeyKey, supervisor.secretKeyKey], purpose: SUPERVISOR_SECRET_PURPOSE });
    if (server.billing.enabled) {
      requireSecret(this, { namespace: ns, ...{ name: server.billing.kafkaSaslPasswordSecret.name, keys: [server.billing.kafkaSaslPasswordSecret.key] }, purpose: 'Billing Kafka SASL password of the apiserver' });
    }
    if (server.sso) {
      requireSecret(this, { namespace: ns, name: server.sso.clientSecret.name, keys: [server.sso.clientSecret.key], purpose: 'SSO OAuth client secret' });
    }
    this.release = new HelmChartRelease(this, 'Resource', {
      name: server.releaseName,
      namespace: ns,
      chart: server.chart,
      catalog: platform.catalog,
      values: deepMerge(values, server.values),
      secretValues: [registryPasswordValue(platform)],
      dependsOn: props.after ?? [],
    });
  }
}
