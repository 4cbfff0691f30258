/** Props of the apps upload (`PlatformProps.apps`). */
import type { SecretKeyReference } from '../../security/secret-reference';

/** The apps upload step ("Application Installation"). */
export interface AppsUploadProps {
  /** Run it. @default true */
  readonly enabled?: boolean;
  /** The download URL of the apps archive (it carries a token). @default { name: 'clearml-apps-archive', key: 'url' } */
  readonly archiveUrlSecret?: SecretKeyReference;
  /**
   * The SHA-256 of the apps archive (64 hex digits), checked before anything of it runs: its
   * `upload_apps.py` and `requirements.txt` run with the supervisor's credentials, so pin the archive you
   * were given. @default - not checked (the Job says so in its log)
   */
  readonly archiveSha256?: string;
  /**
   * Image with Python 3 that runs the archive's `upload_apps.py` (a `requirements.txt` beside it is
   * installed into the Job's scratch folder first). @default the pinned `python:3.12-slim`
   */
  readonly image?: string;
}
