import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runSynth } from '../../lib/cli';
import { DEFAULT_CHART_VERSIONS } from '../../lib/config/chart-versions';
import { PlatformProps } from '../../lib/platform/platform-props';
import { floatingVersionWarnings } from '../../lib/gitops/chart-catalog';
import { isExactVersion } from '../../lib/core/names';
import { MINIMAL_PLATFORM, platformWith, platformPropsProblems } from '../helpers';

const DIST = join(__dirname, '..', '..', 'dist');


function distFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? distFiles(path) : [path];
  });
}

describe('chart versions', () => {
  test('every default chart is pinned to one exact version', () => {
    const p = platformWith();
    expect(p.charts.length).toBeGreaterThanOrEqual(6);
    for (const chart of p.charts) expect([chart.chart, isExactVersion(chart.version)]).toEqual([chart.chart, true]);
    expect(p.server.chart.version).toBe('11.0.2');
    expect(p.tenantReleases.agentChart.version).toBe('6.14.6');
    expect(p.redis.chart.version).toBe('17.8.3');
    expect(Object.values(DEFAULT_CHART_VERSIONS).every(isExactVersion)).toBe(true);
    expect(p.floatingVersions).toEqual([]);
  });

  test('exact versions and ranges are told apart', () => {
    expect(['1.2.3', 'v25.3.0', '1.2.3-rc.1', '11.0.2+build.5'].map(isExactVersion)).toEqual([true, true, true, true]);
    expect(['*', '^1.2.0', '~1.2.3', '>=1.0.0', '1.x', '1.2', '1.2.x', '1.2.3 - 2.0.0', '>=1.0.0 <2', '1.2.3 || 1.2.4', '', 'latest'].map(isExactVersion)).toEqual(
      Array(12).fill(false),
    );
  });

  test('no dist/ file has a floating chart version', () => {
    const offenders = distFiles(DIST).filter((file) => /version: ["']?\*|semver:|targetRevision: ["']?[*^~>]/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
    const sources = readFileSync(join(DIST, 'sources', 'sources.yaml'), 'utf8');
    expect(sources).toMatch(/tag: 17\.8\.3/);
  });

  test('fails when a chart version is "*" or a range without an opt-in, naming the field and the way to opt in', () => {
    const problems = platformPropsProblems({
      ...MINIMAL_PLATFORM,
      server: { ...MINIMAL_PLATFORM.server, chart: { source: 'clearml-enterprise', chart: 'clearml-enterprise', version: '*' } },
      tenantReleases: { agentChart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: '^6.14.0' } },
      redis: { chart: { source: 'bitnami', chart: 'redis', version: '17.8' } },
    });
    // In the order of the component registry (shared Redis before the server), then the tenants' charts.
    expect(problems).toEqual([
      expect.stringMatching(/^redis\.chart\.version: "17\.8": must be one exact chart version/),
      expect.stringMatching(/^server\.chart\.version: "\*": must be one exact chart version such as "1\.2\.3" .*set allowFloatingVersion: true beside the version$/),
      expect.stringMatching(/^tenantReleases\.agentChart\.version: "\^6\.14\.0": must be one exact chart version/),
    ]);
  });

  test('fails when allowFloatingVersion is not a boolean', () => {
    const props = { ...MINIMAL_PLATFORM, redis: { chart: { source: 'bitnami', chart: 'redis', version: '17.x', allowFloatingVersion: 'yes' } } } as unknown as PlatformProps;
    expect(platformPropsProblems(props)).toEqual([expect.stringMatching(/^redis\.chart\.allowFloatingVersion: "yes": must be true or false$/)]);
  });

  test('an opted-in range is accepted, rendered as a range and reported', () => {
    const p = platformWith({ tenantReleases: { agentChart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: '6.14.x', allowFloatingVersion: true } } });
    expect(p.floatingVersions).toEqual([{ path: 'tenantReleases.agentChart', chart: 'clearml-enterprise/clearml-enterprise-agent', version: '6.14.x' }]);
    expect(floatingVersionWarnings(p.floatingVersions)).toEqual([
      'warning: tenantReleases.agentChart.version "6.14.x" of clearml-enterprise/clearml-enterprise-agent floats (allowFloatingVersion: true): the GitOps controller upgrades it on its own to any matching release',
    ]);
  });

  test('synth prints the opt-in after its summary line', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const dir = join(require('node:os').tmpdir(), `chart-versions-${process.pid}`);
    try {
      const platform: PlatformProps = { ...MINIMAL_PLATFORM, redis: { chart: { source: 'bitnami', chart: 'redis', version: '~17.8.3', allowFloatingVersion: true } } };
      expect(runSynth({ platform }, ['--out', dir])).toBe(0);
      const lines = out.mock.calls.map((c) => String(c[0])).join('').split('\n');
      expect(lines[0]).toMatch(/^synth: .*; \d+ files written, \d+ files? removed$/);
      expect(lines).toContain('warning: redis.chart.version "~17.8.3" of bitnami/redis floats (allowFloatingVersion: true): the GitOps controller upgrades it on its own to any matching release');
      expect(readFileSync(join(dir, 'sources', 'sources.yaml'), 'utf8')).toMatch(/semver: ~17\.8\.3/);
    } finally {
      out.mockRestore();
      require('node:fs').rmSync(dir, { recursive: true, force: true });
    }
  });
});
