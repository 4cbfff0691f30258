/**
 * The tenant lifecycle through synth: what each state puts into the output, the prune guard, and the guard
 * against removing tenants by accident (lib/tenant/lifecycle-guard.ts). Fixture tenants are written to a
 * temporary tenants folder; nothing here reads tenants/.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { runSynth } from '../../lib/cli';
import { PlatformProps } from '../../lib/platform/platform-props';
import { ConfigError } from '../../lib/core/problems';
import { tenantShard } from '../../lib/core/names';
import { TENANT_LABEL } from '../../lib/core/labels';
import { renderOutput, renderOutputObjects, serializeOutput, synthesize } from '../../lib/synth';
import { checkLifecycle, tenantsOfFolders, tenantsOfOutput } from '../../lib/tenant/lifecycle-guard';
import { basePlatform } from '../support/fake-tenants';
import { readTree } from '../helpers';

const FLUX = basePlatform({ billing: { enabled: false } });
const ARGO = basePlatform({ gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, billing: { enabled: false }, tenantReleases: { routerEnabled: false } });
const LOCKDOWN = basePlatform({ fluxLockdown: true, billing: { enabled: false } });

/** A fixture tenant file. */
function tenantYaml(name: string, port: number, extra = ''): string {
  return `name: ${name}\nadmin: { name: ${name} admin, email: admin@${name}.example }\nquota: { pods: 20 }\nsessions: { startingPort: ${port} }\n${extra}`;
}

let dir: string;
let tenantsDir: string;
let outdir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  tenantsDir = join(dir, 'tenants');
  outdir = join(dir, 'dist');
  mkdirSync(tenantsDir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeTenants(files: Record<string, string>): void {
  for (const f of readdirSync(tenantsDir)) rmSync(join(tenantsDir, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tenantsDir, `${name}.yaml`), text);
}

function render(platform: PlatformProps = FLUX): Map<string, string> {
  return renderOutput({ platform, tenantsDir });
}

function docs(text: string | undefined): any[] {
  return YAML.parseAllDocuments(text ?? '').map((d) => d.toJS());
}


function plan(files: Map<string, string>, tenant: string): any {
  const configMap = docs(files.get(`tenants/${tenant}/bootstrap/bootstrap.yaml`)).find((o) => o.kind === 'ConfigMap');
  return JSON.parse(configMap.data['plan.json']);
}

const tenantFiles = (files: Map<string, string>, tenant: string) => [...files.keys()].filter((f) => f.startsWith(`tenants/${tenant}/`)).sort();
const shardFile = (files: Map<string, string>, flavor: 'flux' | 'argocd', tenant: string) => docs(files.get(`${flavor}/tenants/${tenantShard(tenant)}/${tenant}.yaml`));

describe('each state in the output', () => {
  test('active: bootstrap and workloads folders, both applied', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const files = render();
    expect(tenantFiles(files, 'acme')).toEqual([
      'tenants/acme/bootstrap/bootstrap.yaml',
      'tenants/acme/bootstrap/kustomization.yaml',
      'tenants/acme/bootstrap/namespace.yaml',
      'tenants/acme/bootstrap/quota.yaml',
      'tenants/acme/workloads/agent.yaml',
      'tenants/acme/workloads/kustomization.yaml',
      'tenants/acme/workloads/router.yaml',
    ]);
    expect(shardFile(files, 'flux', 'acme').map((k) => k.metadata.name)).toEqual(['tenants-acme-bootstrap', 'tenants-acme-workloads']);
    expect(plan(files, 'acme').state).toBe('active');
  });

  test('suspended: the agent and app gateway leave the output; namespace, quota, policies and the bootstrap Job (state suspended) stay', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: suspended\n') });
    const files = render();
    expect(tenantFiles(files, 'acme')).toEqual([
      'tenants/acme/bootstrap/bootstrap.yaml',
      'tenants/acme/bootstrap/kustomization.yaml',
      'tenants/acme/bootstrap/namespace.yaml',
      'tenants/acme/bootstrap/quota.yaml',
    ]);
    // the Flux Kustomization of the workloads is gone too (its prune deletes the HelmReleases)
    expect(shardFile(files, 'flux', 'acme').map((k) => k.metadata.name)).toEqual(['tenants-acme-bootstrap']);
    const kinds = docs(files.get('tenants/acme/bootstrap/namespace.yaml')).map((o) => o.kind);
    expect(kinds).toContain('Namespace');
    expect(kinds).toContain('NetworkPolicy');
    expect(docs(files.get('tenants/acme/bootstrap/quota.yaml')).map((o) => o.kind)).toContain('ResourceQuota');
    expect(docs(files.get('tenants/acme/bootstrap/bootstrap.yaml')).map((o) => o.kind)).toContain('Job');
    expect(plan(files, 'acme').state).toBe('suspended');
    const releases = [...files.entries()].filter(([f]) => f.endsWith('.yaml')).flatMap(([, c]) => docs(c)).filter((o) => o?.kind === 'HelmRelease' && o.metadata.namespace === 'acme');
    expect(releases).toEqual([]);
  });

  test('suspended in the Argo CD flavor: the workloads Application leaves the shard; while active it cascades to its releases', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const active = render(ARGO);
    const apps = shardFile(active, 'argocd', 'acme');
    expect(apps.map((a) => a.metadata.name)).toEqual(['tenants-acme-bootstrap', 'tenants-acme-workloads']);
    // deleting the workloads Application deletes the release Applications, and those what they installed
    expect(apps[1].metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(apps[0].metadata.finalizers).toBeUndefined();
    for (const release of docs(active.get('tenants/acme/workloads/agent.yaml'))) expect(release.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);

    writeTenants({ acme: tenantYaml('acme', 31000, 'state: suspended\n') });
    const suspended = render(ARGO);
    expect(shardFile(suspended, 'argocd', 'acme').map((a) => a.metadata.name)).toEqual(['tenants-acme-bootstrap']);
    expect(tenantFiles(suspended, 'acme').some((f) => f.includes('/workloads/'))).toBe(false);
  });

  test('suspended under the Flux lockdown: the tenant-applied workloads Kustomization goes, the shard keeps namespace and quota', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: suspended\n') });
    const files = render(LOCKDOWN);
    const shard = shardFile(files, 'flux', 'acme');
    expect(shard.filter((o) => o.kind === 'Kustomization').map((k) => k.metadata.name)).toEqual(['tenants-acme-bootstrap']);
    expect(shard.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'ResourceQuota']));
  });

  test('decommissioned: workloads leave, the namespace and the Job (state decommissioned) stay, and the deletion procedure is written beside them', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: decommissioned\nnamespace: acme-ml\n') });
    const files = render();
    expect(tenantFiles(files, 'acme')).toEqual([
      'tenants/acme/DECOMMISSIONED.md',
      'tenants/acme/bootstrap/bootstrap.yaml',
      'tenants/acme/bootstrap/kustomization.yaml',
      'tenants/acme/bootstrap/namespace.yaml',
      'tenants/acme/bootstrap/quota.yaml',
    ]);
    expect(plan(files, 'acme')).toMatchObject({ tenant: 'acme', namespace: 'acme-ml', state: 'decommissioned' });
    expect(docs(files.get('tenants/acme/bootstrap/namespace.yaml')).find((o) => o.kind === 'Namespace').metadata.name).toBe('acme-ml');
    const procedure = files.get('tenants/acme/DECOMMISSIONED.md')!;
    // what the operator needs: the company name, where the id is, ClearML's commands, the namespace to delete
    expect(procedure).toMatch(/ClearML company name: `acme`/);
    expect(procedure).toMatch(/kubectl -n clearml get secret clearml-tenant-ledger-acme -o jsonpath='\{\.data\.company_id\}'/);
    expect(procedure).toMatch(/exec deploy\/clearml-enterprise-apiserver -- python3 -m jobs\.management\.delete_company_data_from_mongo --id "\$COMPANY_ID" --name acme/);
    expect(procedure).toMatch(/python3 -m jobs\.management\.cleanup_deleted_companies --ids "\$COMPANY_ID" --delete-company/);
    expect(procedure).toMatch(/fileserver/);
    expect(procedure).toMatch(/kubectl delete namespace acme-ml/);
    // removing a decommissioned tenant's file needs no option (the guard lets it go: "decommissioned before")
    expect(procedure).not.toMatch(/--allow-removal/);
    expect(procedure).toMatch(/Delete `tenants\/acme\.yaml` and run `npm run synth`\. No option is needed/);
    expect(procedure).toMatch(/says `removed tenant acme \(decommissioned before\)`/);
    // the order: the file leaves the output (and is merged) before the namespace is deleted by hand, else the controller re-creates it
    const at = (re: RegExp) => procedure.search(re);
    expect(at(/## \d\. Remove the tenant file/)).toBeGreaterThan(0);
    expect(at(/## \d\. Remove the tenant file/)).toBeLessThan(at(/kubectl delete namespace acme-ml/));
    expect(at(/## \d\. Remove the tenant file/)).toBeLessThan(at(/delete secret clearml-tenant-ledger-acme/));
    // the company id is read before the ledger may go
    expect(at(/COMPANY_ID=/)).toBeLessThan(at(/delete secret clearml-tenant-ledger-acme/));
    // no sentence is cut off: every prose paragraph ends with a full stop or a colon
    const prose = procedure.split(/```[\s\S]*?```/).join('\n').split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#') && !p.startsWith('- '));
    for (const paragraph of prose) expect(paragraph).toMatch(/[.:]$/);
    // it is not a resource: no kustomization lists it
    expect([...files.entries()].filter(([f]) => f.endsWith('kustomization.yaml')).some(([, c]) => c.includes('DECOMMISSIONED'))).toBe(false);
  });

  test('back to active restores exactly the active output', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const before = render();
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: suspended\n') });
    expect(render()).not.toEqual(before);
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: active\n') });
    expect(render()).toEqual(before);
  });
});

describe('credential rotation', () => {
  test('raising credentialsGeneration changes the agent pod annotation (its pods restart) and runs a new bootstrap Job', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const before = render();
    writeTenants({ acme: tenantYaml('acme', 31000, 'credentialsGeneration: 2\n') });
    const after = render();
    const agent = (files: Map<string, string>) => docs(files.get('tenants/acme/workloads/agent.yaml')).find((o) => o.kind === 'HelmRelease');
    expect(agent(before).spec.values.agentk8sglue.annotations).toEqual({ 'clearml-tenancy/credentials-generation': '1' });
    expect(agent(after).spec.values.agentk8sglue.annotations).toEqual({ 'clearml-tenancy/credentials-generation': '2' });
    expect(plan(after, 'acme').credentialsGeneration).toBe(2);
    const job = (files: Map<string, string>) => docs(files.get('tenants/acme/bootstrap/bootstrap.yaml')).find((o) => o.kind === 'Job').metadata.name;
    expect(job(after)).not.toBe(job(before));
  });
});

describe('prune guard', () => {
  test.each([
    ['flux', FLUX, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }],
    ['flux with the lockdown', LOCKDOWN, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }],
    ['argocd', ARGO, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }],
  ] as const)('every tenant namespace, whatever its state, carries the guard (%s)', (_, platform, annotations) => {
    writeTenants({ acme: tenantYaml('acme', 31000), beta: tenantYaml('beta', 31100, 'namespace: beta-ml\nstate: suspended\n'), gamma: tenantYaml('gamma', 31200, 'state: decommissioned\n') });
    const files = render(platform);
    const namespaces = [...files.entries()].filter(([f]) => f.endsWith('.yaml')).flatMap(([, c]) => docs(c)).filter((o) => o?.kind === 'Namespace' && o.metadata.labels?.[TENANT_LABEL]);
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['acme', 'beta-ml', 'gamma']);
    for (const ns of namespaces) expect(ns.metadata.annotations).toEqual(annotations);
  });

  test('the committed dist/ guards every tenant namespace', () => {
    const dist = readTree(join(__dirname, '..', '..', 'dist'));
    const namespaces = [...dist.entries()].filter(([f]) => f.endsWith('.yaml')).flatMap(([, c]) => docs(c)).filter((o) => o?.kind === 'Namespace' && o.metadata.labels?.[TENANT_LABEL]);
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect(ns.metadata.annotations).toHaveProperty(['kustomize.toolkit.fluxcd.io/prune'], 'disabled');
  });

  test('platform namespaces are not guarded (they are the platform\'s to manage)', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const files = render();
    const server = docs(files.get('server/namespace.yaml') ?? [...files.entries()].find(([f, c]) => f.startsWith('server/') && c.includes('kind: Namespace'))?.[1]).find((o) => o?.kind === 'Namespace');
    expect(server).toBeDefined();
    expect(server.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']).toBeUndefined();
  });
});

describe('removal never by accident', () => {
  /** Synthesizes into outdir; returns the summary lines. */
  function synth(allowRemoval?: string[]): string[] {
    const summary: string[] = [];
    synthesize({ platform: FLUX, tenantsDir, allowRemoval }, outdir, summary);
    return summary;
  }

  test('fails when a tenant disappears without having been decommissioned, and leaves the output untouched', () => {
    // GIVEN an output with two active tenants
    writeTenants({ acme: tenantYaml('acme', 31000), beta: tenantYaml('beta', 31100) });
    synth();
    const before = readTree(outdir);
    // WHEN beta's file is deleted
    writeTenants({ acme: tenantYaml('acme', 31000) });
    // THEN synth refuses, naming the tenant and the way to do it right, and writes nothing
    expect(() => synth()).toThrow(ConfigError);
    expect(() => synth()).toThrow(/tenants\/beta\.yaml: \(file\): \(missing\): tenant beta \(namespace beta, active\) is in the output being replaced but has no tenant file now.*state: decommissioned.*--allow-removal beta/);
    expect(readTree(outdir)).toEqual(before);
  });

  test('fails when a tenant file is renamed (the old name leaves without decommissioning)', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    synth();
    writeTenants({ acme2: tenantYaml('acme2', 31000) });
    expect(() => synth()).toThrow(/tenant acme \(namespace acme, active\) is in the output being replaced but has no tenant file now/);
  });

  test('fails when a suspended tenant disappears too (suspended is not decommissioned)', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: suspended\n') });
    synth();
    writeTenants({});
    expect(() => synth()).toThrow(/tenant acme \(namespace acme, suspended\)/);
  });

  test('a decommissioned tenant may leave; the summary says its namespace stays', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: decommissioned\n'), beta: tenantYaml('beta', 31100) });
    synth();
    writeTenants({ beta: tenantYaml('beta', 31100) });
    expect(synth()).toEqual(['removed tenant acme (decommissioned before); its namespace acme stays in the cluster (prune guard)']);
    expect(readdirSync(join(outdir, 'tenants'))).toEqual(['beta']);
  });

  test('fails when a tenant\'s namespace changes, and leaves the output untouched', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    synth();
    const before = readTree(outdir);
    writeTenants({ acme: tenantYaml('acme', 31000, 'namespace: acme-new\n') });
    expect(() => synth()).toThrow(/tenants\/acme\.yaml: namespace: "acme-new": changes tenant acme's namespace from "acme" .*Keep namespace: acme; or, to move it on purpose, run synth with --allow-removal acme/);
    expect(readTree(outdir)).toEqual(before);
  });

  test('fails when a decommissioned tenant is made active again under the same name, with the reason', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: decommissioned\n') });
    synth();
    writeTenants({ acme: tenantYaml('acme', 31000, 'state: active\n') });
    expect(() => synth()).toThrow(/tenants\/acme\.yaml: state: "active": tenant acme is decommissioned in the output being replaced; every key of its company is revoked and its ledger is final/);
    // --allow-removal does not lift it: the bootstrap would refuse too
    expect(() => synth(['acme'])).toThrow(/cannot become active again/);
  });

  test('--allow-removal lets a removal and a namespace move happen on purpose, and the summary reports them', () => {
    writeTenants({ acme: tenantYaml('acme', 31000), beta: tenantYaml('beta', 31100) });
    synth();
    writeTenants({ acme: tenantYaml('acme', 31000, 'namespace: acme-new\n') });
    const summary = synth(['beta', 'acme']);
    expect(summary).toEqual([
      'moved tenant acme from namespace acme to acme-new on purpose (--allow-removal); namespace acme stays in the cluster with its data (prune guard)',
      'removed tenant beta on purpose (--allow-removal; it was active, not decommissioned); its namespace beta stays in the cluster (prune guard)',
    ]);
    expect(readdirSync(join(outdir, 'tenants'))).toEqual(['acme']);
  });

  test('the command line takes --allow-removal (repeatable) and prints the summary', () => {
    writeTenants({ acme: tenantYaml('acme', 31000), beta: tenantYaml('beta', 31100), gamma: tenantYaml('gamma', 31200) });
    synth();
    writeTenants({ acme: tenantYaml('acme', 31000) });
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(runSynth({ platform: FLUX, tenantsDir }, ['--out', outdir, '--allow-removal', 'beta'])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/nothing was written[\s\S]*tenant gamma \(namespace gamma, active\)/);
      expect(runSynth({ platform: FLUX, tenantsDir }, ['--out', outdir, '--allow-removal', 'beta', '--allow-removal', 'gamma'])).toBe(0);
      const printed = out.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toMatch(/removed tenant beta on purpose/);
      expect(printed).toMatch(/removed tenant gamma on purpose/);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  test('fails when --allow-removal names a tenant that is neither removed nor moved', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    synth();
    expect(() => synth(['acme', 'nobody'])).toThrow(/\(command line\): --allow-removal: "acme": tenant acme is neither removed nor moved[\s\S]*--allow-removal: "nobody": names no tenant of the output being replaced \(acme\)/);
  });

  test('a first synth into an empty or missing folder has nothing to compare', () => {
    writeTenants({ acme: tenantYaml('acme', 31000) });
    expect(synth()).toEqual([]);
    expect(readdirSync(join(outdir, 'tenants'))).toEqual(['acme']);
  });

  test('reads a version-1 plan (no state) as active', () => {
    const v1 = YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'clearml' }, data: { 'plan.json': JSON.stringify({ tenant: 'old', namespace: 'old-ns' }) } });
    const previous = tenantsOfOutput([['tenants/old/bootstrap/bootstrap.yaml', v1]]);
    expect(previous.get('old')).toEqual({ name: 'old', namespace: 'old-ns', state: 'active' });
    expect(() => checkLifecycle(previous, new Map())).toThrow(/tenant old \(namespace old-ns, active\)/);
  });

  test('reads the same tenants from the written files as from the rendered output', () => {
    writeTenants({ acme: tenantYaml('acme', 31000, 'namespace: acme-ml\n'), beta: tenantYaml('beta', 31100, 'state: suspended\n'), gamma: tenantYaml('gamma', 31200, 'state: decommissioned\n') });
    const output = renderOutputObjects({ platform: FLUX, tenantsDir });
    const fromFolders = tenantsOfFolders(output.folders);
    expect([...fromFolders.values()]).toEqual([
      { name: 'acme', namespace: 'acme-ml', state: 'active' },
      { name: 'beta', namespace: 'beta', state: 'suspended' },
      { name: 'gamma', namespace: 'gamma', state: 'decommissioned' },
    ]);
    expect(tenantsOfOutput(serializeOutput(output))).toEqual(fromFolders);
  });
});
