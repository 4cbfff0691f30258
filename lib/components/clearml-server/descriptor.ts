/** The ClearML server as a platform component: the `server` folder, after the shared Redis. */
import type { ComponentDescriptor } from '../component';
import { ClearmlServer } from './clearml-server';

/** Port of the apiserver service (`internalApiUrl`). */
export const APISERVER_PORT = 8008;

/** In-cluster URL of the apiserver service in namespace `namespace`. */
export function internalApiUrl(namespace: string): string {
  return `http://clearml-enterprise-apiserver.${namespace}:${APISERVER_PORT}`;
}

export const clearmlServerComponent: ComponentDescriptor = {
  name: 'clearml-server',
  folder: 'server',
  waitsFor: ['gpu'],
  after: ['shared-redis'],
  enabled: () => true,
  namespaces: (p) => [{ namespace: p.server.namespace, field: 'server.namespace' }],
  charts: (p) => [{ chart: p.server.chart, field: 'server.chart' }],
  endpoints: (p) => [{ name: 'apiserver', namespace: p.server.namespace, host: `clearml-enterprise-apiserver.${p.server.namespace}`, port: APISERVER_PORT, clients: ['ingress', 'tenants'] }],
  build: (chart, platform, { releases }) => ({
    release: new ClearmlServer(chart, 'ClearmlServer', { platform, after: [releases.get('shared-redis')!] }).release.ref,
  }),
};
