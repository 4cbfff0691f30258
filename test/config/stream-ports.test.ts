/**
 * The app gateway's stream port ranges in tenant files (`router.streamSession.portRange`): inside the
 * platform's NodePort range, start <= end, apart from every session and other stream range; every problem
 * of every file at once.
 */
import { configProblems } from '../helpers';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { Problem } from '../../lib/core/problems';
import { resolveTenants } from '../../lib/tenant/tenants';
import { TenantSource } from '../../lib/tenant/tenant-files';

/** Stream sessions are the app gateway's: the `current` profile deploys it. */
const platform = resolvePlatform({ ...platformProps, profile: 'current' });

function tenant(name: string, port: number, stream?: string, address?: string): string {
  const session = stream || address ? `router: { streamSession: { ${[address ? `routerAddress: ${address}` : '', stream ? `portRange: ${stream}` : ''].filter(Boolean).join(', ')} } }\n` : '';
  return `name: ${name}\nadmin: { name: Admin, email: admin@${name}.example }\nsessions: { startingPort: ${port} }\n${session}`;
}

function problemsOf(byName: Record<string, string>, on = platform): Problem[] {
  const sources: TenantSource[] = Object.entries(byName).map(([file, text]) => ({ file: `tenants/${file}`, text }));
  return configProblems(() => resolveTenants(sources, on));
}

describe('router.streamSession', () => {
  test('a free range inside the NodePort range is taken; the router address defaults to the router host', () => {
    const [t] = resolveTenants([{ file: 'tenants/acme.yaml', text: tenant('acme', 31010, '{ start: 32000, end: 32009 }') }], platform);
    expect(t.router.streamSession).toEqual({ routerAddress: 'acme-apps.clearml.example.com', portRange: { start: 32000, end: 32009 } });
    const [u] = resolveTenants([{ file: 'tenants/acme.yaml', text: tenant('acme', 31010, undefined, '10.1.2.3') }], platform);
    expect(u.router.streamSession).toEqual({ routerAddress: '10.1.2.3' });
  });

  test('overlapping ranges are refused across tenants, and against any session ports, all at once', () => {
    const problems = problemsOf({
      'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32009 }'),
      'beta.yaml': tenant('beta', 31100, '{ start: 32005, end: 32014 }'),
      'gamma.yaml': tenant('gamma', 31200, '{ start: 31015, end: 31016 }'),
      'delta.yaml': tenant('delta', 31300, '{ start: 31305, end: 31400 }'),
    });
    // each clash of two files is reported on both, each naming the other
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange', value: { start: 32000, end: 32009 }, message: 'makes the stream ports 32000-32009, which overlap the stream ports 32005-32014 of tenants/beta.yaml; pick a free range (npm run tenant:new does)' },
      { file: 'tenants/acme.yaml', path: 'sessions.startingPort', value: 31010, message: 'makes the session ports 31011-31020 (startingPort+1 ... startingPort+maxServices), which overlap the stream ports 31015-31016 (router.streamSession.portRange) of tenants/gamma.yaml; NodePorts are one port of the whole cluster: pick a free range (npm run tenant:new does)' },
      { file: 'tenants/beta.yaml', path: 'router.streamSession.portRange', value: { start: 32005, end: 32014 }, message: expect.stringMatching(/^makes the stream ports 32005-32014, which overlap the stream ports 32000-32009 of tenants\/acme\.yaml/) },
      { file: 'tenants/gamma.yaml', path: 'router.streamSession.portRange', value: { start: 31015, end: 31016 }, message: expect.stringMatching(/overlap the session ports of tenants\/acme\.yaml 31011-31020; NodePorts are one port of the whole cluster/) },
      { file: 'tenants/delta.yaml', path: 'router.streamSession.portRange', value: { start: 31305, end: 31400 }, message: expect.stringMatching(/overlap its own session ports 31301-31310/) },
    ]);
  });

  test('outside the NodePort range, more than the bound, or end before start, is refused naming the bounds', () => {
    const problems = problemsOf({
      'acme.yaml': tenant('acme', 31010, '{ start: 29990, end: 29995 }'),
      'beta.yaml': tenant('beta', 31100, '{ start: 32760, end: 32768 }'),
      'gamma.yaml': tenant('gamma', 31200, '{ start: 31500, end: 32600 }'),
      'delta.yaml': tenant('delta', 31300, '{ start: 32010, end: 32001 }'),
    });
    const nodePorts = "must lie inside the NodePort range 30000-32767 (the platform's network.nodePortRange)";
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange.start', value: 29990, message: nodePorts },
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange.end', value: 29995, message: nodePorts },
      { file: 'tenants/beta.yaml', path: 'router.streamSession.portRange.end', value: 32768, message: nodePorts },
      { file: 'tenants/gamma.yaml', path: 'router.streamSession.portRange', value: { start: 31500, end: 32600 }, message: 'holds 1101 ports; at most 1000' },
      { file: 'tenants/delta.yaml', path: 'router.streamSession.portRange.end', value: 32001, message: 'must be at least start (32010)' },
    ]);
  });

  test('a wider platform NodePort range admits the range; the schema bounds the ports and refuses other fields', () => {
    const wide = resolvePlatform({ ...platformProps, profile: 'current', network: { nodePortRange: { min: 20000, max: 40000 } }, tenancy: { maxStreamPorts: 101 } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 39000, end: 39100 }') }, wide)).toEqual([]);
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32001, step: 1 }') }).map((p) => p.path)).toEqual(['router.streamSession.portRange.step']);
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 65536 }') }).map((p) => p.path)).toContain('router.streamSession.portRange.end');
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000 }') })).toContainEqual(expect.objectContaining({ path: 'router.streamSession.portRange.end', message: 'is required' }));
  });

  test('a router address that is neither a DNS name nor an IPv4 address is refused', () => {
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 31010, undefined, '"not a host"') });
    expect(problems).toEqual([{ file: 'tenants/acme.yaml', path: 'router.streamSession.routerAddress', value: 'not a host', message: expect.stringMatching(/DNS name/) }]);
  });

  test('fails when a tenant takes more stream ports than the platform allows (tenancy.maxStreamPorts, default 100)', () => {
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32100 }') })).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange', value: { start: 32000, end: 32100 }, message: 'holds 101 ports; the platform allows at most 100 stream ports per tenant (tenancy.maxStreamPorts)' },
    ]);
    const small = resolvePlatform({ ...platformProps, profile: 'current', tenancy: { maxStreamPorts: 5 } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32005 }') }, small)).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange', value: { start: 32000, end: 32005 }, message: 'holds 6 ports; the platform allows at most 5 stream ports per tenant (tenancy.maxStreamPorts)' },
    ]);
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32004 }') }, small)).toEqual([]);
  });

  test('fails when a tenant asks for stream sessions and the platform deploys no app gateway', () => {
    const runbook = resolvePlatform(platformProps);
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 32000, end: 32009 }') }, runbook)).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession', value: { portRange: { start: 32000, end: 32009 } }, message: 'is for the app gateway only, and the platform deploys the task-traffic-router (tenantReleases.routerKind), which has no stream sessions; remove router.streamSession' },
    ]);
    const off = resolvePlatform({ ...platformProps, profile: 'current', tenantReleases: { routerEnabled: false } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, undefined, '10.0.0.5') }, off)).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession', value: { routerAddress: '10.0.0.5' }, message: 'is for the app gateway only, and the platform deploys no router (tenantReleases.routerEnabled is false); remove router.streamSession' },
    ]);
  });

  test('fails when the stream router address is a host of the server (file. or files.) or another tenant\'s router host, naming both files', () => {
    const problems = problemsOf({
      'acme.yaml': tenant('acme', 31010, undefined, 'files.clearml.example.com'),
      'beta.yaml': tenant('beta', 31100, undefined, 'api.clearml.example.com'),
      'gamma.yaml': tenant('gamma', 31200, undefined, 'delta-apps.clearml.example.com'),
      'delta.yaml': tenant('delta', 31300),
    });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.routerAddress', value: 'files.clearml.example.com', message: expect.stringMatching(/^is a host of the ClearML server \(.*file\.clearml\.example\.com, files\.clearml\.example\.com\); the stream router address must be the tenant's router host/) },
      { file: 'tenants/beta.yaml', path: 'router.streamSession.routerAddress', value: 'api.clearml.example.com', message: expect.stringMatching(/^is a host of the ClearML server/) },
      { file: 'tenants/gamma.yaml', path: 'router.streamSession.routerAddress', value: 'delta-apps.clearml.example.com', message: "is the router host of tenants/delta.yaml; the stream router address must be this tenant's own" },
      { file: 'tenants/delta.yaml', path: 'router.hostName (default)', value: 'delta-apps.clearml.example.com', message: "is taken as the stream router address by tenants/gamma.yaml (router.streamSession.routerAddress); a tenant may not point its streams at another tenant's router" },
    ]);
  });

  test('fails on a null portRange with a problem, not a crash (applyTenantDefaults)', () => {
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, 'null') })).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.streamSession.portRange', value: null, message: 'must be a mapping of fields (key: value)' },
    ]);
  });

  test('fails with no follow-on overlap problem when a port of the range already has a problem', () => {
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 31010, '{ start: 31200, end: 31210 }'), 'beta.yaml': tenant('beta', 31100, '{ start: null, end: 31200 }') });
    expect(problems).toEqual([{ file: 'tenants/beta.yaml', path: 'router.streamSession.portRange.start', value: null, message: 'is null; it is required: give a whole number' }]);
  });
});
