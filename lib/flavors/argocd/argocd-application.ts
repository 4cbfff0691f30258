/**
 * A release as an Argo CD `Application` (`argoproj.io/v1alpha1`) with a Helm source.
 *
 * Applications live in Argo CD's namespace and install into the release namespace. Order comes from
 * sync waves (`argocd.argoproj.io/sync-wave`): a release is one wave after the releases it depends on,
 * and plain objects of its folder (namespaces, policies) are in wave 0 before it.
 *
 * Argo CD cannot read a Secret key into a Helm value (there is no `valuesFrom`), so a secret value is
 * written through the chart's own `existingSecret`-style setting when the release defines one, and
 * synth fails otherwise rather than putting the value into Git. Chart repository credentials are
 * Argo CD repository Secrets, which the operator creates (they are in the Secret inventory).
 */
import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { requireSecret } from '../../security/secret-reference';
import { deepMerge } from '../../core/merge';
import { boundedDnsLabel } from '../../core/names';
import { ReleaseDefinition } from '../release-definition';

/** The annotation Argo CD orders by. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

export interface ArgoCdApplicationProps {
  /** Namespace of Argo CD. */
  readonly argocdNamespace: string;
  /** The `AppProject`. */
  readonly project: string;
  /** Sync wave of the release. */
  readonly wave: number;
}

/** Why Argo CD cannot render `release` (every reason), empty when it can. */
export function argoCdReleaseProblems(release: ReleaseDefinition): string[] {
  const problems: string[] = [];
  const at = `release ${release.namespace}/${release.name}`;
  for (const v of release.secretValues) {
    if (v.alternative) continue;
    if (v.providedBy === 'bootstrap') {
      problems.push(
        `${at}: the value ${v.targetPath} comes from the Secret ${v.secret.name} that the tenant bootstrap creates, ` +
          'and Argo CD has no way to read a Secret key into a Helm value; set tenantReleases.routerEnabled to false, or use the "flux" flavor',
      );
    } else {
      problems.push(
        `${at}: the value ${v.targetPath} (${v.purpose}) comes from the Secret ${v.secret.name}, ` +
          'and Argo CD has no way to read a Secret key into a Helm value; the chart has no existingSecret-style setting for it. ' +
          'Use the "flux" or "k3s" flavor, or turn this release off',
      );
    }
  }
  if (release.source.type === 'git' && release.chart.chart.endsWith('.tgz')) {
    problems.push(`${at}: Argo CD installs charts from Git only as chart folders, not packaged "${release.chart.chart}"; unpack it into a folder or push it to an OCI registry`);
  }
  return problems;
}

/** Renders one release definition as an Argo CD `Application` (one that {@link argoCdReleaseProblems} accepts). */
export class ArgoCdApplication extends Construct {
  public readonly resource: Application;

  constructor(scope: Construct, id: string, release: ReleaseDefinition, props: ArgoCdApplicationProps) {
    super(scope, id);
    const { source, chart } = release;
    const problems = argoCdReleaseProblems(release);
    if (problems.length > 0) throw new Error(problems.join('; '));
    let values = release.values;
    for (const v of release.secretValues) {
      if (!v.alternative) continue;
      values = deepMerge(values, v.alternative.values);
      requireSecret(this, {
        namespace: release.namespace,
        name: v.alternative.secret.name,
        keys: v.alternative.secret.keys,
        type: v.alternative.secret.type,
        purpose: v.alternative.purpose,
      });
    }
    if (source.secretName) {
      requireSecret(this, {
        namespace: props.argocdNamespace,
        name: `repo-${source.name}`,
        keys: source.type === 'git' ? ['password', 'type', 'url', 'username'] : source.type === 'oci' ? ['enableOCI', 'password', 'type', 'url', 'username'] : ['password', 'type', 'url', 'username'],
        purpose: `Argo CD repository Secret (label argocd.argoproj.io/secret-type=repository) for the chart source "${source.name}" (${source.url})`,
      });
    }
    let location: { repoUrl: string; chart?: string; path?: string; targetRevision: string };
    if (source.type === 'git') {
      location = { repoUrl: source.url, path: chart.chart, targetRevision: source.tag ?? source.branch ?? source.commit ?? 'HEAD' };
    } else if (source.type === 'oci') {
      location = { repoUrl: source.url.replace(/^oci:\/\//, '').replace(/\/+$/, ''), chart: chart.chart, targetRevision: chart.version.replace(/^v(?=\d)/, '') };
    } else {
      location = { repoUrl: source.url, chart: chart.chart, targetRevision: chart.version };
    }
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: boundedDnsLabel(`${release.namespace}-${release.name}`),
        namespace: props.argocdNamespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: String(props.wave) },
      },
      spec: {
        project: props.project,
        destination: { server: 'https://kubernetes.default.svc', namespace: release.namespace },
        source: {
          ...location,
          helm: { releaseName: release.name, valuesObject: Object.keys(values).length > 0 ? values : undefined },
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['ServerSideApply=true'],
          retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
        },
      },
    });
  }
}
