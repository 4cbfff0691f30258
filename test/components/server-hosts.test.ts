import { platformPropsProblems } from '../helpers';
import { parseAllDocuments } from 'yaml';
import { PlatformProps } from '../../lib/platform/platform-props';
import { renderOutput } from '../../lib/synth';
import { platform as repositoryPlatform } from '../../main';

const TENANT = { name: 'acme', admin: { name: 'Acme Admin', email: 'admin@acme.com' }, sessions: { startingPort: 31010 } };

function withHosts(hosts: PlatformProps['server']['hosts']): PlatformProps {
  return { ...repositoryPlatform, server: { ...repositoryPlatform.server, hosts } };
}

/** The HelmRelease of a rendered file. */
function release(files: Map<string, string>, path: string): any {
  return parseAllDocuments(files.get(path) as string)
    .map((d) => d.toJS())
    .find((o) => o?.kind === 'HelmRelease');
}


describe('server hosts', () => {
  test.each([
    ['file.', undefined, { api: 'api.clearml.example.com', app: 'app.clearml.example.com', file: 'file.clearml.example.com' }, ['files.clearml.example.com']],
    ['files.', { file: 'files.clearml.example.com' }, { api: 'api.clearml.example.com', app: 'app.clearml.example.com', file: 'files.clearml.example.com' }, ['file.clearml.example.com']],
    [
      'custom',
      { api: 'clearml-api.example.org', app: 'clearml.example.org', file: 'clearml-files.example.org' },
      { api: 'clearml-api.example.org', app: 'clearml.example.org', file: 'clearml-files.example.org' },
      ['file.clearml.example.com', 'app.clearml.example.com'],
    ],
  ])('the %s layout: the ingresses and the agent URLs all read the one setting', (_layout, hosts, expected, absent) => {
    const files = renderOutput({ platform: withHosts(hosts), tenants: [TENANT] });
    const server = release(files, 'server/clearml-server.yaml').spec.values;
    expect([server.apiserver.ingress.hostName, server.webserver.ingress.hostName, server.fileserver.ingress.hostName]).toEqual([expected.api, expected.app, expected.file]);
    const glue = release(files, 'tenants/acme/workloads/agent.yaml').spec.values.agentk8sglue;
    expect([glue.apiServerUrlReference, glue.webServerUrlReference, glue.fileServerUrlReference]).toEqual([`https://${expected.api}`, `https://${expected.app}`, `https://${expected.file}`]);
    // The hosts of other layouts appear nowhere in the output.
    const all = [...files.values()].join('\n');
    for (const host of absent) expect(all).not.toMatch(new RegExp(`(^|[^-a-z0-9.])${host.replace(/\./g, '\\.')}`, 'm'));
  });

  test('a tenant router may not take a server host of the chosen layout', () => {
    expect(() => renderOutput({ platform: withHosts({ file: 'files.clearml.example.com' }), tenants: [{ ...TENANT, router: { hostName: 'files.clearml.example.com' } }] })).toThrow(
      /router\.hostName: "files\.clearml\.example\.com"/,
    );
  });

  test('fails when a host is not a DNS name or two hosts are the same', () => {
    expect(platformPropsProblems(withHosts({ api: 'API server', file: 'app.clearml.example.com' }))).toEqual([
      expect.stringMatching(/^server\.hosts\.api: "API server": must be a lower-case DNS name/),
      expect.stringMatching(/^server\.hosts\.file: "app\.clearml\.example\.com": is also server\.hosts\.app; the apiserver, webserver and file server need a host each$/),
    ]);
  });
});
