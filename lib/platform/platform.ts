/**
 * Platform props with their defaults applied and checked: {@link resolvePlatform}.
 *
 * The defaults are the runbook's values and are all in this file, before the user's props.
 */
import { DEFAULT_ROUTER_KIND, ROUTER_KIND_NAMES, isRouterKindName } from '../config/router-kinds';
import { BOOTSTRAP_JOB_DEFAULTS } from '../programs/bootstrap/job-defaults';
import { neverEgressProblem } from '../security/never-egress';
import { ChartCatalog, ChartCatalogProps, FloatingVersion } from '../gitops/chart-catalog';
import { ChartProps, ChartSourceProps, GitSourceProps } from '../flavors/chart-source';
import { isExactVersion } from '../core/names';
import { DEFAULT_FLAVOR, GITOPS_FLAVORS, GitOpsFlavorName, gitopsFlavor, isGitOpsFlavorName } from '../flavors/index';
import { DEFAULT_GITOPS_SETTINGS, GitOpsSettings } from '../flavors/flavor';
import { DEFAULT_NETWORK } from '../core/network-defaults';
import { SecretKeyReference } from '../security/secret-reference';
import { Req, isRepositoryPath, checkDnsLabel, checkDnsName, checkFeatures, checkHttpUrl, checkImageReference, checkImageTag, checkNonEmptyString, checkPinnedImage, checkPositiveInteger, checkSecretRef, definedOnly } from '../config/checks';
import { GPU_MODELS, isGpuModel } from '../config/gpu-models';
import { DEFAULT_GPU_MODEL, DEFAULT_TASK_IMAGE, ALL_MIG_PROFILES } from '../config/mig-profiles';
import { DEFAULT_CHART_VERSIONS } from '../config/chart-versions';
import { AppGatewayDefaultsProps, BootstrapJobProps, GitOpsProps, NetworkProps, PlatformProps, TenancyLimitsProps, TenancyProps, TenantReleaseDefaultsProps } from './platform-props';
import { isQuantity } from '../core/quantity';
import { ConfigError, Problems } from '../core/problems';
import { ResolvedCluster } from './clusters';
import { checkPlatformKeys } from './platform-keys';
import { checkApiServersOutsideControlPlane, checkClusterGitOpsPath, clusterPlatformProps, clusterProblems, clusterSetsField, clusterRenderProblems, resolveClusters } from './cluster-settings';
import { ProfileName, applyProfile } from './profiles/profile';
import { ResolvedSecrets, resolveSecrets } from '../secrets/secrets-settings';
import { ComponentChart, ComponentSettings } from '../components/component';
import { componentCharts, componentNamespaces } from '../components/derived';
import { ResolvedAppsUpload, resolveAppsUpload } from '../components/apps-upload/settings';
import { ResolvedBilling, resolveBilling } from '../components/billing/settings';
import { ResolvedServer, ResolvedServerHosts, internalApiUrl, resolveServer, resolveServerHosts } from '../components/clearml-server/settings';

import { ResolvedDynamicMigOperator, resolveDynamicMigOperator } from '../components/dynamic-mig-operator/settings';
import { ResolvedGpuOperator, resolveGpuOperator } from '../components/gpu-operator/settings';
import { ResolvedMigSetup, checkMigSetupNamespace, resolveMigSetup } from '../components/mig-node-setup/settings';
import { migNodeSetupComponent } from '../components/mig-node-setup/descriptor';
import { ResolvedSharedRedis, resolveSharedRedis } from '../components/shared-redis/settings';


/**
 * The runbook's chart repositories, except Bitnami: `charts.bitnami.com` no longer lists old versions
 * such as redis 17.8.3, so `bitnami` is Bitnami's OCI registry.
 */
export const DEFAULT_SOURCES: Readonly<Record<string, ChartSourceProps>> = {
  'clearml-enterprise': {
    type: 'helm',
    url: 'https://raw.githubusercontent.com/allegroai/clearml-enterprise-helm-charts/gh-pages',
    secretName: 'clearml-enterprise-helm-repo',
  },
  'nvidia': { type: 'helm', url: 'https://nvidia.github.io/gpu-operator' },
  'bitnami': { type: 'oci', url: 'oci://registry-1.docker.io/bitnamicharts' },
};


/** GitOps settings with defaults applied (lib/flavors/flavor.ts). */
export interface ResolvedGitOps extends GitOpsSettings {
  readonly flavor: GitOpsFlavorName;
}

/** The platform with every default applied. */
export interface ResolvedPlatform {
  /** The install profile whose defaults were applied under the props (lib/platform/profiles). */
  readonly profile: ProfileName;
  readonly baseDomain: string;
  /** The flavor (same as `gitopsSettings.flavor`). */
  readonly gitops: GitOpsFlavorName;
  readonly gitopsSettings: ResolvedGitOps;
  /** How the Secrets of the inventory are provisioned. */
  readonly secrets: ResolvedSecrets;
  readonly sourceNamespace: string;
  readonly sources: Readonly<Record<string, ChartSourceProps>>;
  readonly registryPasswordSecret: SecretKeyReference;
  readonly ingressNamespace: string;
  readonly network: Req<NetworkProps>;
  readonly gpuOperator: ResolvedGpuOperator;
  readonly dynamicMigOperator: ResolvedDynamicMigOperator;
  readonly server: ResolvedServer;
  readonly redis: ResolvedSharedRedis;
  readonly billing: ResolvedBilling;
  readonly apps: ResolvedAppsUpload;
  readonly tenantReleases: Req<Omit<TenantReleaseDefaultsProps, 'appGateway'>> & { readonly appGateway: Req<AppGatewayDefaultsProps> };
  readonly bootstrap: Req<BootstrapJobProps>;
  readonly migSetup: ResolvedMigSetup;
  /** Which namespaces tenants may have, and what a tenant file may grant itself. */
  readonly tenancy: Req<Omit<TenancyProps, 'limits'>> & { readonly limits: ResolvedTenancyLimits };
  /** Public URLs. */
  readonly urls: { readonly api: string; readonly file: string; readonly web: string };
  /** Ingress host names. */
  readonly hosts: ResolvedServerHosts;
  /** In-cluster URL of the apiserver service (for Jobs and routers). */
  readonly internalApiUrl: string;
  /** Sources and flavor, for the releases. */
  readonly catalog: ChartCatalog;
  /** Every chart installed, in a stable order (for the source objects): the enabled components' (lib/components/), then the tenants'. */
  readonly charts: readonly ChartProps[];
  /** Charts whose version floats by opt-in (`allowFloatingVersion`), for the synth summary. */
  readonly floatingVersions: readonly FloatingVersion[];
  /**
   * The clusters (README "Several clusters"): without `clusters` in the props, one implicit cluster
   * `default` with both roles (folder '').
   */
  readonly clusters: readonly ResolvedCluster[];
  /** The worker cluster of tenants whose file has no `clusters`. */
  readonly defaultWorkerCluster: string;
  /**
   * With `clusters` in the props: each cluster with its own resolved platform (its network, MIG nodes and
   * GitOps settings over the platform's; `cluster` set). Empty for one cluster.
   */
  readonly clusterPlatforms: readonly ClusterPlatform[];
  /** The cluster this platform is resolved for (a platform of {@link clusterPlatforms}). @default - the whole platform */
  readonly cluster?: ResolvedCluster;
}

/** One cluster of a platform with several, and the platform as that cluster has it. */
export interface ClusterPlatform {
  readonly cluster: ResolvedCluster;
  readonly platform: ResolvedPlatform;
}

/**
 * Applies the defaults to `props` and checks the result. Throws one `ConfigError` listing every
 * problem; field paths are those of `PlatformProps` (e.g. `server.groups[0].id`).
 */
export function resolvePlatform(props: PlatformProps, file = 'main.ts (platform props)'): ResolvedPlatform {
  const problems = new Problems(file);
  // Every key the props set must be a field of PlatformProps (a misspelled one would be dropped silently).
  checkPlatformKeys(props, problems);
  // The profile's defaults sit under the user's props (lib/platform/profiles/profile.ts).
  const { props: profiled, profile } = applyProfile(props, problems);
  const p = (profiled ?? {}) as Partial<PlatformProps>;

  const baseDomain = p.baseDomain as string;
  checkDnsName(problems, 'baseDomain', baseDomain);
  const gitopsSettings = resolveGitOps(problems, p.gitops, p.fluxLockdown);
  const gitops = gitopsSettings.flavor;
  const secrets = resolveSecrets(problems, p.secrets, gitopsFlavor(gitops));
  const sourceNamespace = p.sourceNamespace ?? 'flux-system';
  checkDnsLabel(problems, 'sourceNamespace', sourceNamespace);
  const ingressNamespace = p.ingressNamespace ?? 'ingress-nginx';
  checkDnsLabel(problems, 'ingressNamespace', ingressNamespace);
  const network: Req<NetworkProps> = { ...DEFAULT_NETWORK, ...definedOnly(p.network) };
  const ports = network.nodePortRange;
  if (!ports || !Number.isInteger(ports.min) || !Number.isInteger(ports.max) || ports.min < 1 || ports.max > 65535 || ports.min > ports.max) {
    problems.add('network.nodePortRange', ports, 'must be { min, max } with whole port numbers, 1 <= min <= max <= 65535');
  }
  checkDnsLabel(problems, 'network.dnsNamespace', network.dnsNamespace);
  network.clusterCidrs.forEach((c, i) => checkCidr(problems, `network.clusterCidrs[${i}]`, c));
  network.kubernetesApiCidrs.forEach((c, i) => checkCidr(problems, `network.kubernetesApiCidrs[${i}]`, c));
  network.kubernetesApiCidrs.forEach((c, i) => {
    const why = typeof c === 'string' ? neverEgressProblem(c) : undefined;
    if (why) problems.add(`network.kubernetesApiCidrs[${i}]`, c, why);
  });
  network.kubernetesApiPorts.forEach((port, i) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.add(`network.kubernetesApiPorts[${i}]`, port, 'must be a port number from 1 to 65535');
  });
  const sources = { ...DEFAULT_SOURCES, ...(p.sources ?? {}) };
  for (const [name, source] of Object.entries(sources)) checkSource(problems, `sources.${name}`, source);
  const registryPasswordSecret = p.registryPasswordSecret ?? { name: 'clearml-registry', key: 'password' };
  checkSecretRef(problems, 'registryPasswordSecret', registryPasswordSecret);

  // The components' settings, each resolved and checked in its folder (lib/components/<component>/settings.ts).
  const gpuOperator = resolveGpuOperator(problems, p.gpuOperator);
  const dynamicMigOperator = resolveDynamicMigOperator(problems, p.dynamicMigOperator);
  const resolvedServer = resolveServer(problems, p.server, baseDomain);
  const redis = resolveSharedRedis(problems, p.redis);
  const billing = resolveBilling(problems, p.billing, sources);
  const apps = resolveAppsUpload(problems, p.apps);
  const migSetup = resolveMigSetup(problems, p.migSetup);
  const components: ComponentSettings = { gpuOperator, dynamicMigOperator, migSetup, server: resolvedServer, redis, billing, apps };
  // Privileged: no other namespace of the platform (every component's but its own, from the registry).
  checkMigSetupNamespace(problems, migSetup.namespace, [sourceNamespace, ingressNamespace, ...componentNamespaces(components, [migNodeSetupComponent.name]).map((n) => n.namespace)]);

  const tenantReleasesIn = definedOnly(p.tenantReleases);
  const tenantReleases: ResolvedPlatform['tenantReleases'] = {
    routerKind: DEFAULT_ROUTER_KIND,
    agentChart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: DEFAULT_CHART_VERSIONS.agent },
    routerChart: { source: 'clearml-enterprise', chart: 'clearml-task-traffic-router', version: DEFAULT_CHART_VERSIONS.router },
    routerEnabled: true,
    agentImageTag: '1.24-1.8.1rc99-159',
    defaultGpuModel: DEFAULT_GPU_MODEL,
    defaultContainerImage: DEFAULT_TASK_IMAGE,
    agentRedisDb: 0,
    ...tenantReleasesIn,
    appGateway: { authCookieName: 'clearml_token_basic', streamServiceType: 'NodePort', ...definedOnly(tenantReleasesIn.appGateway) },
  };
  checkAppGatewaySettings(problems, tenantReleases);
  if (!isGpuModel(tenantReleases.defaultGpuModel)) problems.add('tenantReleases.defaultGpuModel', tenantReleases.defaultGpuModel, `must be one of: ${GPU_MODELS.join(', ')}`);
  checkImageTag(problems, 'tenantReleases.agentImageTag', tenantReleases.agentImageTag);
  checkImageReference(problems, 'tenantReleases.defaultContainerImage', tenantReleases.defaultContainerImage);
  if (!Number.isInteger(tenantReleases.agentRedisDb) || tenantReleases.agentRedisDb < 0) problems.add('tenantReleases.agentRedisDb', tenantReleases.agentRedisDb, 'must be a Redis database number, 0 or more');

  const bootstrap: Req<BootstrapJobProps> = {
    image: BOOTSTRAP_JOB_DEFAULTS.image,
    deadlineSeconds: BOOTSTRAP_JOB_DEFAULTS.deadlineSeconds,
    backoffLimit: BOOTSTRAP_JOB_DEFAULTS.backoffLimit,
    activeDeadlineSeconds: BOOTSTRAP_JOB_DEFAULTS.activeDeadlineSeconds,
    adminInternal: false,
    ...definedOnly(p.bootstrap),
  };
  if (typeof bootstrap.adminInternal !== 'boolean') problems.add('bootstrap.adminInternal', bootstrap.adminInternal, 'must be true or false');
  if (!['global', 'per_tenant'].includes(resolvedServer.applicationsQueueMode)) {
    problems.add('server.applicationsQueueMode', resolvedServer.applicationsQueueMode, 'must be "global" or "per_tenant"');
  } else if (resolvedServer.applicationsQueueMode === 'per_tenant' && bootstrap.adminInternal !== true) {
    problems.add('server.applicationsQueueMode', resolvedServer.applicationsQueueMode, 'needs bootstrap.adminInternal: true: per-tenant applications run on agents with the credentials of an internal admin user (the "current" profile sets it)');
  }
  checkPinnedImage(problems, 'bootstrap.image', bootstrap.image);
  checkPositiveInteger(problems, 'bootstrap.deadlineSeconds', bootstrap.deadlineSeconds);
  if (!Number.isInteger(bootstrap.backoffLimit) || bootstrap.backoffLimit < 0) problems.add('bootstrap.backoffLimit', bootstrap.backoffLimit, 'must be a whole number, 0 or more');
  if (!Number.isInteger(bootstrap.activeDeadlineSeconds) || bootstrap.activeDeadlineSeconds < bootstrap.deadlineSeconds + 60) {
    problems.add('bootstrap.activeDeadlineSeconds', bootstrap.activeDeadlineSeconds, `must be a whole number of seconds, at least bootstrap.deadlineSeconds + 60 (${bootstrap.deadlineSeconds + 60})`);
  }

  // Every chart of an enabled component (from its descriptor), then the tenants': each gets its source object.
  const charts: ComponentChart[] = [...componentCharts(components), ...tenantReleaseCharts(tenantReleases)];
  const versions = new Map<string, string>();
  const floatingVersions: FloatingVersion[] = [];
  for (const { field: path, chart } of charts) {
    if (!sources[chart.source]) problems.add(`${path}.source`, chart.source, `is not a chart source; known: ${Object.keys(sources).sort().join(', ')}`);
    checkNonEmptyString(problems, `${path}.chart`, chart.chart);
    if (checkNonEmptyString(problems, `${path}.version`, chart.version)) checkChartVersion(problems, path, chart, floatingVersions);
    const id = `${chart.source}/${chart.chart}`;
    if (versions.has(id) && versions.get(id) !== chart.version) problems.add(`${path}.version`, chart.version, `differs from the version ${versions.get(id)} of the same chart elsewhere; use one version per chart`);
    versions.set(id, chart.version);
  }

  const tenancy: ResolvedPlatform['tenancy'] = { namespacePrefix: '', reservedNamespaces: [], reservedCompanyNames: [], maxSessionPorts: 100, maxStreamPorts: 100, ...definedOnly(p.tenancy), limits: resolveTenancyLimits(problems, p.tenancy?.limits) };
  if (typeof tenancy.namespacePrefix !== 'string' || !/^([a-z0-9][-a-z0-9]{0,29})?$/.test(tenancy.namespacePrefix)) {
    problems.add('tenancy.namespacePrefix', tenancy.namespacePrefix, 'must be empty or lower-case letters, digits and "-", starting with a letter or digit, at most 30 characters, such as "tenant-"');
  } else if (tenancy.namespacePrefix.startsWith('kube-')) {
    problems.add('tenancy.namespacePrefix', tenancy.namespacePrefix, 'must not start with "kube-" (reserved for Kubernetes)');
  }
  if (!Array.isArray(tenancy.reservedNamespaces)) problems.add('tenancy.reservedNamespaces', tenancy.reservedNamespaces, 'must be a list of namespace names');
  else tenancy.reservedNamespaces.forEach((ns, i) => checkDnsLabel(problems, `tenancy.reservedNamespaces[${i}]`, ns));
  if (!Array.isArray(tenancy.reservedCompanyNames) || !tenancy.reservedCompanyNames.every((n) => typeof n === 'string' && n !== '')) problems.add('tenancy.reservedCompanyNames', tenancy.reservedCompanyNames, 'must be a list of company names');
  for (const key of ['maxSessionPorts', 'maxStreamPorts'] as const) {
    if (!Number.isInteger(tenancy[key]) || tenancy[key] < 1) problems.add(`tenancy.${key}`, tenancy[key], 'must be a whole number of at least 1');
  }

  const hosts = resolveServerHosts(problems, p.server?.hosts, baseDomain);
  const clusterSet = resolveClusters(problems, p);
  // Each cluster's own settings over the platform's, resolved like the platform's; its problems named
  // under clusters[<i>] (those the platform's own resolution reports already are left out, unless the
  // cluster sets that field itself).
  const perCluster: Array<{ cluster: ResolvedCluster; platform?: ResolvedPlatform }> = [];
  if (clusterSet.multi) {
    if (Array.isArray(p.clusters)) p.clusters.forEach((c, i) => checkClusterGitOpsPath(problems, i, c, gitopsSettings.path));
    const reported = new Set(problems.all.map((x) => `${x.path}\0${JSON.stringify(x.value)}`));
    for (const cluster of clusterSet.clusters) {
      const own = (p.clusters ?? [])[cluster.index];
      try {
        const resolved = resolvePlatform(clusterPlatformProps(props, own, gitopsSettings.path), file);
        // What this cluster's flavor cannot render is named on this cluster's gitops.
        const catalog = new ChartCatalog({ ...catalogProps(resolved), problems: clusterRenderProblems(file, cluster.index) });
        perCluster.push({ cluster: { ...cluster, kubernetesApiCidrs: resolved.network.kubernetesApiCidrs }, platform: { ...resolved, catalog } });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.addAll(clusterProblems(e.problems.filter((x) => !reported.has(`${x.path}\0${JSON.stringify(x.value)}`) || clusterSetsField(own, x.path)), cluster.index, own));
      }
    }
    // The workers' API servers outside the control plane's own pod and service ranges (as that cluster resolves them).
    const controlPlane = perCluster.find((c) => c.cluster.controlPlane);
    if (controlPlane !== undefined && Array.isArray(p.clusters)) {
      checkApiServersOutsideControlPlane(problems, clusterSet.clusters, p.clusters, { name: controlPlane.cluster.name, index: controlPlane.cluster.index, clusterCidrs: controlPlane.platform!.network.clusterCidrs });
    }
  }
  problems.throwIfAny();
  // Each cluster with its own API ranges, and each cluster's platform knowing all of them (the bootstrap's targets).
  const clusters = perCluster.length > 0 ? perCluster.map((c) => c.cluster) : clusterSet.clusters;
  const clusterPlatforms = perCluster.map((c) => ({ cluster: c.cluster, platform: { ...c.platform!, clusters, defaultWorkerCluster: clusterSet.defaultWorkerCluster, cluster: c.cluster } }));
  return {
    clusters,
    defaultWorkerCluster: clusterSet.defaultWorkerCluster,
    clusterPlatforms,
    profile,
    baseDomain,
    gitops,
    gitopsSettings,
    secrets,
    sourceNamespace,
    sources,
    registryPasswordSecret,
    ingressNamespace,
    network,
    gpuOperator,
    dynamicMigOperator,
    server: resolvedServer,
    redis,
    billing,
    apps,
    tenantReleases,
    bootstrap,
    migSetup,
    tenancy,
    hosts,
    urls: { api: `https://${hosts.api}`, file: `https://${hosts.file}`, web: `https://${hosts.app}` },
    internalApiUrl: internalApiUrl(resolvedServer.namespace),
    catalog: new ChartCatalog({ ...catalogProps({ gitops, sourceNamespace, sources, gitopsSettings, network }), problems: new Problems(file) }),
    charts: charts.map((c) => c.chart),
    floatingVersions,
  };
}

/** What the chart catalog of a resolved platform is made of (its problems list aside). */
function catalogProps(p: Pick<ResolvedPlatform, 'gitops' | 'sourceNamespace' | 'sources' | 'gitopsSettings' | 'network'>): Omit<ChartCatalogProps, 'problems'> {
  return { flavor: p.gitops, sourceNamespace: p.sourceNamespace, sources: p.sources, gitops: p.gitopsSettings, network: p.network };
}

/** The router kind and the app gateway's shared settings. */
function checkAppGatewaySettings(problems: Problems, releases: ResolvedPlatform['tenantReleases']): void {
  if (!isRouterKindName(releases.routerKind)) {
    problems.add('tenantReleases.routerKind', releases.routerKind, `must be one of ${ROUTER_KIND_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  const gw = releases.appGateway;
  if (typeof gw.authCookieName !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(gw.authCookieName)) {
    problems.add('tenantReleases.appGateway.authCookieName', gw.authCookieName, 'must be a cookie name: 1 to 128 letters, digits, "_", "." or "-"');
  }
  if (!['NodePort', 'LoadBalancer'].includes(gw.streamServiceType)) {
    problems.add('tenantReleases.appGateway.streamServiceType', gw.streamServiceType, 'must be "NodePort" or "LoadBalancer"');
  }
}

/**
 * A chart's version must be one exact version, unless its prop says `allowFloatingVersion: true`;
 * opted-in ranges are collected for the synth summary.
 */
function checkChartVersion(problems: Problems, path: string, chart: ChartProps, floating: FloatingVersion[]): void {
  const allow = chart.allowFloatingVersion ?? false;
  if (typeof allow !== 'boolean') {
    problems.add(`${path}.allowFloatingVersion`, allow, 'must be true or false');
    return;
  }
  if (isExactVersion(chart.version)) return;
  if (allow) floating.push({ path, chart: `${chart.source}/${chart.chart}`, version: chart.version });
  else {
    problems.add(
      `${path}.version`,
      chart.version,
      'must be one exact chart version such as "1.2.3" (a "*" or a range such as "^1.2", "~1.2.3", ">=1.0.0", "1.x" or "1.2" lets the GitOps controller upgrade on its own into breaking releases); to mean it, set allowFloatingVersion: true beside the version',
    );
  }
}

/** The GitOps settings: the generic checks here, then the flavor's own (lib/flavors/). */
function resolveGitOps(problems: Problems, input: GitOpsFlavorName | GitOpsProps | undefined, fluxLockdown: boolean | undefined): ResolvedGitOps {
  const isFlavor = typeof input === 'string';
  const g: GitOpsProps = isFlavor ? { flavor: input } : (input ?? {});
  const field = isFlavor ? 'gitops' : 'gitops.flavor';
  const given = g.flavor ?? DEFAULT_FLAVOR;
  if (!isGitOpsFlavorName(given)) problems.add(field, given, `must be one of ${GITOPS_FLAVORS.map((f) => `"${f}"`).join(', ')}`);
  const flavor = isGitOpsFlavorName(given) ? given : DEFAULT_FLAVOR;
  const defaults = DEFAULT_GITOPS_SETTINGS;
  const givenPath: unknown = g.path ?? defaults.path;
  const path = typeof givenPath === 'string' ? givenPath.replace(/\/+$/, '') : (givenPath as string);
  if (!isRepositoryPath(path)) {
    problems.add('gitops.path', g.path, 'must be a path relative to the repository root such as "./dist" or "./clusters/prod/dist" (letters, digits, ".", "_", "-"; no "..")');
  }
  const repository = { ...defaults.repository, ...definedOnly(g.repository) };
  checkDnsLabel(problems, 'gitops.repository.name', repository.name);
  checkDnsLabel(problems, 'gitops.repository.namespace', repository.namespace);
  const argocdNamespace = g.argocdNamespace ?? defaults.argocdNamespace;
  checkDnsLabel(problems, 'gitops.argocdNamespace', argocdNamespace);
  const argocdProject = g.argocdProject ?? defaults.argocdProject;
  checkDnsLabel(problems, 'gitops.argocdProject', argocdProject);
  const lockdown = fluxLockdown ?? defaults.fluxLockdown;
  const settings = { flavor, path, repository, repoURL: g.repoURL, targetRevision: g.targetRevision ?? defaults.targetRevision, argocdNamespace, argocdProject, fluxLockdown: lockdown === true };
  const chosen = isGitOpsFlavorName(given) ? gitopsFlavor(given) : undefined;
  chosen?.checkSettings(problems, settings);
  if (typeof lockdown !== 'boolean') problems.add('fluxLockdown', lockdown, 'must be true or false');
  else if (lockdown && !chosen?.capabilities.lockdown) problems.add('fluxLockdown', lockdown, `is a Flux setting; it cannot be used with the "${given}" flavor`);
  return settings;
}

function checkCidr(problems: Problems, path: string, value: unknown): void {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  if (m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32) return;
  problems.add(path, value, 'must be an IPv4 CIDR such as "10.0.0.0/8"');
}

function checkSource(problems: Problems, path: string, source: ChartSourceProps): void {
  const type = (source as { type?: unknown })?.type;
  if (type === 'helm') checkHttpUrl(problems, `${path}.url`, source.url);
  else if (type === 'oci') {
    if (typeof source.url !== 'string' || !/^oci:\/\/[^/\s]+(\/[^\s]+)?$/.test(source.url)) problems.add(`${path}.url`, source.url, 'must be an OCI registry path such as "oci://registry.example.com/charts"');
  } else if (type === 'git') {
    checkHttpUrl(problems, `${path}.url`, source.url, ['https:', 'http:', 'ssh:']);
    const git = source as GitSourceProps;
    const refs = [git.tag, git.branch, git.commit].filter((r) => r !== undefined);
    if (refs.length !== 1) problems.add(path, { tag: git.tag, branch: git.branch, commit: git.commit }, 'must set exactly one of tag, branch or commit');
  } else problems.add(`${path}.type`, type, 'must be "helm", "oci" or "git"');
  if (source?.secretName !== undefined) checkDnsLabel(problems, `${path}.secretName`, source.secretName);
}

/** The charts every tenant's releases install (the router's only while routers are on). */
function tenantReleaseCharts(tenantReleases: ResolvedPlatform['tenantReleases']): ComponentChart[] {
  return [
    { field: 'tenantReleases.agentChart', chart: tenantReleases.agentChart },
    ...(tenantReleases.routerEnabled ? [{ field: 'tenantReleases.routerChart', chart: tenantReleases.routerChart }] : []),
  ];
}

/** `tenancy.limits` with its default (quota not required; the other limits absent: not limited). */
export type ResolvedTenancyLimits = Req<Pick<TenancyLimitsProps, 'requireQuota'>> & Omit<TenancyLimitsProps, 'requireQuota'>;

const QUANTITY_LIMITS = ['cpu', 'memory', 'limitsCpu', 'limitsMemory'] as const;
const COUNT_LIMITS = ['pods', 'gpus'] as const;

/** Checks `tenancy.limits` (lib/tenant/tenant-limits.ts applies them to each tenant file). */
function resolveTenancyLimits(problems: Problems, input: TenancyLimitsProps | undefined): ResolvedTenancyLimits {
  const path = 'tenancy.limits';
  if (input === undefined) return { requireQuota: false };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.add(path, input, 'must be an object with requireQuota, maxQuota, allowedFeatures and maxAllowedUsers (each optional)');
    return { requireQuota: false };
  }
  const limits = { requireQuota: false, ...definedOnly(input) };
  if (typeof limits.requireQuota !== 'boolean') problems.add(`${path}.requireQuota`, limits.requireQuota, 'must be true or false');
  const max = limits.maxQuota as Record<string, unknown> | undefined;
  if (max !== undefined) {
    if (max === null || typeof max !== 'object' || Array.isArray(max)) problems.add(`${path}.maxQuota`, max, 'must be an object with the keys of a tenant quota');
    else {
      const count = (p: string, v: unknown) => {
        if (!Number.isInteger(v) || (v as number) < 0) problems.add(p, v, 'must be a whole number, 0 or more');
      };
      for (const [key, v] of Object.entries(max)) {
        if (v === undefined) continue;
        if ((QUANTITY_LIMITS as readonly string[]).includes(key)) {
          if (typeof v !== 'string' || !isQuantity(v)) problems.add(`${path}.maxQuota.${key}`, v, 'must be a Kubernetes quantity such as "64", "500m" or "256Gi"');
        } else if ((COUNT_LIMITS as readonly string[]).includes(key)) count(`${path}.maxQuota.${key}`, v);
        else if (key === 'mig' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const [profile, n] of Object.entries(v)) {
            if (!(ALL_MIG_PROFILES as readonly string[]).includes(profile)) problems.add(`${path}.maxQuota.mig.${profile}`, n, `is not a MIG profile; known: ${ALL_MIG_PROFILES.join(', ')}`);
            else count(`${path}.maxQuota.mig.${profile}`, n);
          }
        } else problems.add(`${path}.maxQuota.${key}`, v, `is not a quota key; allowed: ${[...QUANTITY_LIMITS, ...COUNT_LIMITS, 'mig (an object of MIG profiles)'].join(', ')}`);
      }
    }
  }
  checkFeatures(problems, `${path}.allowedFeatures`, limits.allowedFeatures);
  if (limits.maxAllowedUsers !== undefined) checkPositiveInteger(problems, `${path}.maxAllowedUsers`, limits.maxAllowedUsers);
  return limits as ResolvedTenancyLimits;
}
