import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { ConfigError } from '../../lib/core/problems';
import { SharedRedis } from '../../lib/components/shared-redis/shared-redis';
import { sharedRedisProps } from '../../lib/components/shared-redis/descriptor';
import { MINIMAL_PLATFORM, only, platformWith, synthOf } from '../helpers';

const DIST = join(__dirname, '..', '..', 'dist');

function distFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? distFiles(path) : [path];
  });
}

function redisValues(props: Partial<PlatformProps> = {}): any {
  return only(synthOf((s) => new SharedRedis(s, 'redis', sharedRedisProps(platformWith(props)))), 'HelmRelease').spec.values;
}

describe('SharedRedis', () => {
  test('snapshot', () => {
    expect(synthOf((s) => new SharedRedis(s, 'redis', sharedRedisProps(platformWith())))).toMatchSnapshot();
  });

  test('bitnami redis 17.8.3 in redis-shared with the password from an existing Secret', () => {
    const objects = synthOf((s) => new SharedRedis(s, 'redis', sharedRedisProps(platformWith())));
    const release = only(objects, 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'redis-shared');
    // Bitnami's OCI registry: one OCIRepository per chart, pinned to the chart version.
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'bitnami-redis', namespace: 'flux-system' });
    expect(platformWith().sources.bitnami).toEqual({ type: 'oci', url: 'oci://registry-1.docker.io/bitnamicharts' });
    expect(release.spec.values.auth).toEqual({ enabled: true, existingSecret: 'redis-shared-auth', existingSecretPasswordKey: 'redis-password' });
    expect(JSON.stringify(objects)).not.toMatch(/sdkWoq23/);
  });

  test('admits the server namespace and tenant namespaces only, on the Redis port only (also when it is moved)', () => {
    const policy = only(synthOf((s) => new SharedRedis(s, 'redis', sharedRedisProps(platformWith()))), 'NetworkPolicy', 'allow-ingress-from-namespaces');
    expect(policy.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } },
      { namespaceSelector: { matchExpressions: [{ key: 'clearml-tenancy/tenant', operator: 'Exists' }] } },
    ]);
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 6379 }]);
    const moved = only(synthOf((s) => new SharedRedis(s, 'redis', sharedRedisProps(platformWith({ redis: { port: 6390 } })))), 'NetworkPolicy', 'allow-ingress-from-namespaces');
    expect(moved.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 6390 }]);
  });

  test('exposes the master host the agents use', () => {
    let host = '';
    synthOf((s) => {
      host = new SharedRedis(s, 'redis', sharedRedisProps(platformWith())).host;
    });
    expect(host).toBe('redis-master.redis-shared');
  });

  test('the image defaults to the legacy repository at the chart\'s own tag, and newer charts are told to accept it', () => {
    const values = redisValues();
    expect(values.image).toEqual({ registry: 'docker.io', repository: 'bitnamilegacy/redis', tag: '7.0.9-debian-11-r1' });
    expect(values.global).toEqual({ security: { allowInsecureImages: true } });
  });

  test('one setting points registry and repository at a mirror; the tag stays the chart\'s unless given', () => {
    expect(redisValues({ redis: { image: { registry: 'registry.example.com:5000', repository: 'mirror/redis' } } }).image).toEqual({
      registry: 'registry.example.com:5000',
      repository: 'mirror/redis',
      tag: '7.0.9-debian-11-r1',
    });
    expect(redisValues({ redis: { image: { registry: 'registry.example.com', repository: 'mirror/redis', tag: '7.0.15' } } }).image.tag).toBe('7.0.15');
    // Another chart version without a tag: the chart's own tag (no tag value).
    expect(redisValues({ redis: { chart: { source: 'bitnami', chart: 'redis', version: '18.0.0' } } }).image).toEqual({ registry: 'docker.io', repository: 'bitnamilegacy/redis' });
  });

  test('fails when the image is the removed docker.io/bitnami repository or registry and repository are not both valid', () => {
    let problems: string[] = [];
    try {
      resolvePlatform({ ...MINIMAL_PLATFORM, redis: { image: { registry: 'docker.io', repository: 'bitnami/redis' } } });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    }
    expect(problems).toEqual([expect.stringMatching(/^redis\.image\.repository: "bitnami\/redis": is gone: Bitnami removed its free images from docker\.io\/bitnami/)]);
    try {
      resolvePlatform({ ...MINIMAL_PLATFORM, redis: { image: { repository: 'Mirror Redis', tag: 'bad tag' } as any } });
      problems = [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    }
    expect(problems).toEqual([
      expect.stringMatching(/^redis\.image\.registry: undefined: must be a registry host .*set registry and repository together/),
      expect.stringMatching(/^redis\.image\.repository: "Mirror Redis": must be a repository path/),
      expect.stringMatching(/^redis\.image\.tag: "bad tag": must be an image tag/),
    ]);
  });

  test('dist/ pulls no image from docker.io/bitnami/ and its Redis release names the legacy image', () => {
    const text = distFiles(DIST).map((f) => readFileSync(f, 'utf8'));
    expect(text.filter((t) => /docker\.io\/bitnami\/|repository: ["']?bitnami\/|charts\.bitnami\.com/.test(t))).toEqual([]);
    const release = parseAllDocuments(readFileSync(join(DIST, 'server', 'shared-redis.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'HelmRelease');
    expect(release.spec.values.image).toEqual({ registry: 'docker.io', repository: 'bitnamilegacy/redis', tag: '7.0.9-debian-11-r1' });
  });
});
