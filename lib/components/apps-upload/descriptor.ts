/** The apps upload as a platform component: a folder of its own, since it needs a running apiserver. */
import type { ComponentDescriptor } from '../component';
import { SERVER_FOLDER } from '../../core/folders';
import type { ComponentPlatform } from '../component';
import { AppsUpload, AppsUploadProps } from './apps-upload';

/** The construct's props from the resolved platform. */
export function appsUploadProps(platform: ComponentPlatform): AppsUploadProps {
  return { apps: platform.apps, namespace: platform.server.namespace, apiUrl: platform.internalApiUrl, supervisor: platform.server.supervisor.credentialsSecret };
}

export const appsUploadComponent: ComponentDescriptor = {
  name: 'apps-upload',
  folder: 'server-apps',
  roles: ['control-plane'],
  waitsFor: [SERVER_FOLDER],
  enabled: (p) => p.apps.enabled,
  namespaces: (p) => [{ namespace: p.server.namespace, field: 'server.namespace' }],
  charts: () => [],
  endpoints: () => [],
  build: (chart, platform) => {
    new AppsUpload(chart, 'AppsUpload', appsUploadProps(platform));
    return {};
  },
};
