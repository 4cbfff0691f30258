/** The ClearML server as a platform component: the `server` folder, after the shared Redis. */
import type { ComponentDescriptor, ComponentEndpoint } from '../component';
import type { ComponentPlatform } from '../component';
import { registryPasswordValue } from '../registry-credentials/registry-credentials';
import { ClearmlServer, ClearmlServerProps } from './clearml-server';
import { APISERVER_PORT } from './settings';
import { SERVER_FOLDER } from '../../core/folders';

/** The namespaces and ports the server reaches: the endpoints of the other components that admit it. */
export function serverUpstreams(endpoints: readonly ComponentEndpoint[]): ClearmlServerProps['upstreams'] {
  const byNamespace = new Map<string, number[]>();
  for (const e of endpoints) {
    if (!e.clients.includes('server')) continue;
    const ports = byNamespace.get(e.namespace) ?? [];
    if (!ports.includes(e.port)) ports.push(e.port);
    byNamespace.set(e.namespace, ports);
  }
  return [...byNamespace].map(([namespace, ports]) => ({ namespace, ports }));
}

/**
 * The TCP ports of the server's namespace that tenants may reach: the ports of the endpoints in `namespace`
 * whose clients include `tenants` (the apiserver; agents and tasks reach the fileserver and webserver
 * through their public URLs, i.e. the ingress controller). The tenant namespace's egress to the server
 * (lib/tenant/tenant-namespace.ts) and the server's `allow-clearml-ingress` both take these.
 */
export function serverTenantPorts(endpoints: readonly ComponentEndpoint[], namespace: string): number[] {
  const ports: number[] = [];
  for (const e of endpoints) if (e.namespace === namespace && e.clients.includes('tenants') && !ports.includes(e.port)) ports.push(e.port);
  return ports;
}

/**
 * The construct's props from the resolved platform and the enabled components' endpoints
 * (`componentEndpoints(platform)`); `after`: the releases installed first.
 */
export function clearmlServerProps(platform: ComponentPlatform, endpoints: readonly ComponentEndpoint[], after?: ClearmlServerProps['after']): ClearmlServerProps {
  return {
    server: platform.server,
    hosts: platform.hosts,
    upstreams: serverUpstreams(endpoints),
    ingressNamespace: platform.ingressNamespace,
    tenantPorts: serverTenantPorts(endpoints, platform.server.namespace),
    catalog: platform.catalog,
    network: platform.network,
    registryPassword: registryPasswordValue(platform),
    after,
  };
}

export const clearmlServerComponent: ComponentDescriptor = {
  name: 'clearml-server',
  folder: SERVER_FOLDER,
  roles: ['control-plane'],
  waitsFor: ['gpu'],
  after: ['shared-redis'],
  enabled: () => true,
  namespaces: (p) => [{ namespace: p.server.namespace, field: 'server.namespace' }],
  charts: (p) => [{ chart: p.server.chart, field: 'server.chart' }],
  endpoints: (p) => [{ name: 'apiserver', namespace: p.server.namespace, host: `clearml-enterprise-apiserver.${p.server.namespace}`, port: APISERVER_PORT, clients: ['ingress', 'tenants'] }],
  build: (chart, platform, { releases, endpoints }) => ({
    release: new ClearmlServer(chart, 'ClearmlServer', clearmlServerProps(platform, endpoints, [releases.get('shared-redis')!])).release.ref,
  }),
};
