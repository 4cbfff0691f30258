/** The tenant bootstrap program as a platform component: one ConfigMap in the server namespace, where the tenants' bootstrap Jobs run. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../../core/folders';
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
