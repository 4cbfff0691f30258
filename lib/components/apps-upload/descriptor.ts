/** The apps upload as a platform component: a folder of its own, since it needs a running apiserver. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../clearml-server/settings';
import { AppsUpload } from './apps-upload';

export const appsUploadComponent: ComponentDescriptor = {
  name: 'apps-upload',
  folder: 'server-apps',
  waitsFor: [SERVER_FOLDER],
  enabled: (p) => p.apps.enabled,
  namespaces: (p) => [{ namespace: p.server.namespace, field: 'server.namespace' }],
  charts: () => [],
  endpoints: () => [],
  build: (chart, platform) => {
    new AppsUpload(chart, 'AppsUpload', { platform });
    return {};
  },
};
