/** The billing chart as a platform component: the `server` folder, after the server's release. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../../core/folders';
import type { ComponentPlatform } from '../component';
import { BILLING_PORTS, Billing, BillingProps } from './billing';

/** The construct's props from the resolved platform (`after`: the server's release). */
export function billingProps(platform: ComponentPlatform, after?: BillingProps['after']): BillingProps {
  return { settings: platform.billing, serverNamespace: platform.server.namespace, catalog: platform.catalog, network: platform.network, after };
}

export const billingComponent: ComponentDescriptor = {
  name: 'billing',
  folder: SERVER_FOLDER,
  roles: ['control-plane'],
  waitsFor: ['gpu'],
  after: ['clearml-server'],
  enabled: (p) => p.billing.enabled,
  namespaces: (p) => [{ namespace: p.billing.namespace, field: 'billing.namespace' }],
  charts: (p) => (p.billing.chart ? [{ chart: p.billing.chart, field: 'billing.chart' }] : []),
  endpoints: (p) => [
    { name: 'kafka', namespace: p.billing.namespace, host: `${p.billing.releaseName}-kafka.${p.billing.namespace}`, port: BILLING_PORTS.kafka, clients: ['server'] },
    { name: 'redis', namespace: p.billing.namespace, host: `${p.billing.releaseName}-redis-master.${p.billing.namespace}`, port: BILLING_PORTS.redis, clients: ['server'] },
  ],
  build: (chart, platform, { releases }) => ({ release: new Billing(chart, 'Billing', billingProps(platform, releases.get('clearml-server'))).release.ref }),
};
