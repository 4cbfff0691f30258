import { AppsUpload } from '../../lib/components/apps-upload/apps-upload';
import { appsUploadProps } from '../../lib/components/apps-upload/descriptor';
import { configProblems, envEntry, only, platformWith, synthOf } from '../helpers';

describe('AppsUpload', () => {
  test('snapshot', () => {
    expect(synthOf((s) => new AppsUpload(s, 'apps', appsUploadProps(platformWith())))).toMatchSnapshot();
  });

  test('runs upload_apps.py -ml with credentials and archive URL from Secrets, restricted', () => {
    const objects = synthOf((s) => new AppsUpload(s, 'apps', appsUploadProps(platformWith())));
    const job = only(objects, 'Job');
    const pod = job.spec.template.spec;
    const container = pod.containers[0];
    expect(job.metadata.name).toMatch(/^clearml-apps-upload-[0-9a-f]{10}$/);
    expect(envEntry(container.env, 'APISERVER_ADDRESS').value).toBe('http://clearml-enterprise-apiserver.clearml:8008');
    expect(envEntry(container.env, 'APISERVER_USER').valueFrom.secretKeyRef).toEqual({ name: 'clearml-supervisor-credentials', key: 'access_key' });
    expect(envEntry(container.env, 'APISERVER_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'clearml-supervisor-credentials', key: 'secret_key' });
    expect(envEntry(container.env, 'APPS_ARCHIVE_URL').valueFrom.secretKeyRef).toEqual({ name: 'clearml-apps-archive', key: 'url' });
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    const script = only(objects, 'ConfigMap').data['upload-apps.py'];
    expect(script).toMatch(/"--dir", os\.path\.join\(base, "apps"\), "-ml"/);
  });

  test('apps.archiveSha256 goes to the Job (lower case); unset, no variable; a bad digest is a problem naming the field', () => {
    const env = (apps?: object) => only(synthOf((s) => new AppsUpload(s, 'apps', appsUploadProps(platformWith(apps ? { apps } : {})))), 'Job').spec.template.spec.containers[0].env;
    expect(envEntry(env({ archiveSha256: 'AB'.repeat(32) }), 'APPS_ARCHIVE_SHA256').value).toBe('ab'.repeat(32));
    expect(env().some((e: any) => e.name === 'APPS_ARCHIVE_SHA256')).toBe(false);
    expect(configProblems(() => platformWith({ apps: { archiveSha256: 'abc' } })).map((p) => `${p.path}: ${p.message}`)).toEqual(['apps.archiveSha256: must be a SHA-256 digest: 64 hex digits (e.g. the output of sha256sum apps.zip)']);
  });

  test('the Job name changes with its inputs and only then', () => {
    const name = (image?: string) => only(synthOf((s) => new AppsUpload(s, 'apps', appsUploadProps(platformWith(image ? { apps: { image } } : {})))), 'Job').metadata.name;
    expect(name()).toBe(name());
    expect(name(`python:3.13-slim@sha256:${'a'.repeat(64)}`)).not.toBe(name());
  });
});
