import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClusterModel } from '../../lib/analysis/cluster-model';
import { loadManifests } from '../../lib/analysis/manifests';
import { deployment, FACTS, manifests, namespace, Obj, policy, writeFolder } from './fixtures';

describe('buildClusterModel', () => {
  test('models namespaces, pod templates and Helm releases', () => {
    // GIVEN every kind of pod source, and releases of each GitOps flavour
    const cron: Obj = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'a' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] }] } } } } } };
    const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'a', labels: { app: 'debug' } }, spec: { containers: [] } };
    const objects: Obj[] = [
      namespace('a', { team: 'red' }),
      deployment('a', 'web', { app: 'web' }),
      { ...deployment('a', 'web-copy', { app: 'web' }), kind: 'DaemonSet' },
      cron,
      pod,
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'flux-system' }, spec: { targetNamespace: 'flux-target' } },
      { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'y', namespace: 'kube-system' }, spec: { targetNamespace: 'k3s-target' } },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'not-a-release', namespace: 'flux-system' }, spec: {} },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'z', namespace: 'argocd' }, spec: { destination: { namespace: 'argo-target' } } },
      policy('a', 'dns', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['kube-dns-ns'] }] } }] }] }),
    ];
    const m = buildClusterModel(manifests(objects), FACTS);
    // THEN namespaces carry their name label and their origin
    expect(m.namespaces.get('a')).toEqual({ name: 'a', labels: { team: 'red', 'kubernetes.io/metadata.name': 'a' }, origin: 'folder', tenant: undefined, file: 'all.yaml' });
    expect([...m.namespaces.values()].map((n) => `${n.name}:${n.origin}`)).toEqual([
      'a:folder', 'argo-target:referenced', 'argocd:referenced', 'flux-system:referenced', 'flux-target:referenced', 'k3s-target:referenced', 'kube-dns-ns:external', 'kube-system:referenced',
    ]);
    // AND the same labels make one endpoint; releases make "any pod" endpoints in their target namespaces
    const summary = m.endpoints.map((e) => `${e.namespace} ${e.labels ? JSON.stringify(e.labels) : 'any'} ${e.origins.length}`);
    expect(summary).toEqual([
      'a {"app":"nightly"} 1', 'a {"app":"web"} 2', 'a {"app":"debug"} 1', 'argo-target any 1', 'flux-target any 1', 'k3s-target any 1', 'kube-dns-ns any 1',
    ]);
    expect(m.endpoints.find((e) => e.labels?.app === 'nightly')?.namedPorts).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
    expect(m.endpoints.map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('loadManifests', () => {
  test('reads YAML files recursively, skips kustomization.yaml and other files, reports what is not an object', () => {
    const dir = writeFolder({ 'x/a.yaml': [namespace('a')], 'x/y/b.yml': [namespace('b'), namespace('c')] });
    writeFileSync(join(dir, 'x/kustomization.yaml'), 'resources: [a.yaml]\n');
    writeFileSync(join(dir, 'notes.txt'), 'kind: nothing');
    writeFileSync(join(dir, 'odd.yaml'), '---\nfoo: bar\n---\n');
    const loaded = loadManifests(dir);
    expect(loaded.manifests.map((m) => `${m.file}#${m.index} ${m.object.metadata.name}`)).toEqual(['x/a.yaml#0 a', 'x/y/b.yml#0 b', 'x/y/b.yml#1 c']);
    expect(loaded.problems).toEqual(['odd.yaml#0: not a Kubernetes object: apiVersion, kind and metadata are required']);
  });
});
