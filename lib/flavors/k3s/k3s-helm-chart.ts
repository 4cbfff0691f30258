/**
 * A release as a k3s/RKE2 helm-controller `HelmChart` (`helm.cattle.io/v1`).
 *
 * The `HelmChart` lives in the release's namespace (its name is the Helm release name, so release
 * names stay those of the Flux output) and installs there (`targetNamespace`). The helm-controller runs
 * the install as a Job in that namespace, so the Job pod gets a security context that the
 * `restricted` Pod Security level admits.
 *
 * k3s has no `dependsOn`: releases are ordered by folder (see `apply-order.txt`), and a chart that
 * needs another's CRDs retries until they exist (`failurePolicy: reinstall`, `backOffLimit`).
 *
 * The namespaces deny egress by default, so each HelmChart comes with a NetworkPolicy that lets its install
 * Job (pods labelled `helmcharts.helm.cattle.io/chart: <name>` by helm-controller) reach the Kubernetes API
 * and, outside the cluster's address ranges, the chart source.
 *
 * Secrets: helm-controller reads whole values files from Secrets (`valuesSecrets`), not single keys,
 * so each release with secret values reads one Secret `<release>-helm-values` (key `values.yaml`)
 * holding those values as YAML; it is declared in the Secret inventory with the paths it must set.
 * Repository credentials are read from the release namespace (`authSecret` for Helm repositories,
 * `dockerRegistrySecret` for OCI registries). Git sources are not supported by helm-controller.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { HelmChart, HelmChartSpecFailurePolicy } from '../../../imports/helm.cattle.io';
import { requireSecret } from '../../security/secret-reference';
import { ClusterNetwork } from '../flavor';
import { ReleaseDefinition } from '../release-definition';
import { safeIpBlock } from '../../security/never-egress';

/** Why k3s cannot render `release`, or undefined when it can. */
export function k3sReleaseProblem(release: ReleaseDefinition): string | undefined {
  const { source } = release;
  if (source.type !== 'git') return undefined;
  return (
    `release ${release.namespace}/${release.name}: chart source "${source.name}" is a Git repository, which the k3s helm-controller cannot install from; ` +
    'push the chart to an OCI registry or a Helm repository and name that source, or use the "flux" flavor'
  );
}

/** Renders one release definition as a k3s `HelmChart` (one that {@link k3sReleaseProblem} accepts). */
export class K3sHelmChart extends Construct {
  public readonly resource: HelmChart;

  constructor(scope: Construct, id: string, release: ReleaseDefinition, installEgress: ClusterNetwork) {
    super(scope, id);
    const { source, chart } = release;
    if (source.type === 'git') throw new Error(k3sReleaseProblem(release));
    const valuesSecretName = `${release.name}-helm-values`;
    if (release.secretValues.length > 0) {
      requireSecret(this, {
        namespace: release.namespace,
        name: valuesSecretName,
        keys: ['values.yaml'],
        purpose: `Helm values of ${release.name} as YAML (k3s valuesSecrets), setting ${release.secretValues.map((v) => `${v.targetPath} (${v.purpose})`).join(', ')}`,
      });
    }
    if (source.secretName) {
      requireSecret(this, {
        namespace: release.namespace,
        name: source.secretName,
        keys: source.type === 'oci' ? ['.dockerconfigjson'] : ['username', 'password'],
        type: source.type === 'oci' ? 'kubernetes.io/dockerconfigjson' : 'kubernetes.io/basic-auth',
        purpose: `Credentials of the chart ${source.type === 'oci' ? 'registry' : 'repository'} "${source.name}" for the k3s helm-controller`,
      });
    }
    const chartLocation =
      source.type === 'oci'
        ? { chart: `${source.url.replace(/\/+$/, '')}/${chart.chart}`, version: chart.version, dockerRegistrySecret: source.secretName ? { name: source.secretName } : undefined }
        : { repo: source.url, chart: chart.chart, version: chart.version, authSecret: source.secretName ? { name: source.secretName } : undefined };
    this.resource = new HelmChart(this, 'Resource', {
      metadata: { name: release.name, namespace: release.namespace },
      spec: {
        ...chartLocation,
        targetNamespace: release.namespace,
        createNamespace: false,
        timeout: '15m',
        backOffLimit: 10,
        failurePolicy: HelmChartSpecFailurePolicy.REINSTALL,
        values: Object.keys(release.values).length > 0 ? release.values : undefined,
        valuesSecrets: release.secretValues.length > 0 ? [{ name: valuesSecretName, keys: ['values.yaml'] }] : undefined,
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    });
    // The namespace denies egress by default; the install Job (its pods carry the helm-controller's
    // `helmcharts.helm.cattle.io/chart` label) must reach the Kubernetes API and the chart source.
    new k8s.KubeNetworkPolicy(this, 'InstallEgress', {
      metadata: { name: `helm-install-${release.name}`.slice(0, 63).replace(/-+$/, ''), namespace: release.namespace },
      spec: {
        podSelector: { matchLabels: { 'helmcharts.helm.cattle.io/chart': release.name } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: installEgress.kubernetesApiCidrs.map((cidr) => ({ ipBlock: safeIpBlock(cidr) })),
            ports: installEgress.kubernetesApiPorts.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
          },
          { to: [{ ipBlock: safeIpBlock('0.0.0.0/0', installEgress.clusterCidrs) }] },
        ],
      },
    });
  }
}
