/**
 * The MIG node setup as a platform component: a folder of its own after the GPU layer, since a node
 * waiting for a reboot fails its Job, which must not hold back the server.
 */
import type { ComponentDescriptor } from '../component';
import { MigNodeSetup } from './mig-node-setup';

export const migNodeSetupComponent: ComponentDescriptor = {
  name: 'mig-node-setup',
  folder: 'mig-setup',
  roles: ['worker'],
  waitsFor: ['gpu'],
  enabled: (p) => p.migSetup.enabled,
  namespaces: (p) => [{ namespace: p.migSetup.namespace, field: 'migSetup.namespace' }],
  charts: () => [],
  endpoints: () => [],
  build: (chart, platform) => {
    new MigNodeSetup(chart, 'MigNodeSetup', { ...platform.migSetup, kubernetesApiCidrs: platform.network.kubernetesApiCidrs, kubernetesApiPorts: platform.network.kubernetesApiPorts });
    return {};
  },
};
