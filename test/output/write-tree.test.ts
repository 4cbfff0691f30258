import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { renderFolders, writeTree } from '../../lib/output/write-tree';

describe('renderFolders', () => {
  test('one file per chart, a kustomization per folder, no namespace on cluster-scoped objects', () => {
    // GIVEN an app whose chart has a namespace and holds a Namespace and a ConfigMap
    const app = new App();
    const chart = new Chart(app, 'things', { namespace: 'team' });
    new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'team' } });
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' }, data: { a: 'b' } });
    new Chart(app, 'empty');
    // WHEN
    const files = renderFolders([{ path: 'layer', app }]);
    // THEN
    expect([...files.keys()]).toEqual(['layer/kustomization.yaml', 'layer/things.yaml']);
    expect(files.get('layer/things.yaml')).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: team\ndata:\n  a: b\n');
    expect(files.get('layer/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - things.yaml\n');
  });

  test('fails when two folders share a path', () => {
    expect(() => renderFolders([{ path: 'x', app: new App() }, { path: 'x', app: new App() }])).toThrow(/two output folders have the path "x"/);
  });

  test('fails with the validation errors of the constructs', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    chart.node.addValidation({ validate: () => ['something is off'] });
    expect(() => renderFolders([{ path: 'x', app }])).toThrow(/\[c\] something is off/);
  });
});

describe('writeTree', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'write-tree-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('replaces the folder whole: stale files disappear', () => {
    const out = join(dir, 'dist');
    mkdirSync(join(out, 'old'), { recursive: true });
    writeFileSync(join(out, 'old', 'stale.yaml'), 'x');
    writeTree(new Map([['a/b.yaml', 'b'], ['c.md', 'c']]), out);
    expect(readdirSync(out).sort()).toEqual(['a', 'c.md']);
    expect(readFileSync(join(out, 'a', 'b.yaml'), 'utf8')).toBe('b');
    expect(readdirSync(dir)).toEqual(['dist']);
  });

  test('creates the folder when it does not exist', () => {
    writeTree(new Map([['x.yaml', 'x']]), join(dir, 'new', 'out'));
    expect(existsSync(join(dir, 'new', 'out', 'x.yaml'))).toBe(true);
  });
});
