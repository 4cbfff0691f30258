/**
 * validate, check:isolation and lint:policies on the top folder of an output of several clusters
 * (lib/tools/cluster-folders.ts): each cluster's tree in turn, every line prefixed with `clusters/<name>: `,
 * exit non-zero when any cluster fails; on one cluster's tree (or the single-cluster output) as before.
 * The output is the two-cluster example with fixture tenants in a temporary folder.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { synthesize } from '../../lib/synth';
import { platform as twoClusters } from '../../examples/two-clusters';
import { main as validateMain } from '../../lib/tools/validate/main';
import { main as isolationMain } from '../../lib/tools/check-isolation';
import { main as lintMain } from '../../lib/tools/lint-policies';
import { clusterFoldersOf, prefixedIo, prefixLines } from '../../lib/tools/cluster-folders';

let root: string;
let base: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'multi-checks-'));
  const tenants = join(root, 'tenants');
  mkdirSync(tenants);
  for (const [name, port] of [['acme', 31010], ['globex', 31030]] as const) {
    writeFileSync(join(tenants, `${name}.yaml`), `name: ${name}\nadmin: { name: ${name} admin, email: admin@${name}.example }\nsessions: { startingPort: ${port}, maxServices: 10 }\n`);
  }
  base = join(root, 'out');
  synthesize({ platform: twoClusters, platformFile: 'examples/two-clusters.ts', tenantsDir: tenants }, base);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the example output with objects appended to the namespace file of gpu-east's tenants (tenant -> objects). */
function planted(name: string, objects: Record<string, object[]>): string {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  for (const [tenant, list] of Object.entries(objects)) {
    appendFileSync(join(dir, `clusters/gpu-east/tenants/${tenant}/namespace/namespace.yaml`), list.map((o) => `---\n${YAML.stringify(o)}`).join(''));
  }
  return dir;
}

/** Admits every namespace and 0.0.0.0/0 into every pod of acme, on every port. */
const ALLOW_ALL = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-all', namespace: 'acme' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }] }] },
};
/** Lets every pod of globex reach every namespace, on every port: with ALLOW_ALL, a path from globex to acme. */
const EGRESS_ALL = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'egress-all', namespace: 'globex' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] },
};

const validate = (dir: string) => {
  const lines: string[] = [];
  const code = validateMain([dir], (l) => lines.push(l));
  return { code, lines: lines.map((l) => l.replace(/\(\d+ ms\)/, '(N ms)')) };
};
const withIo = (run: (argv: string[], io: { out(t: string): void; err(t: string): void }) => number) => (dir: string) => {
  let out = '';
  let err = '';
  const code = run([dir], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
};
const isolation = withIo(isolationMain);
const lint = withIo(lintMain);

/** The lines of `text` that do not start with one of the clusters' prefixes (empty lines aside). */
const unprefixed = (text: string) => text.split('\n').filter((l) => l.length > 0 && !/^clusters\/(gpu-east|hq): /.test(l));
/** The lines of one cluster, prefix removed. */
const linesOf = (text: string, cluster: string) => text.split('\n').filter((l) => l.startsWith(`clusters/${cluster}: `)).map((l) => l.slice(`clusters/${cluster}: `.length));

describe('the top folder of several clusters', () => {
  test('is recognised by its marker and the clusters\' facts files; one cluster\'s tree and the single-cluster output are not', () => {
    expect(clusterFoldersOf(base)?.map((c) => [c.name, c.label])).toEqual([['gpu-east', 'clusters/gpu-east'], ['hq', 'clusters/hq']]);
    expect(clusterFoldersOf(join(base, 'clusters/hq'))).toBeUndefined();
    expect(clusterFoldersOf(join(root, 'tenants'))).toBeUndefined();
    expect(clusterFoldersOf(join(__dirname, '../../dist'))).toBeUndefined();
  });

  test('validate: every cluster passes, each line prefixed, the same lines as on the cluster folders; a planted unknown field fails gpu-east only', () => {
    const top = validate(base);
    expect(top.code).toBe(0);
    expect(top.lines).toEqual([
      expect.stringMatching(/^clusters\/gpu-east: .*clusters\/gpu-east: \d+ objects in \d+ folders, 0 problems \(N ms\)$/),
      expect.stringMatching(/^clusters\/hq: .*clusters\/hq: \d+ objects in \d+ folders, 0 problems \(N ms\)$/),
      `${base}: 2 clusters (clusters/gpu-east, clusters/hq), no problems (N ms)`,
    ]);
    for (const cluster of ['gpu-east', 'hq']) expect(top.lines.filter((l) => l.startsWith(`clusters/${cluster}: `)).map((l) => l.slice(cluster.length + 11))).toEqual(validate(join(base, 'clusters', cluster)).lines);

    const bad = validate(planted('validate-bad', { acme: [{ ...ALLOW_ALL, spec: { ...ALLOW_ALL.spec, allowEverything: true } }] }));
    expect(bad.code).toBe(1);
    const problems = bad.lines.filter((l) => l.startsWith('clusters/') && !/ problems? \(N ms\)$/.test(l));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^clusters\/gpu-east: tenants\/acme\/namespace\/namespace\.yaml: NetworkPolicy acme\/allow-all: .*allowEverything/);
    expect(bad.lines.at(-2)).toMatch(/^clusters\/hq: .* 0 problems \(N ms\)$/);
    expect(bad.lines.at(-1)).toBe(`${join(root, 'validate-bad')}: 2 clusters (clusters/gpu-east, clusters/hq), problems in clusters/gpu-east (N ms)`);
  });

  test('check:isolation: both clusters isolated, every line prefixed; an allow-all policy between two tenants in the worker fails it, naming the cluster', () => {
    const top = isolation(base);
    expect([top.code, top.err]).toEqual([0, '']);
    expect(unprefixed(top.out)).toEqual([`check-isolation: ${base}: 2 clusters checked (clusters/gpu-east, clusters/hq), all isolated.`]);
    for (const cluster of ['gpu-east', 'hq']) {
      const own = isolation(join(base, 'clusters', cluster));
      expect(own.code).toBe(0);
      expect(linesOf(top.out, cluster)).toEqual(own.out.split('\n').filter((l) => l.length > 0));
    }

    const dir = planted('isolation-bad', { acme: [ALLOW_ALL], globex: [EGRESS_ALL] });
    const bad = isolation(dir);
    expect(bad.code).toBe(1);
    expect(linesOf(bad.err, 'gpu-east').some((l) => /^violation: .*globex.*acme/.test(l))).toBe(true);
    expect(linesOf(bad.err, 'hq')).toEqual([]);
    expect(linesOf(bad.out, 'hq').at(-1)).toMatch(/^check-isolation: no path between tenant namespaces/);
    expect(unprefixed(bad.err)).toEqual([`check-isolation: ${dir}: 1 of 2 clusters failed: clusters/gpu-east`]);
    expect(unprefixed(bad.out)).toEqual([]);
  });

  test('check:isolation --markdown: one file with each cluster\'s matrix under its heading', () => {
    const file = join(root, 'matrix.md');
    let out = '';
    expect(isolationMain([base, '--markdown', file], { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    const text = require('node:fs').readFileSync(file, 'utf8') as string;
    expect(text.match(/^## clusters\/[a-z-]+$/gm)).toEqual(['## clusters/gpu-east', '## clusters/hq']);
  });

  test('lint:policies: no findings in either cluster; the planted policy is a finding of gpu-east, prefixed, exit 1', () => {
    const top = lint(base);
    expect(top).toEqual({
      code: 0,
      err: '',
      out: [
        `clusters/gpu-east: ${lint(join(base, 'clusters/gpu-east')).out}`,
        `clusters/hq: ${lint(join(base, 'clusters/hq')).out}`,
        `lint-policies: ${base}: 2 clusters linted (clusters/gpu-east, clusters/hq), no findings\n`,
      ].join(''),
    });

    const dir = planted('lint-bad', { acme: [ALLOW_ALL] });
    const bad = lint(dir);
    expect(bad.code).toBe(1);
    const east = linesOf(bad.err, 'gpu-east');
    expect(east.some((l) => /allow-from-anywhere-to-all-ports/.test(l) && /allow-all/.test(l))).toBe(true);
    expect(east.at(-1)).toMatch(new RegExp(`^lint-policies: \\d+ findings? in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/clusters/gpu-east$`));
    expect(linesOf(bad.out, 'hq')).toEqual([expect.stringMatching(/^lint-policies: \d+ objects in .*clusters\/hq, no findings$/)]);
    expect(unprefixed(bad.err)).toEqual([`lint-policies: ${dir}: 1 of 2 clusters have findings: clusters/gpu-east`]);
  });

  test('a folder with neither facts nor clusters still fails as before, without a prefix', () => {
    const dir = join(root, 'no-facts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } }));
    expect(isolation(dir)).toMatchObject({ code: 1, err: expect.stringMatching(/^check-isolation: cannot check ".*" without its facts:\ncannot read: /) });
    expect(lint(dir)).toMatchObject({ code: 1, err: expect.stringMatching(/^cannot read: .*platform-facts\.json/) });
  });
});

describe('prefixing', () => {
  test('each non-empty line gets the label, empty lines stay empty; a line split over writes is prefixed once, a last line without newline on flush', () => {
    expect(prefixLines('c', 'a\n\nb\n')).toBe('c: a\n\nc: b\n');
    let out = '';
    const io = prefixedIo({ out: (t) => void (out += t), err: () => undefined }, 'clusters/x');
    io.out('one ');
    io.out('line\ntwo');
    expect(out).toBe('clusters/x: one line\n');
    io.flush();
    expect(out).toBe('clusters/x: one line\nclusters/x: two');
  });
});
