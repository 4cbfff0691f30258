/** The ClearML server as a platform component: the `server` folder, after the shared Redis. */
import type { ComponentDescriptor } from '../component';
import type { ResolvedPlatform } from '../../config/platform';
import { BILLING_PORTS } from '../billing/descriptor';
import { registryPasswordValue } from '../registry-credentials/registry-credentials';
import { ClearmlServer, ClearmlServerProps } from './clearml-server';
import { APISERVER_PORT, SERVER_FOLDER } from './settings';

/** The construct's props from the resolved platform (`after`: the releases installed first). */
export function clearmlServerProps(platform: ResolvedPlatform, after?: ClearmlServerProps['after']): ClearmlServerProps {
  return {
    server: platform.server,
    hosts: platform.hosts,
    upstreams: [
      { namespace: platform.redis.namespace, ports: [platform.redis.port] },
      ...(platform.billing.enabled ? [{ namespace: platform.billing.namespace, ports: [BILLING_PORTS.kafka, BILLING_PORTS.redis] }] : []),
    ],
    ingressNamespace: platform.ingressNamespace,
    catalog: platform.catalog,
    network: platform.network,
    registryPassword: registryPasswordValue(platform),
    after,
  };
}

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
    release: new ClearmlServer(chart, 'ClearmlServer', clearmlServerProps(platform, [releases.get('shared-redis')!])).release.ref,
  }),
};
