/** Props of the shared Redis (`PlatformProps.redis`). */
import type { ChartProps } from '../../flavors/chart-source';
import type { SecretKeyReference } from '../../security/secret-reference';

/** The shared Redis image location. */
export interface RedisImageProps {
  /** Registry host, e.g. `registry.example.com`. */
  readonly registry: string;
  /** Repository inside the registry, e.g. `mirror/bitnami/redis`. */
  readonly repository: string;
  /** Image tag. @default - the tag the default chart version ships (7.0.9-debian-11-r1 for 17.8.3); for another chart version, the chart's own */
  readonly tag?: string;
}

/** Shared Redis ("Shared Redis installation"). */
export interface SharedRedisProps {
  /** @default 'redis-shared' */
  readonly namespace?: string;
  /** @default 'redis' */
  readonly releaseName?: string;
  /** Chart and pinned version (the `bitnami` source is Bitnami's OCI registry). @default { source: 'bitnami', chart: 'redis', version: '17.8.3' } */
  readonly chart?: ChartProps;
  /**
   * Where the Redis image comes from (the chart's `image.registry`, `image.repository`, `image.tag`).
   * Bitnami removed `docker.io/bitnami/redis` in 2025; the default is its frozen copy in
   * `docker.io/bitnamilegacy` (no updates, no security fixes). Point it at a mirror to use another copy.
   * @default { registry: 'docker.io', repository: 'bitnamilegacy/redis', tag: - the tag the chart version ships (7.0.9-debian-11-r1 for 17.8.3) }
   */
  readonly image?: RedisImageProps;
  /**
   * The password (the runbook's literal `sdkWoq23`). The Redis release reads it in `redis-shared`; each
   * tenant agent reads a Secret of the same name and key in its own namespace.
   * @default { name: 'redis-shared-auth', key: 'redis-password' }
   */
  readonly passwordSecret?: SecretKeyReference;
  /** @default 6379 */
  readonly port?: number;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}
