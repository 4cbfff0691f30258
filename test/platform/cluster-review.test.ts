/**
 * Several clusters, the review's findings (README "Several clusters"): a tenant's namespace against the
 * reserved namespaces of every cluster where it gets one (the control plane keeps one for every tenant), a
 * worker's API server addresses and URL, the names of the Secrets the control plane mounts for the workers,
 * and every problem of the cluster props and of the clusters' flavors at once.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePlatform } from '../../lib/platform/platform';
import { ClusterProps, PlatformProps } from '../../lib/platform/platform-props';
import { renderOutput, synthesize } from '../../lib/synth';
import { platform as twoClusters } from '../../examples/two-clusters';
import { configProblems } from '../helpers';

const FILE = 'examples/review.ts (platform props)';
const HQ = twoClusters.clusters![0];
const EAST = twoClusters.clusters![1];
const WEST: ClusterProps = { name: 'gpu-west', role: 'worker', network: { clusterCidrs: ['10.30.0.0/16', '10.128.0.0/12'] }, apiServer: { url: 'https://203.0.113.30:6443' } };
/** The two-cluster example with its clusters changed (and more after them). */
const withClusters = (hq: Partial<ClusterProps>, east: Partial<ClusterProps>, more: ClusterProps[] = [], extra: Partial<PlatformProps> = {}): PlatformProps => ({
  ...twoClusters,
  ...extra,
  clusters: [{ ...HQ, ...hq }, { ...EAST, ...east }, ...more],
  ...(more.length > 0 ? { defaultWorkerCluster: 'gpu-east' } : {}),
});
const tenant = (name: string, startingPort: number, more: Record<string, unknown> = {}) =>
  ({ name, admin: { name: `${name} admin`, email: `admin@${name}.example` }, sessions: { startingPort, maxServices: 10 }, ...more }) as never;
const lines = (run: () => unknown) => configProblems(run).map((p) => `${p.file}: ${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
const platformLines = (platform: PlatformProps) => lines(() => resolvePlatform(platform, FILE));
/** The problems of the platform's clusters[1].apiServer set to `apiServer`. */
const apiServerLines = (apiServer: Record<string, unknown>) => platformLines(withClusters({}, { apiServer: apiServer as never }));

describe("a tenant's namespace in every cluster where it gets one", () => {
  test("the control plane's own DNS namespace: refused on the tenant file, naming the field and the cluster (every tenant has a namespace there)", () => {
    const platform = withClusters({ network: { ...HQ.network, dnsNamespace: 'coredns' } }, {});
    expect(lines(() => renderOutput({ platform, platformFile: FILE, tenants: [tenant('coredns', 30100), tenant('acme', 30200)] }))).toEqual([
      '(code) tenants[0]: namespace (defaults to name): "coredns": is a namespace of the platform (network.dnsNamespace); no tenant may use it (in cluster hq)',
    ]);
  });

  test("the control plane's own GitOps repository namespace, and a worker's: refused, each in its cluster", () => {
    const platform = withClusters({ gitops: { repository: { namespace: 'gitops' } } }, { gitops: { repository: { namespace: 'east-gitops' } } });
    expect(lines(() => renderOutput({ platform, platformFile: FILE, tenants: [tenant('gitops', 30100), tenant('east', 30200, { namespace: 'east-gitops' })] }))).toEqual([
      '(code) tenants[0]: namespace (defaults to name): "gitops": is the namespace of the GitOps controller (flux); no tenant may use it (in cluster hq)',
      '(code) tenants[1]: namespace: "east-gitops": is the namespace of the GitOps controller (flux); no tenant may use it (in cluster gpu-east)',
    ]);
  });

  test("a cluster with both roles: its own tenants fully, every other tenant (of another worker) by its namespace, each problem once", () => {
    const platform: PlatformProps = {
      ...twoClusters,
      clusters: [{ name: 'hq', role: 'both', network: { clusterCidrs: ['10.10.0.0/16', '10.96.0.0/12'], dnsNamespace: 'coredns' }, gitops: { repository: { namespace: 'gitops' } } }, { ...WEST }],
      defaultWorkerCluster: 'hq',
    };
    const tenants = [tenant('coredns', 30100, { clusters: ['gpu-west'] }), tenant('gitops', 30200), tenant('good', 30300, { clusters: ['gpu-west'] })];
    expect(lines(() => renderOutput({ platform, platformFile: FILE, tenants }))).toEqual([
      '(code) tenants[1]: namespace (defaults to name): "gitops": is the namespace of the GitOps controller (flux); no tenant may use it (in cluster hq)',
      '(code) tenants[0]: namespace (defaults to name): "coredns": is a namespace of the platform (network.dnsNamespace); no tenant may use it (in cluster hq)',
    ]);
  });

  test('the output is left as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-review-'));
    try {
      const platform = withClusters({ network: { ...HQ.network, dnsNamespace: 'coredns' } }, {});
      expect(configProblems(() => synthesize({ platform, platformFile: FILE, tenants: [tenant('coredns', 30100)] }, join(dir, 'out')))).toHaveLength(1);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a worker's API server addresses (the bootstrap Jobs' egress to it)", () => {
  test('prefixes shorter than /16 are refused, each naming its field', () => {
    expect(apiServerLines({ url: 'https://w.example:6443', cidrs: ['0.0.0.0/1', '128.0.0.0/1', '203.0.113.0/24'] })).toEqual([
      `${FILE}: clusters[1].apiServer.cidrs[0]: "0.0.0.0/1": must be a prefix of /16 or longer (e.g. "203.0.113.10/32"): these are the API server's addresses, the bootstrap Jobs' only egress to it, not a network's`,
      `${FILE}: clusters[1].apiServer.cidrs[1]: "128.0.0.0/1": must be a prefix of /16 or longer (e.g. "203.0.113.10/32"): these are the API server's addresses, the bootstrap Jobs' only egress to it, not a network's`,
    ]);
    expect(apiServerLines({ url: 'https://w.example:6443', cidrs: ['0.0.0.0/0'] })).toEqual([expect.stringMatching(/clusters\[1\]\.apiServer\.cidrs\[0\]: "0\.0\.0\.0\/0": must be a prefix of \/16 or longer/)]);
    expect(apiServerLines({ url: 'https://w.example:6443', cidrs: ['198.51.0.0/16'] })).toEqual([]);
  });

  test("ranges overlapping the control plane's own pod and service ranges are refused, given or from the url", () => {
    expect(apiServerLines({ url: 'https://w.example:6443', cidrs: ['203.0.113.20/32', '10.10.5.0/24'] })).toEqual([
      `${FILE}: clusters[1].apiServer.cidrs[1]: "10.10.5.0/24": is a range that overlaps 10.10.0.0/16, a pod or service range of the control plane (network.clusterCidrs of cluster hq, clusters[0]); the worker's API server must be reached at addresses outside the control plane's own`,
    ]);
    expect(apiServerLines({ url: 'https://10.96.0.1:6443' })).toEqual([
      `${FILE}: clusters[1].apiServer.url: "https://10.96.0.1:6443": names 10.96.0.1/32, which overlaps 10.96.0.0/12, a pod or service range of the control plane (network.clusterCidrs of cluster hq, clusters[0]); the worker's API server must be reached at addresses outside the control plane's own`,
    ]);
    // The worker's own ranges are another cluster's: its API server may lie there.
    expect(apiServerLines({ url: 'https://10.20.0.1:6443' })).toEqual([]);
  });

  test('an address from the url in a range never allowed as egress: a problem on the url, not a crash', () => {
    for (const ip of ['169.254.169.254', '127.0.0.1', '0.0.0.0']) {
      expect(apiServerLines({ url: `https://${ip}:443` })).toEqual([expect.stringMatching(new RegExp(`^${FILE.replace(/[().]/g, '\\$&')}: clusters\\[1\\]\\.apiServer\\.url: "https://${ip.replace(/\./g, '\\.')}:443": names the address ${ip.replace(/\./g, '\\.')}, .* must not lie inside`))]);
    }
  });
});

describe("a worker's API server URL", () => {
  test('a user name or password, a query or a fragment is refused (the URL is written into Git)', () => {
    expect(apiServerLines({ url: 'https://user:pw@203.0.113.20:6443' })).toEqual([expect.stringMatching(/clusters\[1\]\.apiServer\.url: "https:\/\/user:pw@203\.0\.113\.20:6443": must not have a user name or password: /)]);
    expect(apiServerLines({ url: 'https://203.0.113.20:6443/?token=x#a' })).toEqual([expect.stringMatching(/clusters\[1\]\.apiServer\.url: .*: must not have a query, a fragment: /)]);
    expect(apiServerLines({ url: 'https://@203.0.113.20:6443' })).toEqual([expect.stringMatching(/must not have a user name or password/)]);
  });

  test('a path is kept: the bootstrap appends the API paths to it (an API server behind a proxy)', () => {
    const p = resolvePlatform(withClusters({}, { apiServer: { url: 'https://proxy.example.com/k8s/clusters/c-1/', cidrs: ['203.0.113.20/32'] } }), FILE);
    expect(p.clusters[1].apiServer!.url).toBe('https://proxy.example.com/k8s/clusters/c-1');
  });

  test('two workers with one API server (lower-case host, port 443 by default, no trailing "/"): refused on the later', () => {
    const west = { ...WEST, apiServer: { url: 'https://GPU-East.K8s.example.com:443/', cidrs: ['203.0.113.20/32'] } };
    const one = (url: string) => withClusters({}, { apiServer: { ...EAST.apiServer!, url } }, [west]);
    expect(platformLines(one('https://gpu-east.k8s.example.com'))).toEqual([
      `${FILE}: clusters[2].apiServer.url: "https://GPU-East.K8s.example.com:443/": is the API server of clusters[1] too (https://gpu-east.k8s.example.com:443); each worker cluster has its own API server (the bootstrap would refuse a second target there)`,
    ]);
    expect(platformLines(one('https://gpu-east.k8s.example.com:6443'))).toEqual([]);
  });
});

describe("the workers' Secrets in the control plane's server namespace", () => {
  test('two clusters with the same tokenSecret or caSecret: refused on the later, naming the earlier', () => {
    const west = { ...WEST, apiServer: { ...WEST.apiServer!, tokenSecret: 'gpu-east-bootstrap-token', caSecret: 'gpu-east-ca' } };
    expect(platformLines(withClusters({}, {}, [west]))).toEqual([
      `${FILE}: clusters[2].apiServer.caSecret: "gpu-east-ca": is also clusters[1].apiServer.caSecret; each worker's token and CA Secrets (in the control plane's server namespace) need names of their own`,
      `${FILE}: clusters[2].apiServer.tokenSecret: "gpu-east-bootstrap-token": is also clusters[1].apiServer.tokenSecret; each worker's token and CA Secrets (in the control plane's server namespace) need names of their own`,
    ]);
    // One cluster's token name as another's CA name, and a default name given explicitly.
    const cross = { ...WEST, apiServer: { ...WEST.apiServer!, caSecret: 'gpu-east-bootstrap-token', tokenSecret: 'clearml-cluster-gpu-x-token' } };
    const x: ClusterProps = { name: 'gpu-x', role: 'worker', network: { clusterCidrs: ['10.40.0.0/16'] }, apiServer: { url: 'https://203.0.113.40:6443' } };
    expect(platformLines(withClusters({}, {}, [cross, x]))).toEqual([
      `${FILE}: clusters[2].apiServer.caSecret: "gpu-east-bootstrap-token": is also clusters[1].apiServer.tokenSecret; each worker's token and CA Secrets (in the control plane's server namespace) need names of their own`,
      `${FILE}: clusters[3].apiServer.tokenSecret: "clearml-cluster-gpu-x-token": is also clusters[2].apiServer.tokenSecret; each worker's token and CA Secrets (in the control plane's server namespace) need names of their own`,
    ]);
  });

  test("a tenant's token Secret name made twice (tokenSecret + \"-\" + tenant across clusters) or equal to a CA's: refused on the later tenant file, naming both", () => {
    const east = { apiServer: { ...EAST.apiServer!, tokenSecret: 'tok', caSecret: 'ca-east' } };
    const west = { ...WEST, apiServer: { ...WEST.apiServer!, tokenSecret: 'tok-x', caSecret: 'tok-beta' } };
    const platform = withClusters({}, east, [west]);
    const tenants = [tenant('x-acme', 30100), tenant('acme', 30200, { clusters: ['gpu-west'] }), tenant('beta', 30300)];
    expect(lines(() => renderOutput({ platform, platformFile: FILE, tenants }))).toEqual([
      `(code) tenants[2]: name: "beta": makes the Secret name "tok-beta" in the control plane's server namespace (cluster gpu-east's apiServer.tokenSecret "tok" + "-beta"), which is also the CA Secret of cluster gpu-west (clusters[2].apiServer.caSecret); one would be mounted for the other's API server: give the clusters apiServer.tokenSecret and caSecret names that no tenant's name can join`,
      `(code) tenants[1]: name: "acme": makes the Secret name "tok-x-acme" in the control plane's server namespace (cluster gpu-west's apiServer.tokenSecret "tok-x" + "-acme"), which is also the token Secret of tenant x-acme ((code) tenants[0]) for cluster gpu-east; one would be mounted for the other's API server: give the clusters apiServer.tokenSecret and caSecret names that no tenant's name can join`,
    ]);
    expect(() => renderOutput({ platform: withClusters({}, east, [{ ...west, apiServer: { ...west.apiServer, tokenSecret: 'tok-west', caSecret: 'ca-west' } }]), platformFile: FILE, tenants })).not.toThrow();
  });
});

describe('every problem of the cluster props at once', () => {
  test('a wrong role and two control planes: both reported', () => {
    const problems = platformLines({ ...twoClusters, clusters: [{ name: 'hq', role: 'control-plane' }, { name: 'hq2', role: 'both' }, { name: 'w3', role: 'gpu' as never }] });
    expect(problems).toEqual([
      `${FILE}: clusters[2].role: "gpu": must be one of "control-plane", "worker", "both"`,
      `${FILE}: clusters: ["hq: control-plane","hq2: both","w3: gpu"]: must have exactly one cluster with role "control-plane" or "both" (it has 2: hq, hq2)`,
    ]);
    // None known with a wrong role: it could have been the control plane, so only the role is reported.
    expect(platformLines({ ...twoClusters, clusters: [{ name: 'a', role: 'gpu' as never }] })).toEqual([`${FILE}: clusters[0].role: "gpu": must be one of "control-plane", "worker", "both"`]);
  });

  test('the defaultWorkerCluster message names each worker once', () => {
    const w = (url: string) => ({ name: 'a', role: 'worker' as const, apiServer: { url } });
    const problems = platformLines({ ...twoClusters, clusters: [{ name: 'hq', role: 'control-plane' }, w('https://203.0.113.1:6443'), w('https://203.0.113.2:6443')], defaultWorkerCluster: 'x' });
    expect(problems.filter((p) => p.includes(': defaultWorkerCluster: '))).toEqual([`${FILE}: defaultWorkerCluster: "x": must name a cluster with role "worker" or "both"; they are: a`]);
    const required = platformLines({ ...twoClusters, clusters: [{ name: 'hq', role: 'control-plane' }, w('https://203.0.113.1:6443'), w('https://203.0.113.2:6443')] });
    expect(required.filter((p) => p.includes(': defaultWorkerCluster: '))).toEqual([`${FILE}: defaultWorkerCluster: undefined: is required with several worker clusters (a): the cluster of tenants whose file has no clusters`]);
  });
});

describe("the clusters' flavors", () => {
  test('what the flavors of two clusters cannot render: every cluster at once', () => {
    const argocd = { gitops: { flavor: 'argocd' as const, repoURL: 'https://git.example.com/fleet.git' } };
    const platform = withClusters({}, argocd, [{ ...WEST, ...argocd }]);
    const problems = configProblems(() => renderOutput({ platform, platformFile: FILE, tenants: [tenant('acme', 30100), tenant('beta', 30200, { clusters: ['gpu-west'] })] }));
    expect([...new Set(problems.map((p) => `${p.file}: ${p.path}`))]).toEqual([`${FILE}: clusters[1].gitops`, `${FILE}: clusters[2].gitops`]);
  });

  test("a platform on k3s whose workers use flux: accepted with tenants (each worker's flavor is checked for its tenants)", () => {
    const platform: PlatformProps = { ...twoClusters, gitops: { flavor: 'k3s', path: './fleet' }, clusters: [{ ...HQ, gitops: 'flux' }, { ...EAST, gitops: 'flux' }] };
    const files = renderOutput({ platform, platformFile: FILE, tenants: [tenant('acme', 30100)] });
    expect([...files.keys()].some((p) => p.startsWith('clusters/gpu-east/tenants/acme/'))).toBe(true);
    // On one cluster, the platform's k3s is still refused for tenants.
    const single: PlatformProps = { ...twoClusters, gitops: { flavor: 'k3s', path: './fleet' }, clusters: undefined };
    expect(configProblems(() => renderOutput({ platform: single, platformFile: FILE, tenants: [tenant('acme', 30100)] })).map((p) => `${p.path}: ${p.value}`)).toEqual(['gitops: k3s']);
    // A worker on k3s with tenants is refused by the per-cluster check.
    const worker: PlatformProps = { ...platform, clusters: [{ ...HQ, gitops: 'flux' }, { ...EAST, gitops: 'k3s' }] };
    expect(configProblems(() => renderOutput({ platform: worker, platformFile: FILE, tenants: [tenant('acme', 30100)] })).map((p) => `${p.path}: ${p.value}`)).toEqual(['clusters (default): gpu-east']);
  });
});
