/**
 * The Flux flavor: a `HelmRelease` per release, the chart sources as objects of their own (the
 * `sources` folder), a Flux `Kustomization` per folder (in `flux/`), and the optional multi-tenancy
 * lockdown (`fluxLockdown: true`).
 */
import { requireSecret } from '../../security/secret-reference';
import { FLUX_PRUNE_ANNOTATION, GitOpsFlavor, isReleaseObject } from '../flavor';
import { FluxHelmRelease } from './flux-helm-release';
import { fluxKustomizationFolders } from './flux-kustomizations';
import { FLUX_CONTROLLER_FLAGS, LOCKED_DOWN_CONTROLLERS, applyFluxLockdown } from './flux-lockdown';
import { FluxSources } from './flux-sources';

export const fluxFlavor: GitOpsFlavor = {
  name: 'flux',
  releaseKind: 'HelmRelease',
  readRelease: (o) =>
    isReleaseObject(o, 'HelmRelease', 'helm.toolkit.fluxcd.io') ? { targetNamespace: o.spec?.targetNamespace ?? o.metadata?.namespace ?? 'default', chartVersion: o.spec?.chart?.spec?.version } : undefined,
  capabilities: { tenants: { supported: true }, externalSecrets: { supported: true }, lockdown: true, repositoryPath: true },
  pruneProtection: { ...FLUX_PRUNE_ANNOTATION },
  checkSettings() {
    // Every Flux setting has a default that works.
  },
  controllerNamespaces: (settings, sourceNamespace) => [sourceNamespace, settings.repository.namespace],
  renderRelease(scope, release) {
    // Flux reads each secret value from its Secret key (`valuesFrom`): the Secrets go into the inventory.
    for (const v of release.secretValues) {
      requireSecret(scope, { namespace: release.namespace, name: v.secret.name, keys: [v.secret.key], purpose: v.purpose, providedBy: v.providedBy });
    }
    new FluxHelmRelease(scope, 'Flux', release);
  },
  renderSources(scope, id, context) {
    new FluxSources(scope, id, context);
  },
  groupFolders({ folders, units, settings }) {
    const tenants = settings.fluxLockdown ? applyFluxLockdown({ folders, nodes: units }) : undefined;
    const external = [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        namespace: settings.repository.namespace,
        name: settings.repository.name,
        providedBy: 'flux bootstrap (the repository holding this output)',
      },
      ...(tenants
        ? LOCKED_DOWN_CONTROLLERS.map((name) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: settings.repository.namespace, name, providedBy: 'flux bootstrap', requiredFlags: [...FLUX_CONTROLLER_FLAGS] }))
        : []),
    ];
    return { folders: fluxKustomizationFolders(units, { gitops: settings, tenants }), external };
  },
};
