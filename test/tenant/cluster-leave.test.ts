/**
 * The lifecycle guard with several clusters (lib/tenant/lifecycle-guard.ts, README "Tenant lifecycle"): a
 * tenant that stays but leaves a worker cluster is refused like a removal, unless `--allow-removal <tenant>`;
 * the output is left as it was when refused. Fixture tenants live in a temporary folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProps } from '../../lib/platform/platform-props';
import { synthesize } from '../../lib/synth';
import { runSynth } from '../../lib/cli';
import { checkLifecycle } from '../../lib/tenant/lifecycle-guard';
import { platform as twoClusters } from '../../examples/two-clusters';
import { configProblems, readTree } from '../helpers';

const FILE = 'examples/three-clusters.ts (platform props)';
const WEST = { name: 'gpu-west', role: 'worker' as const, network: { clusterCidrs: ['10.30.0.0/16', '10.128.0.0/12'] }, apiServer: { url: 'https://203.0.113.30:6443' } };
const THREE: PlatformProps = { ...twoClusters, clusters: [...twoClusters.clusters!, WEST], defaultWorkerCluster: 'gpu-east' };

const tenantText = (name: string, startingPort: number, extra = '') => `name: ${name}\nadmin: { name: ${name} admin, email: admin@${name}.example }\nsessions: { startingPort: ${startingPort}, maxServices: 10 }\n${extra}`;

let dir: string;
let tenantsDir: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-leave-'));
  tenantsDir = join(dir, 'tenants');
  out = join(dir, 'out');
  mkdirSync(tenantsDir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeTenants(files: Record<string, string>): void {
  for (const f of readdirSync(tenantsDir)) rmSync(join(tenantsDir, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tenantsDir, `${name}.yaml`), text);
}
const synth = (allowRemoval: string[] = [], platform: PlatformProps = THREE) => {
  const summary: string[] = [];
  synthesize({ platform, platformFile: FILE, tenantsDir, allowRemoval }, out, summary);
  return summary;
};
const problemLines = (run: () => unknown) => configProblems(run).map((p) => `${p.file?.startsWith(dir) ? p.file.slice(dir.length + 1) : p.file}: ${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);

const BEFORE = {
  wide: tenantText('wide', 31010, 'clusters: [gpu-east, gpu-west]\n'),
  east: tenantText('east', 31030),
  both: tenantText('both', 31050, 'clusters: [gpu-east, gpu-west]\n'),
};

describe('a tenant leaving a worker cluster', () => {
  test('refused without --allow-removal: one problem per tenant and cluster, all at once, naming the cluster and the files that would leave; the output is untouched', () => {
    writeTenants(BEFORE);
    synth();
    const written = readTree(out);
    expect([...written.keys()].filter((p) => p.startsWith('clusters/gpu-east/tenants/wide/')).length).toBeGreaterThan(0);
    writeTenants({ ...BEFORE, wide: tenantText('wide', 31010, 'clusters: [gpu-west]\n'), both: tenantText('both', 31050, 'clusters: [gpu-east]\n') });
    const lines = problemLines(() => synth());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tenants\/both\.yaml: clusters: \["gpu-east"\]: takes tenant both off cluster gpu-west \(it runs in gpu-east, gpu-west in the output being replaced\): \d+ files leave \(clusters\/gpu-west\/flux\/tenants\/[0-9a-f]+\/, clusters\/gpu-west\/tenants\/both\/namespace\/, clusters\/gpu-west\/tenants\/both\/workloads\/;/);
    expect(lines[1]).toMatch(/^tenants\/wide\.yaml: clusters: \["gpu-west"\]: takes tenant wide off cluster gpu-east \(it runs in gpu-east, gpu-west in the output being replaced\): 8 files leave \(/);
    for (const line of lines) {
      expect(line).toMatch(/\d+ NetworkPolicy/);
      // the two Flux Kustomizations of its entry; kustomize's own kustomization.yaml files are not counted
      // the Namespace is not among the objects deleted: it stays (prune guard), as the message says
      expect(line).toMatch(/; 2 HelmRelease, 2 Kustomization, \d+ NetworkPolicy, 1 Role, 1 RoleBinding/);
      expect(line).not.toMatch(/\d+ Namespace/);
      expect(line).toMatch(/delete these objects in gpu-(east|west) but its Namespace (both|wide), which stays there \(prune guard\)/);
      expect(line).toMatch(/then run synth with --allow-removal (both|wide)$/);
    }
    expect(readTree(out)).toEqual(written);
  });

  test('allowed with --allow-removal <tenant>: its folders and GitOps entry leave that cluster only, the summary says so', () => {
    writeTenants(BEFORE);
    synth();
    writeTenants({ ...BEFORE, wide: tenantText('wide', 31010, 'clusters: [gpu-west]\n') });
    const summary = synth(['wide']);
    expect(summary).toEqual([expect.stringMatching(/^took tenant wide off cluster gpu-east on purpose \(--allow-removal; 8 files leave \(clusters\/gpu-east\/flux\/tenants\/[0-9a-f]+\/, clusters\/gpu-east\/tenants\/wide\/namespace\/, clusters\/gpu-east\/tenants\/wide\/workloads\/; .*\)\); its namespace wide stays in gpu-east \(prune guard\) without the policies that isolated it: delete it there by hand once it is drained$/)]);
    const files = readTree(out);
    expect([...files.keys()].filter((p) => p.startsWith('clusters/gpu-east/tenants/wide/'))).toEqual([]);
    expect([...files.keys()].filter((p) => /^clusters\/gpu-east\/flux\/tenants\/[^/]+\/wide\.yaml$/.test(p))).toEqual([]);
    expect([...files.keys()].some((p) => p.startsWith('clusters/gpu-west/tenants/wide/namespace/'))).toBe(true);
    expect(existsSync(join(out, 'clusters/hq/tenants/wide/bootstrap'))).toBe(true);
    // The next synth with the same files needs no option again, and refuses the one given for nothing.
    expect(synth()).toEqual([]);
    expect(problemLines(() => synth(['wide']))).toEqual(['(command line): --allow-removal: "wide": tenant wide is neither removed nor moved to another namespace nor taken off a cluster by this synth; nothing to allow, drop the option']);
  });

  test('through the command line: exit 1 and the message without the option, exit 0 and the summary line with it', () => {
    writeTenants(BEFORE);
    synth();
    writeTenants({ ...BEFORE, wide: tenantText('wide', 31010, 'clusters: [gpu-west]\n') });
    const err: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((t) => (err.push(String(t)), true));
    const stdout: string[] = [];
    const print = jest.spyOn(process.stdout, 'write').mockImplementation((t) => (stdout.push(String(t)), true));
    try {
      expect(runSynth({ platform: THREE, platformFile: FILE, tenantsDir }, ['--out', out])).toBe(1);
      expect(err.join('')).toMatch(/takes tenant wide off cluster gpu-east/);
      expect(runSynth({ platform: THREE, platformFile: FILE, tenantsDir }, ['--out', out, '--allow-removal', 'wide'])).toBe(0);
      expect(stdout.join('')).toMatch(/took tenant wide off cluster gpu-east on purpose/);
    } finally {
      write.mockRestore();
      print.mockRestore();
    }
  });

  test('a worker leaving the platform takes its tenants off it: refused per tenant until allowed', () => {
    writeTenants({ wide: BEFORE.wide, west: tenantText('west', 31030, 'clusters: [gpu-west]\n') });
    synth();
    const withoutWest: PlatformProps = { ...THREE, clusters: THREE.clusters!.filter((c) => c.name !== 'gpu-west') };
    writeTenants({ wide: tenantText('wide', 31010, 'clusters: [gpu-east]\n'), west: tenantText('west', 31030) });
    expect(problemLines(() => synth([], withoutWest)).map((l) => l.slice(0, l.indexOf(' (it runs')))).toEqual([
      'tenants/west.yaml: clusters: ["gpu-east"]: takes tenant west off cluster gpu-west',
      'tenants/wide.yaml: clusters: ["gpu-east"]: takes tenant wide off cluster gpu-west',
    ]);
    expect(synth(['west', 'wide'], withoutWest)).toHaveLength(2);
    expect(existsSync(join(out, 'clusters/gpu-west'))).toBe(false);
  });

  test('joining a cluster, or a suspension (workloads leave, namespace stays), needs no option', () => {
    writeTenants(BEFORE);
    synth();
    writeTenants({ ...BEFORE, east: tenantText('east', 31030, 'clusters: [gpu-east, gpu-west]\n'), wide: tenantText('wide', 31010, 'clusters: [gpu-east, gpu-west]\nstate: suspended\n') });
    expect(synth()).toEqual([]);
    expect(existsSync(join(out, 'clusters/gpu-west/tenants/east/namespace'))).toBe(true);
    expect(existsSync(join(out, 'clusters/gpu-east/tenants/wide/workloads'))).toBe(false);
    expect(existsSync(join(out, 'clusters/gpu-east/tenants/wide/namespace'))).toBe(true);
  });
});

describe('a tenant leaving a cluster of role both (the control plane that also runs tenants)', () => {
  const BOTH: PlatformProps = { ...THREE, clusters: [{ ...twoClusters.clusters![0], role: 'both' as const }, WEST], defaultWorkerCluster: 'hq' };
  test('refused too; its workloads leave, its namespace stays in the output (the admin credentials only), which the message and the summary say', () => {
    writeTenants({ wide: tenantText('wide', 31010, 'clusters: [hq, gpu-west]\n') });
    synth([], BOTH);
    writeTenants({ wide: tenantText('wide', 31010, 'clusters: [gpu-west]\n') });
    expect(problemLines(() => synth([], BOTH))).toEqual([
      'tenants/wide.yaml: clusters: ["gpu-west"]: takes tenant wide off cluster hq (it runs in hq, gpu-west in the output being replaced): 3 files leave (clusters/hq/tenants/wide/workloads/; 2 HelmRelease); ' +
        'Flux or Argo CD would delete these objects in hq (its namespace wide stays in the output, with the admin\'s credentials only). Drain it from hq first (README "Tenant lifecycle", taking a tenant off a cluster), then run synth with --allow-removal wide',
    ]);
    expect(synth(['wide'], BOTH)).toEqual([
      "took tenant wide off cluster hq on purpose (--allow-removal; 3 files leave (clusters/hq/tenants/wide/workloads/; 2 HelmRelease)); its namespace wide stays in the output of hq, with the admin's credentials only",
    ]);
    expect(existsSync(join(out, 'clusters/hq/tenants/wide/bootstrap'))).toBe(true);
  });
});

describe('checkLifecycle on its own', () => {
  const t = (name: string, clusters?: string[]) => ({ name, namespace: name, state: 'active', ...(clusters ? { clusters } : {}) });
  test('a plan without targets (one cluster) never leaves a cluster; the message for an unused option stays the single-cluster one', () => {
    expect(checkLifecycle(new Map([['a', t('a')]]), new Map([['a', t('a')]]))).toEqual({ lines: [] });
    expect(problemLines(() => checkLifecycle(new Map([['a', t('a')]]), new Map([['a', t('a')]]), { allowRemoval: ['a'] }))).toEqual([
      '(command line): --allow-removal: "a": tenant a is neither removed nor moved to another namespace by this synth; nothing to allow, drop the option',
    ]);
  });
  test('each cluster left is its own problem, with the clusters it keeps as the value; without leaving files it says its objects change', () => {
    expect(problemLines(() => checkLifecycle(new Map([['a', t('a', ['x', 'y', 'z'])]]), new Map([['a', t('a', ['y'])]])))).toEqual([
      expect.stringMatching(/^tenants\/a\.yaml: clusters: \["y"\]: takes tenant a off cluster x \(it runs in x, y, z in the output being replaced\): no file leaves, but its objects there change; /),
      expect.stringMatching(/^tenants\/a\.yaml: clusters: \["y"\]: takes tenant a off cluster z /),
    ]);
  });
});

describe('a switch between one cluster and several in the same output folder', () => {
  const { clusters: _clusters, defaultWorkerCluster: _default, ...one } = twoClusters;
  const ONE = one as PlatformProps;
  const TWO_TENANTS = { east: tenantText('east', 31030), west: tenantText('west', 31050) };

  test('one cluster to several: a tenant file removed on the way is still refused, the output untouched; allowed with --allow-removal', () => {
    writeTenants(TWO_TENANTS);
    synth([], ONE);
    expect(existsSync(join(out, 'tenants', 'west', 'bootstrap'))).toBe(true);
    const before = readTree(out);
    writeTenants({ east: TWO_TENANTS.east });
    // west's removal, and east's workloads leaving the one cluster (the switch, see below)
    expect(problemLines(() => synth([], twoClusters))).toEqual([
      expect.stringMatching(/^tenants\/east\.yaml: clusters: \["gpu-east"\]: the switch from one cluster to several moves tenant east's workloads/),
      expect.stringMatching(/^tenants\/west\.yaml: \(file\): undefined: tenant west \(namespace west, active\) is in the output being replaced but has no tenant file now/),
    ]);
    expect(readTree(out)).toEqual(before);
    expect(synth(['west', 'east'], twoClusters).join('\n')).toMatch(/removed tenant west on purpose/);
    expect(existsSync(join(out, 'clusters', 'hq', 'tenants', 'east', 'bootstrap'))).toBe(true);
  });

  test('several clusters to one, and a renamed control plane: the tenants that were there are compared', () => {
    writeTenants(TWO_TENANTS);
    synth([], twoClusters);
    writeTenants({ west: TWO_TENANTS.west });
    expect(problemLines(() => synth([], ONE))).toEqual([
      expect.stringMatching(/^tenants\/east\.yaml: \(file\): undefined: tenant east/),
      expect.stringMatching(/^tenants\/west\.yaml: clusters: \["hq"\]: the switch from several clusters to one moves tenant west's workloads from cluster gpu-east/),
    ]);
    const renamed: PlatformProps = { ...twoClusters, clusters: twoClusters.clusters!.map((c) => (c.role === 'control-plane' ? { ...c, name: 'hq2' } : c)) };
    expect(problemLines(() => synth([], renamed))).toEqual([expect.stringMatching(/^tenants\/east\.yaml: \(file\): undefined: tenant east/)]);
    // With both files the switch itself used to pass without an option; it takes the tenants' workloads off
    // gpu-east, so it is refused per tenant now (next test).
    writeTenants(TWO_TENANTS);
    expect(problemLines(() => synth([], ONE)).map((l) => l.slice(0, l.indexOf(':')))).toEqual(['tenants/east.yaml', 'tenants/west.yaml']);
  });

  test('one cluster to several with every tenant file kept: refused per tenant whose workloads leave the one cluster (taken as the control plane), naming the folders and kinds that go; output untouched', () => {
    writeTenants(TWO_TENANTS);
    synth([], ONE);
    const before = readTree(out);
    const lines = problemLines(() => synth([], twoClusters));
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const t = ['east', 'west'][i];
      expect(line).toMatch(
        new RegExp(
          `^tenants/${t}\\.yaml: clusters: \\["gpu-east"\\]: the switch from one cluster to several moves tenant ${t}'s workloads from the one cluster of the output being replaced \\(taken as hq, the control plane now, which runs the server in both layouts\\) to gpu-east: \\d+ files leave \\([^;]*tenants/${t}/workloads/; [^)]*2 HelmRelease[^)]*\\), and \\d+ objects \\([^)]*NetworkPolicy[^)]*\\) go from [^;]*tenants/${t}/bootstrap/namespace\\.yaml, which stay; ` +
            `Flux or Argo CD would delete these objects in hq \\(its namespace ${t} stays in the output, with the admin's credentials only\\)\\. Drain it from hq first .*--allow-removal ${t}$`,
        ),
      );
    });
    expect(readTree(out)).toEqual(before);
    const summary = synth(['east', 'west'], twoClusters);
    expect(summary).toEqual([
      expect.stringMatching(/^took tenant east off cluster hq on purpose in the switch from one cluster to several \(--allow-removal; \d+ files leave \([^;]*tenants\/east\/workloads\/;/),
      expect.stringMatching(/^took tenant west off cluster hq on purpose in the switch from one cluster to several /),
    ]);
    expect(existsSync(join(out, 'clusters', 'gpu-east', 'tenants', 'east', 'workloads'))).toBe(true);
    expect(existsSync(join(out, 'tenants'))).toBe(false);
    // the next synth in the new layout compares cluster by cluster again and needs no option
    expect(synth([], twoClusters)).toEqual([]);
  });

  test('several clusters to one with every tenant file kept: refused per tenant (its worker folders leave), allowed with --allow-removal', () => {
    writeTenants(TWO_TENANTS);
    synth([], twoClusters);
    const before = readTree(out);
    const lines = problemLines(() => synth([], ONE));
    expect(lines).toEqual([
      expect.stringMatching(/^tenants\/east\.yaml: clusters: \["hq"\]: the switch from several clusters to one moves tenant east's workloads from cluster gpu-east \(it runs in gpu-east in the output being replaced\) to the one cluster \(taken as hq, the control plane of the output being replaced\): \d+ files leave \(clusters\/gpu-east\/flux\/tenants\/[0-9a-f]+\/, clusters\/gpu-east\/tenants\/east\/namespace\/, clusters\/gpu-east\/tenants\/east\/workloads\/; [^)]*NetworkPolicy[^)]*\); Flux or Argo CD would delete these objects in gpu-east but its Namespace east, which stays there \(prune guard\)/),
      expect.stringMatching(/^tenants\/west\.yaml: clusters: \["hq"\]: the switch from several clusters to one moves tenant west's workloads from cluster gpu-east/),
    ]);
    expect(readTree(out)).toEqual(before);
    expect(synth(['east', 'west'], ONE)).toEqual([
      expect.stringMatching(/^took tenant east off cluster gpu-east on purpose in the switch from several clusters to one \(--allow-removal; .*\); its namespace east stays in gpu-east \(prune guard\) without the policies that isolated it/),
      expect.stringMatching(/^took tenant west off cluster gpu-east on purpose/),
    ]);
    expect(existsSync(join(out, 'clusters'))).toBe(false);
    expect(existsSync(join(out, 'tenants', 'east', 'workloads'))).toBe(true);
  });

  test('a tenant that runs in the control plane (role both) stays in it through the switch: no option for it', () => {
    const BOTH: PlatformProps = { ...twoClusters, clusters: [{ ...twoClusters.clusters![0], role: 'both' as const }, twoClusters.clusters![1]], defaultWorkerCluster: 'hq' };
    writeTenants(TWO_TENANTS);
    synth([], ONE);
    writeTenants({ east: TWO_TENANTS.east, west: tenantText('west', 31050, 'clusters: [gpu-east]\n') });
    expect(problemLines(() => synth([], BOTH)).map((l) => l.slice(0, l.indexOf(':')))).toEqual(['tenants/west.yaml']);
    expect(synth(['west'], BOTH)).toHaveLength(1);
    expect(existsSync(join(out, 'clusters', 'hq', 'tenants', 'east', 'workloads'))).toBe(true);
  });
});
