/** Defaults and checks of `PlatformProps.redis`. */
import { Req, checkSecretRef, definedOnly } from '../../config/checks';
import { DEFAULT_CHART_VERSIONS } from '../../config/chart-versions';
import type { ChartProps } from '../../flavors/chart-source';
import { Problems } from '../../core/problems';
import { RedisImageProps, SharedRedisProps } from './props';

/** The Redis image tag each Bitnami redis chart version ships (its `image.tag`), for the legacy repository. */
export const REDIS_CHART_IMAGE_TAGS: Readonly<Record<string, string>> = {
  // Chart 17.8.3's default image docker.io/bitnami/redis:7.0.9-debian-11-r1.
  '17.8.3': '7.0.9-debian-11-r1',
};

/** Where the shared Redis image comes from by default: Bitnami's frozen legacy repository. */
export const DEFAULT_REDIS_IMAGE = { registry: 'docker.io', repository: 'bitnamilegacy/redis' } as const;

/** The shared Redis image; `tag` absent means the chart's own. */
export interface ResolvedRedisImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
}

export type ResolvedSharedRedis = Req<Omit<SharedRedisProps, 'image'>> & { readonly image: ResolvedRedisImage };

export function resolveSharedRedis(problems: Problems, input: SharedRedisProps | undefined): ResolvedSharedRedis {
  const redis: Omit<Req<SharedRedisProps>, 'image'> & { image?: RedisImageProps } = {
    namespace: 'redis-shared',
    releaseName: 'redis',
    chart: { source: 'bitnami', chart: 'redis', version: DEFAULT_CHART_VERSIONS.redis },
    passwordSecret: { name: 'redis-shared-auth', key: 'redis-password' },
    port: 6379,
    values: {},
    ...definedOnly(input),
  };
  const image = resolveRedisImage(problems, input?.image, redis.chart);
  checkSecretRef(problems, 'redis.passwordSecret', redis.passwordSecret);
  return { ...redis, image };
}

/** The Redis image: the legacy repository at the chart's tag by default, or the one given (registry and repository together). */
function resolveRedisImage(problems: Problems, input: RedisImageProps | undefined, chart: ChartProps): ResolvedRedisImage {
  const defaultTag = REDIS_CHART_IMAGE_TAGS[chart.version];
  if (input === undefined) return { ...DEFAULT_REDIS_IMAGE, ...(defaultTag ? { tag: defaultTag } : {}) };
  if (typeof input !== 'object' || input === null) {
    problems.add('redis.image', input, 'must be { registry: "<registry host>", repository: "<path>", tag?: "<tag>" }');
    return DEFAULT_REDIS_IMAGE;
  }
  const image = input as Partial<RedisImageProps>;
  if (typeof image.registry !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?$/.test(image.registry)) {
    problems.add('redis.image.registry', image.registry, 'must be a registry host such as "docker.io" or "registry.example.com:5000" (set registry and repository together)');
  }
  if (typeof image.repository !== 'string' || !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(image.repository)) {
    problems.add('redis.image.repository', image.repository, 'must be a repository path such as "bitnamilegacy/redis" (set registry and repository together)');
  } else if (image.registry === 'docker.io' && image.repository.startsWith('bitnami/')) {
    problems.add('redis.image.repository', image.repository, 'is gone: Bitnami removed its free images from docker.io/bitnami in 2025; use "bitnamilegacy/redis" or a mirror');
  }
  if (image.tag !== undefined && (typeof image.tag !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(image.tag))) {
    problems.add('redis.image.tag', image.tag, 'must be an image tag: letters, digits, "_", "." and "-", at most 128 characters');
  }
  const tag = image.tag ?? defaultTag;
  return { registry: image.registry as string, repository: image.repository as string, ...(tag ? { tag } : {}) };
}
