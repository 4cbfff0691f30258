/**
 * The namespace's policies that open a tenant's pods (to the ingress controller, to session and stream
 * clients) are written only while what they open to is deployed: the same conditions as the folders'
 * releases (lib/tenant/tenant-deployment.ts). Their pod selectors are labels any tenant pod may carry.
 */
import { renderOutput } from '../../lib/synth';
import { TenantSpec } from '../../lib/config/tenant-schema';
import { platform as MAIN_PLATFORM } from '../../main';
import { agentDeployed, routerDeployed, sessionPortsDeployed } from '../../lib/tenant/tenant-deployment';
import { TenantNamespace } from '../../lib/tenant/tenant-namespace';
import { inChart, platform, tenantFrom } from './helpers';
import { join } from 'node:path';

jest.setTimeout(120_000);

const TENANTS_DIR = join(__dirname, '..', '..', 'tenants');
const OPENING = ['allow-stream-session-ports', 'allow-ingress-controller-to-app-gateway', 'allow-ingress-controller-to-router', 'allow-session-ports'];

const hooli = (state?: TenantSpec['state']): TenantSpec => ({
  name: 'hooli',
  admin: { name: 'Hooli Admin', email: 'admin@hooli.example' },
  sessions: { startingPort: 31100, portMode: true },
  router: { streamSession: { portRange: { start: 32000, end: 32009 } } },
  ...(state ? { state } : {}),
});
/** The same tenant without a stream range: one is refused where no app gateway is deployed (test/config/stream-ports.test.ts). */
const hooliWithoutStreams = (): TenantSpec => {
  const { router: _, ...rest } = hooli();
  return rest;
};

function objectsOf(files: ReadonlyMap<string, string>): any[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const YAML = require('yaml');
  return [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d: any) => d.toJSON()).filter(Boolean));
}

const openingPolicies = (objects: any[], namespace: string) =>
  objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace && OPENING.includes(o.metadata.name)).map((o) => o.metadata.name).sort();
const releases = (objects: any[], namespace: string) => objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.namespace === namespace).map((o) => o.metadata.name).sort();

describe('the current profile', () => {
  test('an active tenant with a stream range and port mode: the gateway, stream and session policies beside the releases', () => {
    const objects = objectsOf(renderOutput({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR, tenants: [hooli()] }));
    expect(releases(objects, 'hooli')).toEqual(['clearml-agent', 'clearml-app-gateway']);
    expect(openingPolicies(objects, 'hooli')).toEqual(['allow-ingress-controller-to-app-gateway', 'allow-session-ports', 'allow-stream-session-ports']);
  });

  test.each([['suspended' as const], ['decommissioned' as const]])('a %s tenant: no release, and no policy opening its pods', (state) => {
    const objects = objectsOf(renderOutput({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR, tenants: [hooli(state)] }));
    expect(releases(objects, 'hooli')).toEqual([]);
    expect(openingPolicies(objects, 'hooli')).toEqual([]);
    // The namespace and its denies stay.
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'hooli').map((o) => o.metadata.name)).toContain('default-deny-ingress');
  });

  test('routerEnabled false: no app gateway and no gateway or stream policy; the agent and its session ports stay', () => {
    const objects = objectsOf(renderOutput({ platform: { ...MAIN_PLATFORM, profile: 'current', tenantReleases: { ...MAIN_PLATFORM.tenantReleases, routerEnabled: false } }, tenantsDir: TENANTS_DIR, tenants: [hooliWithoutStreams()] }));
    expect(releases(objects, 'hooli')).toEqual(['clearml-agent']);
    expect(openingPolicies(objects, 'hooli')).toEqual(['allow-session-ports']);
  });
});

describe('the runbook profile (task traffic router)', () => {
  const nsPolicies = (text: string, p = platform) =>
    inChart((chart) => new TenantNamespace(chart, 'Ns', { tenant: tenantFrom(text), platform: p })).manifests.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
  const base = 'name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: { portMode: true, startingPort: 31010, maxServices: 5 }\n';

  test('active: the router and session policies', () => {
    expect(nsPolicies(base)).toEqual(expect.arrayContaining(['allow-ingress-controller-to-router', 'allow-session-ports']));
  });

  test('suspended: neither', () => {
    const names = nsPolicies(`${base}state: suspended\n`);
    expect(names).toContain('default-deny-ingress');
    expect(names.filter((n) => OPENING.includes(n))).toEqual([]);
  });

  test('routerEnabled false: no router policy, the session policy stays', () => {
    const objects = objectsOf(renderOutput({ platform: { ...MAIN_PLATFORM, tenantReleases: { ...MAIN_PLATFORM.tenantReleases, routerEnabled: false } }, tenantsDir: TENANTS_DIR, tenants: [hooliWithoutStreams()] }));
    expect(releases(objects, 'hooli')).toEqual(['clearml-agent']);
    expect(openingPolicies(objects, 'hooli')).toEqual(['allow-session-ports']);
  });
});

describe('the conditions', () => {
  const on = { tenantReleases: { routerEnabled: true } } as never;
  const off = { tenantReleases: { routerEnabled: false } } as never;
  test.each([
    ['active', true, true, true],
    ['suspended', false, false, false],
    ['decommissioned', false, false, false],
  ] as const)('%s', (state, agent, router, sessions) => {
    expect(agentDeployed({ state })).toBe(agent);
    expect(routerDeployed({ state }, on)).toBe(router);
    expect(routerDeployed({ state }, off)).toBe(false);
    expect(sessionPortsDeployed({ state, sessions: { portMode: true } } as never)).toBe(sessions);
    expect(sessionPortsDeployed({ state, sessions: { portMode: false } } as never)).toBe(false);
  });
});
