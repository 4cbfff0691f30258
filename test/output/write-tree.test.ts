import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { readOutputMarker } from '../../lib/output/marker';
import { OutputRefusedError, filesBelow, renderFolders, writeTree } from '../../lib/output/write-tree';

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

  test('inside its own output, files it wrote before and no longer writes disappear; a file a user added stays', () => {
    // GIVEN an output synth wrote, with a file a user added
    const out = join(dir, 'dist');
    writeTree(new Map([['old/stale.yaml', 'x'], ['a/b.yaml', 'old']]), out);
    writeFileSync(join(out, 'a', 'notes.txt'), 'mine');
    // WHEN it writes again without old/stale.yaml
    const result = writeTree(new Map([['a/b.yaml', 'b'], ['c.md', 'c']]), out);
    // THEN
    expect(readdirSync(out).sort()).toEqual(['.clearml-tenancy', 'a', 'c.md']);
    expect(readFileSync(join(out, 'a', 'b.yaml'), 'utf8')).toBe('b');
    expect(readFileSync(join(out, 'a', 'notes.txt'), 'utf8')).toBe('mine');
    expect(result.removed).toEqual(['old/stale.yaml']);
    expect(result.written).toEqual(['.clearml-tenancy', 'a/b.yaml', 'c.md']);
    expect(readOutputMarker(out)!.files).toEqual(['a/b.yaml', 'c.md']);
    expect(readdirSync(dir)).toEqual(['dist']);
  });

  test('fails when the folder is not its own: refused naming the folder and files, nothing changed (a git repository)', () => {
    // GIVEN a Flux repository with its own files
    const fleet = join(dir, 'fleet');
    mkdirSync(join(fleet, '.git'), { recursive: true });
    mkdirSync(join(fleet, 'clusters'));
    writeFileSync(join(fleet, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(fleet, 'clusters', 'prod.yaml'), 'kind: Kustomization\n');
    writeFileSync(join(fleet, 'README.md'), 'fleet');
    const before = filesBelow(fleet).map((f) => [f, readFileSync(join(fleet, f), 'utf8')]);
    // WHEN / THEN
    expect(() => writeTree(new Map([['a/b.yaml', 'b']]), fleet)).toThrow(OutputRefusedError);
    expect(() => writeTree(new Map([['a/b.yaml', 'b']]), fleet)).toThrow(
      new RegExp(`refusing to write into ${fleet}: .*no \\.clearml-tenancy marker.*\\.git/, README\\.md, clusters/.*synth would write a/b\\.yaml`),
    );
    expect(filesBelow(fleet).map((f) => [f, readFileSync(join(fleet, f), 'utf8')])).toEqual(before);
    expect(readdirSync(dir)).toEqual(['fleet']);
  });

  test('fails when it would overwrite a file a user added inside its own output', () => {
    const out = join(dir, 'dist');
    writeTree(new Map([['a.yaml', 'a']]), out);
    writeFileSync(join(out, 'b.yaml'), 'mine');
    expect(() => writeTree(new Map([['a.yaml', 'a'], ['b.yaml', 'b']]), out)).toThrow(/would overwrite files it did not write there: b\.yaml/);
    expect(readFileSync(join(out, 'b.yaml'), 'utf8')).toBe('mine');
  });

  test('fails when the marker is not one it wrote', () => {
    const out = join(dir, 'dist');
    mkdirSync(out);
    writeFileSync(join(out, '.clearml-tenancy'), '{"product":"other"}');
    expect(() => writeTree(new Map([['a.yaml', 'a']]), out)).toThrow(/not a clearml-tenancy marker: product is "other"/);
    expect(readdirSync(out)).toEqual(['.clearml-tenancy']);
  });

  test('an empty folder is written; an older output without marker whose files are all its own is taken over', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeTree(new Map([['x.yaml', 'x']]), empty);
    expect(readdirSync(empty).sort()).toEqual(['.clearml-tenancy', 'x.yaml']);
    const older = join(dir, 'older');
    mkdirSync(older);
    writeFileSync(join(older, 'x.yaml'), 'old');
    writeTree(new Map([['x.yaml', 'x']]), older);
    expect(readFileSync(join(older, 'x.yaml'), 'utf8')).toBe('x');
  });

  test('creates the folder when it does not exist', () => {
    writeTree(new Map([['x.yaml', 'x']]), join(dir, 'new', 'out'));
    expect(existsSync(join(dir, 'new', 'out', 'x.yaml'))).toBe(true);
  });
});
