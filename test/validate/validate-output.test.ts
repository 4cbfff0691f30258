import { PlatformProps } from '../../lib/platform/platform-props';
import { renderOutput } from '../../lib/synth';
import { loadSchemas, treeFromFiles } from '../../lib/tools/validate/main';
import { OutputTree, validateTree } from '../../lib/tools/validate/validate-output';
import { basePlatform, CRDS_DIR, fakeTenants } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

const schemas = loadSchemas(CRDS_DIR);

/** The rendered files as the tree the validator reads (the function loadTree uses). */
const treeOf = (files: Map<string, string>): OutputTree => treeFromFiles(files);

function render(extra = {}): OutputTree {
  return treeOf(renderOutput({ platform: basePlatform(extra), extraFolders: fakeTenants(['acme', 'globex']) }));
}

function find(tree: OutputTree, kind: string, name: string): Record<string, any> {
  const hit = tree.objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (!hit) throw new Error(`no ${kind} ${name}`);
  return hit.object;
}

describe('validateTree', () => {
  test.each([
    ['flux', {}, true],
    ['flux with lockdown', { fluxLockdown: true }, true],
    ['k3s (platform only: it refuses tenants)', { gitops: 'k3s' }, false],
    ['argocd (router off: it cannot carry the bootstrap Secret)', { gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, billing: { enabled: false }, tenantReleases: { routerEnabled: false } }, true],
  ])('the %s output with the example tenants of tenants/ validates', (_, extra, withTenants) => {
    const tree = treeOf(renderOutput({ platform: basePlatform(extra as Partial<PlatformProps>), tenantsDir: withTenants ? FIXTURE_TENANTS_DIR : undefined }));
    expect(tree.objects.length).toBeGreaterThan(20);
    expect(validateTree(tree, schemas)).toEqual([]);
  });

  test.each([
    ['flux', {}],
    ['flux with lockdown', { fluxLockdown: true }],
    ['k3s', { gitops: 'k3s' }],
    ['argocd', { gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, billing: { enabled: false } }],
  ])('the %s output with stand-in tenant folders validates', (_, extra) => {
    const tree = render(extra);
    expect(tree.objects.length).toBeGreaterThan(20);
    expect(validateTree(tree, schemas)).toEqual([]);
  });

  test('item 10: fails when the lockdown output does not list the controllers\' --default-service-account flag', () => {
    const tree = render({ fluxLockdown: true });
    const stripped = { ...tree, external: tree.external.map((e) => (e.name === 'helm-controller' ? { kind: e.kind, namespace: e.namespace, name: e.name } : e)) };
    expect(validateTree(stripped, schemas)).toEqual([
      'external-objects.json: Flux objects run as ServiceAccount flux-reconciler, so Deployment helm-controller must be listed with requiredFlags ["--default-service-account=flux-reconciler"]',
    ]);
  });

  test('catches an unknown field in a core kind', () => {
    const tree = render();
    find(tree, 'Job', 'bootstrap-acme').spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(validateTree(tree, schemas)).toEqual([
      'tenants/acme/bootstrap/bootstrap-job.yaml: Job clearml/bootstrap-acme: spec.template.spec.containers[0].imagePullPolcy: unknown field',
    ]);
  });

  test('catches a wrong enum in a core kind', () => {
    const tree = render();
    find(tree, 'Job', 'bootstrap-acme').spec.template.spec.restartPolicy = 'Sometimes';
    expect(validateTree(tree, schemas)).toEqual([
      'tenants/acme/bootstrap/bootstrap-job.yaml: Job clearml/bootstrap-acme: spec.template.spec.restartPolicy: "Sometimes" is not one of "Always", "Never", "OnFailure"',
    ]);
  });

  test('catches an unknown field, a wrong enum and a bad pattern in a Flux kind', () => {
    const tree = render();
    const k = find(tree, 'Kustomization', 'server');
    k.spec.waitForIt = true;
    k.spec.sourceRef.kind = 'Bucketz';
    k.spec.interval = 'ten minutes';
    expect(validateTree(tree, schemas)).toEqual([
      'flux/kustomizations.yaml: Kustomization flux-system/server: spec.interval: "ten minutes" does not match the pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
      'flux/kustomizations.yaml: Kustomization flux-system/server: spec.sourceRef.kind: "Bucketz" is not one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      'flux/kustomizations.yaml: Kustomization flux-system/server: spec.waitForIt: unknown field',
      'flux/kustomizations.yaml: Kustomization flux-system/server: spec.sourceRef: Bucketz flux-system/flux-system is not in the output (nor in external-objects.json)',
    ]);
  });

  test('keeps fields where the schema preserves unknown fields (HelmRelease values)', () => {
    const tree = render();
    find(tree, 'HelmRelease', 'clearml').spec.values.anything = { goes: ['here'] };
    expect(validateTree(tree, schemas)).toEqual([]);
  });

  test('catches dangling references: dependsOn, valuesFrom, secretKeyRef, sourceRef', () => {
    const tree = render();
    find(tree, 'HelmRelease', 'clearml').spec.dependsOn[0].name = 'redis-missing';
    find(tree, 'HelmRelease', 'clearml-billing').spec.valuesFrom[0].name = 'not-in-inventory';
    find(tree, 'Job', 'bootstrap-globex').spec.template.spec.containers[0].env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'clearml-supervisor-credentials', key: 'nope' } } }];
    find(tree, 'HelmRelease', 'gpu-operator').spec.chart.spec.sourceRef.name = 'nvidia-gone';
    expect(validateTree(tree, schemas)).toEqual([
      'gpu/gpu-operator.yaml: HelmRelease gpu-operator/gpu-operator: spec.chart.spec.sourceRef: HelmRepository flux-system/nvidia-gone is not in the output (nor in external-objects.json)',
      'server/billing.yaml: HelmRelease clearml-billing/clearml-billing: spec.valuesFrom[0]: Secret clearml-billing/not-in-inventory is neither in the output nor in secrets-inventory.json',
      'server/clearml-server.yaml: HelmRelease clearml/clearml: spec.dependsOn[0]: HelmRelease redis-shared/redis-missing is not in the output (nor in external-objects.json)',
      'tenants/globex/bootstrap/bootstrap-job.yaml: Job clearml/bootstrap-globex: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: Secret clearml/clearml-supervisor-credentials has no key "nope" in the output or in secrets-inventory.json',
    ]);
  });

  test('catches a missing namespace, a duplicate and a bad name', () => {
    const tree = render();
    const policy = tree.objects.find((o) => o.object.kind === 'NetworkPolicy')!;
    const copy = JSON.parse(JSON.stringify(policy.object));
    delete find(tree, 'Kustomization', 'gpu').metadata.namespace;
    find(tree, 'Namespace', 'tenant-acme').metadata.name = 'Tenant_Acme';
    (tree.objects as any[]).push({ file: 'extra/copy.yaml', object: copy });
    const problems = validateTree(tree, schemas);
    expect(problems).toContain(`extra/copy.yaml: NetworkPolicy ${copy.metadata.namespace}/${copy.metadata.name}: duplicate of the object in ${policy.file}`);
    expect(problems).toContain('flux/kustomizations.yaml: Kustomization gpu: metadata.namespace: is required for a namespaced kind');
    expect(problems).toContain('tenants/acme/bootstrap/tenant.yaml: Namespace Tenant_Acme: metadata.name: "Tenant_Acme" is not a valid DNS-1123 label');
  });

  test('catches a k3s HelmChart with a wrong type and an Argo CD Application with an unknown field', () => {
    const k3s = render({ gitops: 'k3s' });
    find(k3s, 'HelmChart', 'clearml').spec.backOffLimit = 'ten';
    expect(validateTree(k3s, schemas)).toEqual(['server/clearml-server.yaml: HelmChart clearml/clearml: spec.backOffLimit: must be of type integer, not string']);
    const argo = render({ gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, billing: { enabled: false } });
    find(argo, 'Application', 'server').spec.source.kustomise = {};
    expect(validateTree(argo, schemas)).toEqual(['argocd/applications.yaml: Application argocd/server: spec.source.kustomise: unknown field']);
  });

  test('catches a kustomization.yaml that does not list a file', () => {
    const tree = render();
    (tree.folders.get('server')!.files as string[]).push('stray.yaml');
    expect(validateTree(tree, schemas)).toEqual(['server/kustomization.yaml: does not list stray.yaml']);
  });
});
