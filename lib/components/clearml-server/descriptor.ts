/** The ClearML server as a platform component: the `server` folder, after the shared Redis. */
import type { ComponentDescriptor } from '../component';
import { ClearmlServer } from './clearml-server';
import { APISERVER_PORT, SERVER_FOLDER } from './settings';

export const clearmlServerComponent: ComponentDescriptor = {
  name: 'clearml-server',
  folder: SERVER_FOLDER,
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
