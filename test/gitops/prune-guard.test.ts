import { gitopsFlavor } from '../../lib/flavors';
import { applyPruneGuard, pruneGuardAnnotations } from '../../lib/gitops/prune-guard';
import { RenderedFolder } from '../../lib/core/folders';

function folders(): RenderedFolder[] {
  const obj = (kind: string, name: string, namespace?: string, annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) } });
  return [
    { path: 'server', files: [{ name: 'ns.yaml', objects: [obj('Namespace', 'clearml'), obj('PersistentVolumeClaim', 'data', 'clearml')] }] },
    {
      path: 'tenants/acme/bootstrap',
      files: [{ name: 'namespace.yaml', objects: [obj('Namespace', 'acme', undefined, { keep: 'me' }), obj('PersistentVolumeClaim', 'datasets', 'acme'), obj('ConfigMap', 'x', 'acme')] }],
    },
  ];
}

describe('applyPruneGuard', () => {
  test.each(['flux', 'argocd'] as const)('annotates the Namespaces and PersistentVolumeClaims of tenant folders only (%s)', (name) => {
    const flavor = gitopsFlavor(name);
    // GIVEN a platform folder and a tenant folder
    const rendered = folders();
    // WHEN
    applyPruneGuard(rendered, flavor);
    // THEN
    const [server, tenant] = rendered.map((f) => f.files[0].objects);
    expect(server.every((o) => o.metadata.annotations === undefined)).toBe(true);
    expect(tenant[0].metadata.annotations).toEqual({ keep: 'me', ...pruneGuardAnnotations(flavor) });
    expect(tenant[1].metadata.annotations).toEqual(pruneGuardAnnotations(flavor));
    expect(tenant[2].metadata.annotations).toBeUndefined();
  });

  test('Flux gets prune: disabled; Argo CD also Prune=false,Delete=false', () => {
    expect(pruneGuardAnnotations(gitopsFlavor('flux'))).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(pruneGuardAnnotations(gitopsFlavor('argocd'))).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });
});
