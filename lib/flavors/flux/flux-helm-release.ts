/**
 * A release as a Flux `HelmRelease` (`helm.toolkit.fluxcd.io/v2`).
 */
import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecValuesFromKind,
} from '../../../imports/helm.toolkit.fluxcd.io';
import { ociRepositoryName } from '../../core/names';
import { ReleaseDefinition } from '../release-definition';

/** Renders one release definition as a Flux `HelmRelease`. */
export class FluxHelmRelease extends Construct {
  public readonly resource: HelmRelease;

  constructor(scope: Construct, id: string, release: ReleaseDefinition) {
    super(scope, id);
    const { source, chart } = release;
    const chartSpec =
      source.type === 'oci'
        ? { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: ociRepositoryName(source.name, chart.chart), namespace: release.sourceNamespace } }
        : {
            chart: {
              spec: {
                chart: chart.chart,
                version: source.type === 'git' ? undefined : chart.version,
                sourceRef: {
                  kind: source.type === 'git' ? HelmReleaseSpecChartSpecSourceRefKind.GIT_REPOSITORY : HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY,
                  name: source.name,
                  namespace: release.sourceNamespace,
                },
              },
            },
          };
    this.resource = new HelmRelease(this, 'Resource', {
      metadata: { name: release.name, namespace: release.namespace },
      spec: {
        releaseName: release.name,
        interval: '30m',
        timeout: '15m',
        ...chartSpec,
        dependsOn: release.dependsOn.length > 0 ? release.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })) : undefined,
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        values: Object.keys(release.values).length > 0 ? release.values : undefined,
        valuesFrom:
          release.secretValues.length > 0
            ? release.secretValues.map((v) => ({ kind: HelmReleaseSpecValuesFromKind.SECRET, name: v.secret.name, valuesKey: v.secret.key, targetPath: v.targetPath }))
            : undefined,
      },
    });
  }
}
