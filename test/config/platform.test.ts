import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { ConfigError } from '../../lib/core/problems';
import { MINIMAL_PLATFORM, platformWith } from '../helpers';

function problemsOf(props: unknown): string[] {
  try {
    resolvePlatform(props as PlatformProps);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('resolvePlatform', () => {
  test('defaults reproduce the runbook', () => {
    const p = platformWith();
    expect(p.gitops).toBe('flux');
    expect(p.server.apiserverImageTag).toBe('3.21.6-1443');
    expect(p.server.webserverImageTag).toBe('3.21.3-1657');
    expect(p.server.cookieDomain).toBe('example.com');
    expect(p.hosts).toEqual({ api: 'api.example.com', file: 'file.example.com', app: 'app.example.com' });
    expect(p.redis.chart).toEqual({ source: 'bitnami', chart: 'redis', version: '17.8.3' });
    expect(p.gpuOperator.migStrategy).toBe('mixed');
    expect(p.server.maxRunningAppsPerCompany).toBe(3);
    expect(p.server.resourceUsageSupervisorCompany).toBe('d1bd92a3b039400cbafc60a7a5b1e52b');
    expect(p.server.supervisor.groups).toEqual(['users', 'admins', 'queue_admins']);
  });

  test('user props win over defaults, undefined does not erase a default', () => {
    const p = platformWith({ redis: { namespace: 'cache', port: undefined } });
    expect(p.redis.namespace).toBe('cache');
    expect(p.redis.port).toBe(6379);
  });

  test('fails when a group id is not a UUID (the runbook example "abcd-1234-abcd-1234")', () => {
    const problems = problemsOf({ ...MINIMAL_PLATFORM, server: { ...MINIMAL_PLATFORM.server, groups: [{ key: 'my_group', id: 'abcd-1234-abcd-1234', features: [] }] } });
    expect(problems).toEqual([expect.stringMatching(/^server\.groups\[0\]\.id: "abcd-1234-abcd-1234": must be a UUID/)]);
  });

  test('item 4: fails when network.kubernetesApiCidrs names link-local or loopback addresses', () => {
    expect(problemsOf({ ...MINIMAL_PLATFORM, network: { kubernetesApiCidrs: ['10.0.0.1/32', '169.254.169.254/32', '127.0.0.0/8', '0.0.0.0/16'] } })).toEqual([
      'network.kubernetesApiCidrs[1]: "169.254.169.254/32": must not lie inside 169.254.0.0/16 (link-local, loopback and 0.0.0.0/8 are never allowed as egress)',
      'network.kubernetesApiCidrs[2]: "127.0.0.0/8": must not lie inside 127.0.0.0/8 (link-local, loopback and 0.0.0.0/8 are never allowed as egress)',
      'network.kubernetesApiCidrs[3]: "0.0.0.0/16": must not lie inside 0.0.0.0/8 (link-local, loopback and 0.0.0.0/8 are never allowed as egress)',
    ]);
  });

  test('fails when a feature is unknown', () => {
    const problems = problemsOf({ ...MINIMAL_PLATFORM, server: { ...MINIMAL_PLATFORM.server, organizationFeatures: ['time_travel'] } });
    expect(problems).toEqual([expect.stringMatching(/^server\.organizationFeatures\[0\]: "time_travel": is not a ClearML feature; allowed: app_management, /)]);
  });

  test('fails when a feature is both added and excluded', () => {
    const problems = problemsOf({
      ...MINIMAL_PLATFORM,
      server: { ...MINIMAL_PLATFORM.server, organizationFeatures: ['reports'], disabledOrganizationFeatures: ['reports'] },
    });
    expect(problems).toEqual([expect.stringMatching(/^server\.disabledOrganizationFeatures\[0\]: "reports": is both added \(server\.organizationFeatures\) and excluded/)]);
  });

  test('fails when the base domain is not a DNS name', () => {
    expect(problemsOf({ ...MINIMAL_PLATFORM, baseDomain: 'https://Example.com/' })).toEqual([
      expect.stringMatching(/^baseDomain: "https:\/\/Example\.com\/": must be a lower-case DNS name/),
    ]);
  });

  test('fails when a required secret reference is missing', () => {
    const problems = problemsOf({
      ...MINIMAL_PLATFORM,
      server: {
        ...MINIMAL_PLATFORM.server,
        sso: { clientId: 'x', baseUrl: 'https://l.example.com', authorizeUrl: 'https://l.example.com/a', accessTokenUrl: 'https://l.example.com/t', audience: 'x' },
      },
    });
    expect(problems).toEqual([expect.stringMatching(/^server\.sso\.clientSecret: \(missing\)|^server\.sso\.clientSecret: undefined: must name a Secret/)]);
  });

  test('fails when billing is enabled without a chart, or from a Helm repository', () => {
    expect(problemsOf({ ...MINIMAL_PLATFORM, billing: {} })).toEqual([expect.stringMatching(/^billing\.chart: undefined: is required while billing is enabled/)]);
    expect(problemsOf({ ...MINIMAL_PLATFORM, billing: { chart: { source: 'nvidia', chart: 'clearml-billing', version: '1.1.0' } } })).toEqual([
      expect.stringMatching(/^billing\.chart\.source: "nvidia": must be an "oci" or "git" source/),
    ]);
  });

  test('fails with every problem at once', () => {
    const problems = problemsOf({
      baseDomain: 'not a domain',
      server: { supervisor: { email: 'nobody' }, groups: [{ key: 'g', id: 'nope', features: ['flying'] }], maxRunningAppsPerCompany: 0 },
      billing: { enabled: false },
      gitops: 'jenkins',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'baseDomain',
      'gitops',
      'server.supervisor.email',
      'server.maxRunningAppsPerCompany',
      'server.groups[0].id',
      'server.groups[0].features[0]',
    ]);
  });

  test('fails when a custom group sets system', () => {
    const problems = problemsOf({
      ...MINIMAL_PLATFORM,
      server: { ...MINIMAL_PLATFORM.server, groups: [{ key: 'ops', id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', features: [], system: true }] },
    });
    expect(problems).toEqual([expect.stringMatching(/^server\.groups\[0\]\.system: true: cannot be set/)]);
  });

  test('fails when a chart names an unknown source or a git source has no ref', () => {
    const problems = problemsOf({
      ...MINIMAL_PLATFORM,
      sources: { charts: { type: 'git', url: 'https://git.example.com/charts.git' } },
      redis: { chart: { source: 'nowhere', chart: 'redis', version: '17.8.3' } },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^sources\.charts: .*must set exactly one of tag, branch or commit/),
      expect.stringMatching(/^redis\.chart\.source: "nowhere": is not a chart source; known: bitnami, charts, clearml-enterprise, nvidia/),
    ]);
  });
});
