/** The tenant bootstrap program as a platform component: one ConfigMap in the server namespace, where the tenants' bootstrap Jobs run. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../clearml-server/settings';
import { BootstrapProgram } from './bootstrap-program';

export const bootstrapProgramComponent: ComponentDescriptor = {
  name: 'bootstrap-program',
  folder: SERVER_FOLDER,
  roles: ['control-plane'],
  waitsFor: ['gpu'],
  enabled: () => true,
  namespaces: (p) => [{ namespace: p.server.namespace, field: 'server.namespace' }],
  charts: () => [],
  endpoints: () => [],
  build: (chart, platform) => {
    new BootstrapProgram(chart, 'BootstrapProgram', { namespace: platform.server.namespace });
    return {};
  },
};
