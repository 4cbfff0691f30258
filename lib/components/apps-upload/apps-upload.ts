/**
 * The apps upload ("Application Installation") as a Job in the server namespace: downloads the apps
 * archive whose URL is in a Secret and runs its `upload_apps.py ... --dir apps -ml` against the
 * apiserver with the supervisor's credentials. The Job name carries a hash of script and inputs, so a
 * change runs it again and an unchanged one is not re-run.
 */
import { programText } from '../../programs/program-text';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type { ResolvedCredentialsSecret } from '../clearml-server/settings';
import type { ResolvedAppsUpload } from './settings';
import { requireSecret } from '../../security/secret-reference';
import { contentHash, hashedName, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../security/restricted-pod';

export interface AppsUploadProps {
  /** `apps` of the resolved platform. */
  readonly apps: ResolvedAppsUpload;
  /** The server namespace (the Job runs there). */
  readonly namespace: string;
  /** In-cluster URL of the apiserver. */
  readonly apiUrl: string;
  /** The supervisor's credentials Secret. */
  readonly supervisor: ResolvedCredentialsSecret;
  /** Retries of the Job. @default 6 */
  readonly backoffLimit?: number;
  /** Deadline of the Job. @default 3600 */
  readonly activeDeadlineSeconds?: number;
}

/** The Python program the Job runs (lib/programs/apps/upload-apps.py, through the one program loader). */
export function uploadAppsScript(): string {
  return programText('upload-apps');
}

export class AppsUpload extends Construct {
  public readonly jobName: string;

  constructor(scope: Construct, id: string, props: AppsUploadProps) {
    super(scope, id);
    const ns = props.namespace;
    const apps = props.apps;
    const supervisor = props.supervisor;
    const apiUrl = props.apiUrl;
    const script = uploadAppsScript();
    const hash = contentHash([script, apps.image, apiUrl, JSON.stringify(apps.archiveUrlSecret), JSON.stringify(supervisor)]);
    const name = hashedName('clearml-apps-upload', hash);
    this.jobName = name;
    requireSecret(this, { namespace: ns, name: apps.archiveUrlSecret.name, keys: [apps.archiveUrlSecret.key], purpose: 'Download URL of the ClearML enterprise applications archive' });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: 'clearml-apps-upload', namespace: ns },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name, namespace: ns },
      immutable: true,
      data: { 'upload-apps.py': script },
    });
    new k8s.KubeJob(this, 'Resource', {
      metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/name': 'clearml-apps-upload', 'app.kubernetes.io/part-of': 'clearml-tenancy' } },
      spec: {
        backoffLimit: props.backoffLimit ?? 6,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 3600,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'clearml-apps-upload' } },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: 'clearml-apps-upload',
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'upload',
                image: apps.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['python', '/script/upload-apps.py'],
                env: [
                  { name: 'APISERVER_ADDRESS', value: apiUrl },
                  { name: 'APISERVER_USER', valueFrom: { secretKeyRef: { name: supervisor.name, key: supervisor.accessKeyKey } } },
                  { name: 'APISERVER_PASSWORD', valueFrom: { secretKeyRef: { name: supervisor.name, key: supervisor.secretKeyKey } } },
                  { name: 'APPS_ARCHIVE_URL', valueFrom: { secretKeyRef: { name: apps.archiveUrlSecret.name, key: apps.archiveUrlSecret.key } } },
                  ...(apps.archiveSha256 !== undefined ? [{ name: 'APPS_ARCHIVE_SHA256', value: apps.archiveSha256.toLowerCase() }] : []),
                  { name: 'HOME', value: '/tmp' },
                  { name: 'TMPDIR', value: '/tmp' },
                ],
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '1Gi' }),
                volumeMounts: [
                  { name: 'script', mountPath: '/script', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'script', configMap: { name } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
            ],
          },
        },
      },
    });
  }
}
