/**
 * The ClearML server ("Install ClearML Chart" and "Namespace Isolation using Network Policies"):
 * the `clearml-enterprise` release in `clearml` with the runbook's overrides, and the namespace's
 * policies. The runbook's `allow-clearml-ingress` admitted `0.0.0.0/0`; ipBlock rules do not reliably
 * match pods, so the ingress controller's namespace and the tenant namespaces are admitted by name/label,
 * the tenants only on the ports of the server's endpoints for them (`tenantPorts`).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { SUPERVISOR_SECRET_PURPOSE } from '../../programs/bootstrap/plan';
import type { ChartCatalog } from '../../gitops/chart-catalog';
import type { ResolvedNetwork } from '../../config/network';
import type { ResolvedServer, ResolvedServerHosts } from './settings';
import { deepMerge } from '../../core/merge';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { ReleaseRef, SecretValue } from '../../flavors/release-definition';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { BOOTSTRAP_POD_LABEL, LAYER_LABEL, anyTenantNamespace, namespaceByName } from '../../core/labels';
import { requireSecret } from '../../security/secret-reference';
import { apiserverEnv } from './apiserver-env';

/** A namespace the server connects to, and on which ports. */
export interface ServerUpstream {
  readonly namespace: string;
  readonly ports: readonly number[];
}

export interface ClearmlServerProps {
  /** `server` of the resolved platform. */
  readonly server: ResolvedServer;
  /** Public host names (`hosts` of the resolved platform). */
  readonly hosts: ResolvedServerHosts;
  /** Namespaces the apiserver reaches (the shared Redis, billing's Kafka and Redis). */
  readonly upstreams: readonly ServerUpstream[];
  /** The ingress controller's namespace, admitted besides the tenants. */
  readonly ingressNamespace: string;
  /**
   * The TCP ports of the server's pods the tenant namespaces may connect to: those of the server's endpoints
   * for `tenants` (./descriptor.ts, `serverTenantPorts`). None: tenants are not admitted at all.
   */
  readonly tenantPorts: readonly number[];
  readonly catalog: ChartCatalog;
  readonly network: ResolvedNetwork;
  /** The enterprise registry password value (lib/components/registry-credentials). */
  readonly registryPassword: SecretValue;
  /** Releases installed first (the shared Redis). @default [] */
  readonly after?: readonly ReleaseRef[];
}

/** Label of the server's pods that the runbook's `allow-clearml-ingress` selects. */
export const SERVER_POD_SELECTOR = { 'app.kubernetes.io/name': 'clearml-clearml-enterprise' };

export class ClearmlServer extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: ClearmlServerProps) {
    super(scope, id);
    const server = props.server;
    const hosts = props.hosts;
    const ns = server.namespace;
    // The chart's bundled MongoDB, Elasticsearch and Redis need root and sysctl init containers.
    new IsolatedNamespace(this, 'Namespace', {
      name: ns,
      network: props.network,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'server' },
      egress: {
        toNamespaces: props.upstreams.map((u) => ({ namespace: u.namespace, ports: [...u.ports] })),
        // The bootstrap Jobs write the tenants' Secrets.
        kubernetesApi: true,
        // SSO token exchange and the apps archive download; not the tenants' bootstrap Jobs, which hold the
        // supervisor's credentials and talk only to the apiserver (in this namespace) and Kubernetes API
        // servers: neither the internet nor Redis or billing.
        internet: props.network.serverInternetEgress,
        egressExcept: { key: BOOTSTRAP_POD_LABEL.key, values: [BOOTSTRAP_POD_LABEL.value] },
      },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowClearmlIngress', {
      metadata: { name: 'allow-clearml-ingress', namespace: ns },
      spec: {
        podSelector: { matchLabels: SERVER_POD_SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [
          // The ingress controller serves the api, files and app hosts, so it reaches every server port.
          { from: [{ namespaceSelector: namespaceByName(props.ingressNamespace) }] },
          // Tenants (hostile) reach only the ports the server offers them (the apiserver's); never the
          // fileserver, webserver or the chart's MongoDB, Elasticsearch or Redis directly.
          ...(props.tenantPorts.length > 0
            ? [{ from: [{ namespaceSelector: anyTenantNamespace() }], ports: props.tenantPorts.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) }]
            : []),
        ],
      },
    });

    const ingress = (host: string) => ({ enabled: true, hostName: host, ...(server.ingressClassName ? { ingressClassName: server.ingressClassName } : {}) });
    const values = {
      clearml: { cookieDomain: server.cookieDomain },
      apiserver: {
        image: { tag: server.apiserverImageTag },
        ingress: ingress(hosts.api),
        service: { type: 'ClusterIP' },
        extraEnvs: apiserverEnv(server),
      },
      fileserver: { ingress: ingress(hosts.file), service: { type: 'ClusterIP' } },
      webserver: { image: { tag: server.webserverImageTag }, ingress: ingress(hosts.app), service: { type: 'ClusterIP' } },
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
      catalog: props.catalog,
      values: deepMerge(values, server.values),
      secretValues: [props.registryPassword],
      dependsOn: props.after ?? [],
    });
  }
}
