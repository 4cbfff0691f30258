/** Each flavor reads its own release objects back from YAML (the checkers and the review diff use this instead of naming kinds). */
import { gitopsFlavor, GITOPS_FLAVORS, readRelease } from '../../lib/flavors/index';

const SAMPLES: Record<string, Record<string, any>> = {
  flux: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'r', namespace: 'ns' }, spec: { targetNamespace: 'target', chart: { spec: { chart: 'c', version: '1.2.3' } } } },
  k3s: { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'r', namespace: 'kube-system' }, spec: { targetNamespace: 'target', chart: 'c', version: '1.2.3' } },
  argocd: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'r', namespace: 'argocd' }, spec: { destination: { namespace: 'target' }, source: { chart: 'c', targetRevision: '1.2.3' } } },
};

describe('GitOpsFlavor.readRelease', () => {
  test.each(GITOPS_FLAVORS)('%s reads its release: target namespace and chart version', (name) => {
    expect(gitopsFlavor(name).readRelease(SAMPLES[name])).toEqual({ targetNamespace: 'target', chartVersion: '1.2.3' });
    expect(readRelease(SAMPLES[name])).toEqual({ targetNamespace: 'target', chartVersion: '1.2.3' });
  });

  test.each(GITOPS_FLAVORS)("%s reads no other flavor's release and no object of another API group", (name) => {
    for (const [other, sample] of Object.entries(SAMPLES)) if (other !== name) expect(gitopsFlavor(name).readRelease(sample)).toBeUndefined();
    expect(gitopsFlavor(name).readRelease({ ...SAMPLES[name], apiVersion: 'example.com/v1' })).toBeUndefined();
  });

  test('a release without a target namespace installs into its own (Flux, k3s); an Argo CD folder Application has no chart version', () => {
    const { targetNamespace: _, ...fluxSpec } = SAMPLES.flux.spec;
    expect(readRelease({ ...SAMPLES.flux, spec: fluxSpec })?.targetNamespace).toBe('ns');
    expect(readRelease({ ...SAMPLES.argocd, spec: { destination: { namespace: 'x' }, source: { path: 'dist/server' } } })).toEqual({ targetNamespace: 'x', chartVersion: undefined });
    expect(readRelease({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).toBeUndefined();
  });
});
