/**
 * The Argo CD flavor: an `Application` per release (ordered by sync waves), and app-of-apps folder
 * Applications in `argocd/` (one per platform folder, one per tenant shard).
 */
import { FLUX_PRUNE_ANNOTATION, GitOpsFlavor, isReleaseObject } from '../flavor';
import { ArgoCdApplication, argoCdReleaseProblems } from './argocd-application';
import { argoCdFolders, cascadeTenantReleases, markJobsForReplace } from './argocd-folders';

/** Argo CD's sync options that keep an object out of pruning and out of cascading deletion. */
export const ARGOCD_PRUNE_ANNOTATION = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as const;

export const argocdFlavor: GitOpsFlavor = {
  name: 'argocd',
  releaseKind: 'Application',
  // Only an Application of a Helm chart has a chart version (`targetRevision`); the folder Applications have none.
  readRelease: (o) =>
    isReleaseObject(o, 'Application', 'argoproj.io') ? { targetNamespace: o.spec?.destination?.namespace, chartVersion: o.spec?.source?.chart ? o.spec.source.targetRevision : undefined } : undefined,
  capabilities: { tenants: { supported: true }, externalSecrets: { supported: true }, lockdown: false, repositoryPath: true },
  pruneProtection: { ...FLUX_PRUNE_ANNOTATION, ...ARGOCD_PRUNE_ANNOTATION },
  checkSettings(problems, settings) {
    if (typeof settings.repoURL !== 'string' || !/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(settings.repoURL)) {
      problems.add('gitops.repoURL', settings.repoURL, 'is required for the "argocd" flavor: the clone URL of this repository ("https://...", "ssh://..." or "git@host:org/repo.git")');
    }
  },
  controllerNamespaces: (settings) => [settings.argocdNamespace],
  renderRelease(scope, release, context) {
    const problems = argoCdReleaseProblems(release);
    for (const problem of problems) context.problems.add('gitops', 'argocd', problem);
    if (problems.length > 0) return;
    new ArgoCdApplication(scope, 'ArgoCd', release, { argocdNamespace: context.settings.argocdNamespace, project: context.settings.argocdProject, wave: context.wave });
  },
  groupFolders({ folders, units, settings }) {
    markJobsForReplace(folders);
    cascadeTenantReleases(folders, units);
    return {
      folders: argoCdFolders(units, settings),
      external: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', namespace: settings.argocdNamespace, name: settings.argocdProject, providedBy: 'Argo CD' }],
    };
  },
};
