/**
 * The k3s/RKE2 helm-controller flavor: a `HelmChart` per release (with its install Job's egress
 * policy), no folder objects: the folders are applied in the order of `apply-order.txt`.
 */
import { FLUX_PRUNE_ANNOTATION, GitOpsFlavor, isReleaseObject } from '../flavor';
import { K3sHelmChart, k3sReleaseProblem } from './k3s-helm-chart';

export const k3sFlavor: GitOpsFlavor = {
  name: 'k3s',
  releaseKind: 'HelmChart',
  readRelease: (o) => (isReleaseObject(o, 'HelmChart', 'helm.cattle.io') ? { targetNamespace: o.spec?.targetNamespace ?? o.metadata?.namespace ?? 'default', chartVersion: o.spec?.version } : undefined),
  capabilities: {
    tenants: {
      supported: false,
      why:
        "the k3s helm-controller runs each install as a ServiceAccount bound to cluster-admin in the HelmChart's namespace, which would give every tenant namespace a cluster-admin account; " +
        'use the "flux" or "argocd" flavor for tenants',
    },
    externalSecrets: {
      supported: false,
      why: 'k3s applies the folders without dependencies or health checks, so nothing would make a release wait until its ExternalSecrets are Ready; use "flux" or "argocd", or "manual" secrets',
    },
    lockdown: false,
    // Its folders are applied in the order of apply-order.txt by whatever applies them: no object names a repository path.
    repositoryPath: false,
  },
  pruneProtection: { ...FLUX_PRUNE_ANNOTATION },
  checkSettings() {
    // k3s reads nothing of the GitOps settings.
  },
  controllerNamespaces: () => ['kube-system'],
  renderRelease(scope, release, context) {
    const problem = k3sReleaseProblem(release);
    if (problem) context.problems.add('gitops', 'k3s', problem);
    else new K3sHelmChart(scope, 'K3s', release, context.network);
  },
  groupFolders: () => ({ folders: [], external: [] }),
};
