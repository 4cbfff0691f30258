/** The shared Redis as a platform component: the `server` folder, first of its releases. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../../core/folders';
import type { ComponentPlatform } from '../component';
import { SharedRedis, SharedRedisProps, sharedRedisHost } from './shared-redis';

/** The construct's props from the resolved platform. */
export function sharedRedisProps(platform: ComponentPlatform): SharedRedisProps {
  return { settings: platform.redis, serverNamespace: platform.server.namespace, catalog: platform.catalog, network: platform.network };
}

export const sharedRedisComponent: ComponentDescriptor = {
  name: 'shared-redis',
  folder: SERVER_FOLDER,
  // The server uses it in the control plane; the agents use the one of their own worker cluster.
  roles: ['control-plane', 'worker'],
  workerFolder: 'redis',
  waitsFor: ['gpu'],
  enabled: () => true,
  namespaces: (p) => [{ namespace: p.redis.namespace, field: 'redis.namespace' }],
  charts: (p) => [{ chart: p.redis.chart, field: 'redis.chart' }],
  endpoints: (p) => [{ name: 'redis', namespace: p.redis.namespace, host: sharedRedisHost(p), port: p.redis.port, clients: ['server', 'tenants'] }],
  build: (chart, platform) => ({ release: new SharedRedis(chart, 'SharedRedis', sharedRedisProps(platform)).release.ref }),
};
