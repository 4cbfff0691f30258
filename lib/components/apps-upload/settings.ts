/** Defaults and checks of `PlatformProps.apps`. */
import { Req, checkPinnedImage, checkSecretRef, definedOnly } from '../../config/checks';
import { Problems } from '../../core/problems';
import { AppsUploadProps } from './props';

/**
 * `python:3.12-slim` pinned by digest (a digest of the official image seen in public pinned
 * Dockerfiles), for the apps upload Job. Refresh it with `crane digest python:3.12-slim`, or set
 * `apps.image` to your registry mirror.
 */
export const DEFAULT_PYTHON_IMAGE = 'python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea';

export type ResolvedAppsUpload = Req<Omit<AppsUploadProps, 'archiveSha256'>> & { readonly archiveSha256?: string };

export function resolveAppsUpload(problems: Problems, input: AppsUploadProps | undefined): ResolvedAppsUpload {
  const apps: ResolvedAppsUpload = {
    enabled: true,
    archiveUrlSecret: { name: 'clearml-apps-archive', key: 'url' },
    image: DEFAULT_PYTHON_IMAGE,
    ...definedOnly(input),
  };
  checkSecretRef(problems, 'apps.archiveUrlSecret', apps.archiveUrlSecret);
  if (apps.enabled) checkPinnedImage(problems, 'apps.image', apps.image);
  if (apps.archiveSha256 !== undefined && (typeof apps.archiveSha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(apps.archiveSha256))) {
    problems.add('apps.archiveSha256', apps.archiveSha256, 'must be a SHA-256 digest: 64 hex digits (e.g. the output of sha256sum apps.zip)');
  }
  return apps;
}
