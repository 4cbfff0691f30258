import YAML from 'yaml';
import { TenantSpec } from '../../lib/config/tenant-schema';
import { boundedDnsLabel, toDnsLabel } from '../../lib/core/names';
import { renderOutput } from '../../lib/synth';
import { basePlatform } from '../support/fake-tenants';

const ARGO = { flavor: 'argocd' as const, repoURL: 'https://git.example.com/platform.git' };

/** A tenant whose name (and namespace) is `name`, with ports from `port`. */
function longTenant(name: string, port: number): TenantSpec {
  return { name, admin: { name: 'Admin', email: `admin@t${port}.example` }, sessions: { startingPort: port }, router: { hostName: `${name.slice(0, 52)}-${port}-apps.clearml.example.com` } };
}

function objects(files: Map<string, string>, path: string): Record<string, any>[] {
  return YAML.parseAllDocuments(files.get(path) ?? '').map((d) => d.toJS());
}

describe('boundedDnsLabel', () => {
  test('keeps a short label as it is', () => {
    expect(boundedDnsLabel('Tenants/Acme_Bootstrap')).toBe('tenants-acme-bootstrap');
  });

  test('item 16: fails when a text longer than the bound gets no hash (two long texts must stay apart)', () => {
    // GIVEN two texts of 80 label characters that agree on their first 63
    const common = 'a'.repeat(63);
    const one = `${common}-one-xxxxxxxxxxxx`;
    const two = `${common}-two-xxxxxxxxxxxx`;
    // WHEN
    const a = boundedDnsLabel(one);
    const b = boundedDnsLabel(two);
    // THEN both are labels of at most 63 characters ending in a hash, and they differ
    for (const label of [a, b]) {
      expect(label.length).toBeLessThanOrEqual(63);
      expect(label).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?-[0-9a-f]{8}$/);
    }
    expect(a).not.toBe(b);
    // toDnsLabel alone cuts them to the same label: that is why names that must differ use boundedDnsLabel
    expect(toDnsLabel(one)).toBe(toDnsLabel(two));
  });

  test('hashes at a smaller bound too', () => {
    const label = boundedDnsLabel('x'.repeat(40), 20);
    expect(label).toHaveLength(20);
    expect(label).toMatch(/^x{11}-[0-9a-f]{8}$/);
  });
});

describe('long tenant names through synth', () => {
  test('item 16: fails when a 63-character tenant name crashes synth or two long Argo CD tenants share an Application name', () => {
    // GIVEN two tenants of 63-character names that differ only at the end
    const first = `${'t'.repeat(61)}-a`;
    const second = `${'t'.repeat(61)}-b`;
    expect(first).toHaveLength(63);
    // WHEN synthesized for Argo CD (which names each Application <namespace>-<release>)
    const files = renderOutput({
      platform: basePlatform({ gitops: ARGO, tenantReleases: { routerEnabled: false }, billing: { enabled: false } }),
      tenants: [longTenant(first, 31010), longTenant(second, 31030)],
    });
    // THEN every Application name is a distinct DNS label of at most 63 characters
    const applications = [...files.keys()].filter((f) => f.endsWith('.yaml')).flatMap((f) => objects(files, f)).filter((o) => o?.kind === 'Application');
    const names = applications.map((o) => o.metadata.name as string);
    const agents = applications.filter((o) => [first, second].includes(o.spec.destination.namespace) && o.spec.source?.chart === 'clearml-enterprise-agent');
    expect(agents).toHaveLength(2);
    expect(agents[0].metadata.name).not.toBe(agents[1].metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('other bounded names', () => {
  test('item 16: fails when two long tenants share a bootstrap ServiceAccount in the server namespace', () => {
    // GIVEN two tenants whose names agree on their first 50 characters (Flux flavor)
    const names = [`${'t'.repeat(50)}-a`, `${'t'.repeat(50)}-b`];
    const files = renderOutput({ platform: basePlatform({ billing: { enabled: false } }), tenants: names.map((name, i) => longTenant(name, 31010 + 20 * i)) });
    // WHEN
    const all = [...files.keys()].filter((f) => f.endsWith('.yaml')).flatMap((f) => objects(files, f));
    const accounts = all.filter((o) => o?.kind === 'ServiceAccount' && o.metadata.name.startsWith('clearml-bootstrap-')).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    // THEN each tenant has its own account, and each tenant's RoleBinding names its own
    expect(accounts).toHaveLength(2);
    expect(new Set(accounts).size).toBe(2);
    for (const name of names) {
      const binding = all.find((o) => o?.kind === 'RoleBinding' && o.metadata.namespace === name && o.metadata.name.startsWith('clearml-bootstrap-'))!;
      const own = all.find((o) => o?.kind === 'ServiceAccount' && o.metadata.labels?.['clearml-tenancy/tenant'] === name);
      expect(binding.subjects).toEqual([expect.objectContaining({ kind: 'ServiceAccount', name: own?.metadata.name ?? '(none)' })]);
    }
  });
});
