/**
 * Platform props with their defaults applied and checked: {@link resolvePlatform}.
 *
 * The defaults are the runbook's values and are all in this file, before the user's props.
 */
import { neverEgressProblem } from '../security/never-egress';
import { ChartCatalog, FloatingVersion } from '../gitops/chart-catalog';
import { ChartProps, ChartSourceProps, GitSourceProps } from '../gitops/chart-source';
import { isExactVersion } from '../core/names';
import { GITOPS_FLAVORS, GitOpsFlavor } from '../gitops/release-definition';
import { SecretKeyReference } from '../security/secret-reference';
import { checkDnsLabel, checkDnsName, checkEmail, checkFeatures, checkHttpUrl, checkImageReference, checkImageTag, checkNonEmptyString, checkPositiveInteger, checkUuid } from './checks';
import { ClearmlFeature } from './features';
import { GPU_MODELS, GpuModel, isGpuModel } from './gpu-models';
import { DEFAULT_GPU_MODEL } from './mig-profiles';
import {
  AppsUploadProps,
  BootstrapJobProps,
  BillingProps,
  ClearmlServerProps,
  CredentialsSecretProps,
  DynamicMigOperatorProps,
  GitOpsProps,
  GpuOperatorProps,
  NetworkProps,
  MigSetupProps,
  RedisImageProps,
  ServerHostsProps,
  MigTolerationProps,
  PlatformProps,
  ServerBillingProps,
  SharedRedisProps,
  SsoProps,
  SupervisorProps,
  TenancyProps,
  TenantReleaseDefaultsProps,
  AppGatewayDefaultsProps,
} from './platform-props';
import { Problems } from '../core/problems';
import { ResolvedSecrets, resolveSecrets } from '../secrets/secrets-settings';
import { ProfileName, applyProfile } from '../profiles/profile';

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

/**
 * Pinned default chart versions, each with where it comes from (the README's "Chart versions" table
 * says the same). A later profile sets other defaults by replacing this record.
 */
export const DEFAULT_CHART_VERSIONS = {
  /** clearml-enterprise: newest release notes, `docs/release_notes/helm/clearml-enterprise/11.0.md` (clearml-docs, 2026-07). */
  server: '11.0.2',
  /** clearml-enterprise-agent: newest release notes, `docs/release_notes/helm/clearml-enterprise-agent/6.14.md`. */
  agent: '6.14.6',
  /**
   * clearml-task-traffic-router: no release notes under this name; 3.2.0 is the newest release notes of
   * its successor `clearml-enterprise-app-gateway` (`.../clearml-enterprise-app-gateway/`). Unverified
   * that the old name carries it.
   */
  router: '3.2.0',
  /** clearml-dynamic-mig-operator: ClearML publishes no version (`cdmo.md` installs without one); an assumption to confirm. */
  dynamicMigOperator: '1.0.0',
  /** gpu-operator: not pinned by the runbook; NVIDIA's release v25.3.0 (this project's default since its start). */
  gpuOperator: 'v25.3.0',
  /** redis: the runbook's `--version=17.8.3`. */
  redis: '17.8.3',
} as const;

/** The Redis image tag each Bitnami redis chart version ships (its `image.tag`), for the legacy repository. */
export const REDIS_CHART_IMAGE_TAGS: Readonly<Record<string, string>> = {
  // Chart 17.8.3's default image docker.io/bitnami/redis:7.0.9-debian-11-r1.
  '17.8.3': '7.0.9-debian-11-r1',
};

/** Where the shared Redis image comes from by default: Bitnami's frozen legacy repository. */
export const DEFAULT_REDIS_IMAGE = { registry: 'docker.io', repository: 'bitnamilegacy/redis' } as const;

/** The runbook's features of the built-in `admins` group. */
export const RUNBOOK_ADMIN_FEATURES: readonly ClearmlFeature[] = [
  'config_vault',
  'experiments',
  'queues',
  'show_projects',
  'resource_dashboard',
  'user_management',
  'user_management_advanced',
  'app_management',
  'sso_management',
  'service_users',
  'resource_policy',
];

/**
 * `python:3.12-slim` pinned by digest (a digest of the official image seen in public pinned
 * Dockerfiles), for the apps upload Job. Refresh it with `crane digest python:3.12-slim`, or set
 * `apps.image` to your registry mirror.
 */
export const DEFAULT_PYTHON_IMAGE = 'python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea';

/**
 * `node:20-alpine` pinned by digest (seen in public pinned Dockerfiles), for the bootstrap Jobs.
 * Refresh it with `crane digest node:20-alpine`.
 */
export const DEFAULT_NODE_IMAGE = 'node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293';

/**
 * `node:20-bookworm-slim` pinned by digest (seen in public pinned Dockerfiles), for the MIG setup Jobs.
 * Not the Alpine image of the bootstrap Jobs: the NVIDIA runtime injects the host's `nvidia-smi`, which
 * is linked against glibc. Refresh it with `crane digest node:20-bookworm-slim`.
 */
export const DEFAULT_MIG_SETUP_IMAGE = 'node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0';

type Req<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

export type ResolvedCredentialsSecret = Req<CredentialsSecretProps>;
export type ResolvedSupervisor = Req<Omit<SupervisorProps, 'credentialsSecret'>> & { readonly credentialsSecret: ResolvedCredentialsSecret };
export type ResolvedServer = Req<Omit<ClearmlServerProps, 'sso' | 'ingressClassName' | 'billing' | 'supervisor' | 'hosts'>> & {
  readonly sso?: SsoProps;
  readonly ingressClassName?: string;
  readonly billing: Req<ServerBillingProps>;
  readonly supervisor: ResolvedSupervisor;
};

/** The shared Redis image; `tag` absent means the chart's own. */
export interface ResolvedRedisImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
}

/** One MIG node with its defaults applied. */
export interface ResolvedMigNode {
  readonly name: string;
  readonly gpus: readonly number[] | 'all';
  readonly gpuModel?: GpuModel;
}
/** MIG node setup with its defaults applied; `enabled` false (and no nodes) when `migSetup` is not set. */
export type ResolvedMigSetup = Req<Omit<MigSetupProps, 'nodes'>> & { readonly nodes: readonly ResolvedMigNode[] };

/** GitOps settings with defaults applied. */
export interface ResolvedGitOps {
  readonly flavor: GitOpsFlavor;
  /** Repository path of the output folder, without a trailing `/`, e.g. `./dist`. */
  readonly path: string;
  readonly repository: { readonly name: string; readonly namespace: string };
  readonly repoURL?: string;
  readonly targetRevision: string;
  readonly argocdNamespace: string;
  readonly argocdProject: string;
  readonly fluxLockdown: boolean;
}

/** The platform with every default applied. */
export interface ResolvedPlatform {
  /** The install profile whose defaults were applied under the props (lib/profiles). */
  readonly profile: ProfileName;
  readonly baseDomain: string;
  /** The flavor (same as `gitopsSettings.flavor`). */
  readonly gitops: GitOpsFlavor;
  readonly gitopsSettings: ResolvedGitOps;
  /** How the Secrets of the inventory are provisioned. */
  readonly secrets: ResolvedSecrets;
  readonly sourceNamespace: string;
  readonly sources: Readonly<Record<string, ChartSourceProps>>;
  readonly registryPasswordSecret: SecretKeyReference;
  readonly ingressNamespace: string;
  readonly network: Req<NetworkProps>;
  readonly gpuOperator: Req<GpuOperatorProps>;
  readonly dynamicMigOperator: Req<DynamicMigOperatorProps>;
  readonly server: ResolvedServer;
  readonly redis: Req<Omit<SharedRedisProps, 'image'>> & { readonly image: ResolvedRedisImage };
  readonly billing: Req<Omit<BillingProps, 'chart'>> & { readonly chart?: ChartProps };
  readonly apps: Req<AppsUploadProps>;
  readonly tenantReleases: Req<Omit<TenantReleaseDefaultsProps, 'appGateway'>> & { readonly appGateway: Req<AppGatewayDefaultsProps> };
  readonly bootstrap: Req<BootstrapJobProps>;
  readonly migSetup: ResolvedMigSetup;
  /** Which namespaces tenants may have. */
  readonly tenancy: Req<TenancyProps>;
  /** Public URLs. */
  readonly urls: { readonly api: string; readonly file: string; readonly web: string };
  /** Ingress host names. */
  readonly hosts: { readonly api: string; readonly file: string; readonly app: string };
  /** In-cluster URL of the apiserver service (for Jobs and routers). */
  readonly internalApiUrl: string;
  /** Sources and flavor, for the releases. */
  readonly catalog: ChartCatalog;
  /** Every chart installed, in a stable order (for the source objects). */
  readonly charts: readonly ChartProps[];
  /** Charts whose version floats by opt-in (`allowFloatingVersion`), for the synth summary. */
  readonly floatingVersions: readonly FloatingVersion[];
}

const FLAVORS: readonly GitOpsFlavor[] = GITOPS_FLAVORS;

/**
 * Applies the defaults to `props` and checks the result. Throws one `ConfigError` listing every
 * problem; field paths are those of `PlatformProps` (e.g. `server.groups[0].id`).
 */
export function resolvePlatform(props: PlatformProps): ResolvedPlatform {
  const problems = new Problems('main.ts (platform props)');
  // The profile's defaults sit under the user's props (lib/profiles/profile.ts).
  const { props: profiled, profile } = applyProfile(props, problems);
  const p = (profiled ?? {}) as Partial<PlatformProps>;
  const server = (p.server ?? {}) as Partial<ClearmlServerProps>;

  const baseDomain = p.baseDomain as string;
  checkDnsName(problems, 'baseDomain', baseDomain);
  const gitopsSettings = resolveGitOps(problems, p.gitops, p.fluxLockdown);
  const gitops = gitopsSettings.flavor;
  const secrets = resolveSecrets(problems, p.secrets, gitops);
  const sourceNamespace = p.sourceNamespace ?? 'flux-system';
  checkDnsLabel(problems, 'sourceNamespace', sourceNamespace);
  const ingressNamespace = p.ingressNamespace ?? 'ingress-nginx';
  checkDnsLabel(problems, 'ingressNamespace', ingressNamespace);
  const network: Req<NetworkProps> = {
    dnsNamespace: 'kube-system',
    dnsPodLabels: { 'k8s-app': 'kube-dns' },
    clusterCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'],
    kubernetesApiCidrs: ['0.0.0.0/0'],
    kubernetesApiPorts: [443, 6443],
    tenantInternetEgress: true,
    serverInternetEgress: true,
    nodePortRange: { min: 30000, max: 32767 },
    ...definedOnly(p.network),
  };
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

  const gpuOperator: Req<GpuOperatorProps> = {
    enabled: true,
    namespace: 'gpu-operator',
    releaseName: 'gpu-operator',
    chart: { source: 'nvidia', chart: 'gpu-operator', version: DEFAULT_CHART_VERSIONS.gpuOperator },
    migStrategy: 'mixed',
    gpuIsolation: true,
    containerd: 'default',
    values: {},
    ...definedOnly(p.gpuOperator),
  };
  if (!['single', 'mixed'].includes(gpuOperator.migStrategy)) problems.add('gpuOperator.migStrategy', gpuOperator.migStrategy, 'must be "single" or "mixed"');
  if (typeof gpuOperator.gpuIsolation !== 'boolean') problems.add('gpuOperator.gpuIsolation', gpuOperator.gpuIsolation, 'must be true or false');
  if (!['default', 'k3s', 'microk8s'].includes(gpuOperator.containerd)) problems.add('gpuOperator.containerd', gpuOperator.containerd, 'must be "default", "k3s" or "microk8s"');
  const dynamicMigOperator: Req<DynamicMigOperatorProps> = {
    enabled: true,
    namespace: 'cdmo-operator',
    releaseName: 'cdmo',
    chart: { source: 'clearml-enterprise', chart: 'clearml-dynamic-mig-operator', version: DEFAULT_CHART_VERSIONS.dynamicMigOperator },
    values: {},
    ...definedOnly(p.dynamicMigOperator),
  };

  const supervisorIn = (server.supervisor ?? {}) as Partial<SupervisorProps>;
  const supervisor: ResolvedSupervisor = {
    role: 'system',
    allowLogin: true,
    groups: ['users', 'admins', 'queue_admins'],
    ...definedOnly(supervisorIn),
    email: supervisorIn.email as string,
    credentialsSecret: { accessKeyKey: 'access_key', secretKeyKey: 'secret_key', name: 'clearml-supervisor-credentials', ...definedOnly(supervisorIn.credentialsSecret) },
  };
  checkEmail(problems, 'server.supervisor.email', supervisor.email);
  checkDnsLabel(problems, 'server.supervisor.credentialsSecret.name', supervisor.credentialsSecret.name);

  const billingEnvIn = definedOnly(server.billing);
  const serverBilling: Req<ServerBillingProps> = {
    enabled: true,
    kafkaHosts: ['clearml-billing-kafka.clearml-billing:9092'],
    kafkaSecurityProtocol: 'SASL_PLAINTEXT',
    kafkaSaslMechanism: 'SCRAM-SHA-512',
    kafkaSaslUsername: 'billing',
    kafkaSaslPasswordSecret: { name: 'clearml-billing-kafka', key: 'password' },
    redisHost: 'clearml-billing-redis-master.clearml-billing',
    redisDb: 2,
    ...billingEnvIn,
  };
  checkSecretRef(problems, 'server.billing.kafkaSaslPasswordSecret', serverBilling.kafkaSaslPasswordSecret);
  if (!Number.isInteger(serverBilling.redisDb) || serverBilling.redisDb < 0) problems.add('server.billing.redisDb', serverBilling.redisDb, 'must be a Redis database number, 0 or more');

  const resolvedServer: ResolvedServer = {
    namespace: 'clearml',
    releaseName: 'clearml',
    chart: { source: 'clearml-enterprise', chart: 'clearml-enterprise', version: DEFAULT_CHART_VERSIONS.server },
    apiserverImageTag: '3.21.6-1443',
    webserverImageTag: '3.21.3-1657',
    cookieDomain: baseDomain,
    applicationsEnabled: true,
    applicationsQueueMode: 'global',
    organizationFeatures: ['user_management_advanced'],
    disabledOrganizationFeatures: [],
    uiFeaturesPerRole: { user: { show_datasets: false, show_orchestration: false } },
    maxRunningAppsPerCompany: 3,
    defaultGroupFeatures: { users: ['applications'], admins: RUNBOOK_ADMIN_FEATURES },
    groups: [],
    uniqueCompanyNames: true,
    resourceUsageSupervisorCompany: 'd1bd92a3b039400cbafc60a7a5b1e52b',
    extraApiserverEnv: {},
    values: {},
    ...definedOnly(server),
    billing: serverBilling,
    supervisor,
  };
  checkDnsLabel(problems, 'server.namespace', resolvedServer.namespace);
  checkImageTag(problems, 'server.apiserverImageTag', resolvedServer.apiserverImageTag);
  checkImageTag(problems, 'server.webserverImageTag', resolvedServer.webserverImageTag);
  checkServer(problems, resolvedServer);

  const redis: Omit<Req<SharedRedisProps>, 'image'> & { image?: RedisImageProps } = {
    namespace: 'redis-shared',
    releaseName: 'redis',
    chart: { source: 'bitnami', chart: 'redis', version: DEFAULT_CHART_VERSIONS.redis },
    passwordSecret: { name: 'redis-shared-auth', key: 'redis-password' },
    port: 6379,
    values: {},
    ...definedOnly(p.redis),
  };
  const redisImage = resolveRedisImage(problems, p.redis?.image, redis.chart);
  checkSecretRef(problems, 'redis.passwordSecret', redis.passwordSecret);

  const billing = {
    enabled: true,
    namespace: 'clearml-billing',
    releaseName: 'clearml-billing',
    registryUsername: 'dockerhubcustpocbillingaccess',
    registryPasswordSecret: { name: 'clearml-billing-registry', key: 'password' },
    values: {},
    ...definedOnly(p.billing),
  };
  if (billing.enabled) {
    if (!billing.chart) {
      problems.add('billing.chart', undefined, 'is required while billing is enabled: the billing chart is a tarball from ClearML; push it to an OCI registry or keep it in a Git repository, and name that source here (or set billing.enabled to false)');
    } else if (sources[billing.chart.source]?.type === 'helm') {
      problems.add('billing.chart.source', billing.chart.source, 'must be an "oci" or "git" source: the billing chart is not in a Helm repository');
    }
    checkSecretRef(problems, 'billing.registryPasswordSecret', billing.registryPasswordSecret);
  }

  const apps: Req<AppsUploadProps> = {
    enabled: true,
    archiveUrlSecret: { name: 'clearml-apps-archive', key: 'url' },
    image: DEFAULT_PYTHON_IMAGE,
    ...definedOnly(p.apps),
  };
  checkSecretRef(problems, 'apps.archiveUrlSecret', apps.archiveUrlSecret);
  if (apps.enabled && checkImageReference(problems, 'apps.image', apps.image) && !/@sha256:[0-9a-f]{64}$/.test(apps.image)) problems.add('apps.image', apps.image, 'must be pinned by digest ("name:tag@sha256:<64 hex>")');

  const tenantReleasesIn = definedOnly(p.tenantReleases);
  const tenantReleases: ResolvedPlatform['tenantReleases'] = {
    routerKind: 'task-traffic-router',
    agentChart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: DEFAULT_CHART_VERSIONS.agent },
    routerChart: { source: 'clearml-enterprise', chart: 'clearml-task-traffic-router', version: DEFAULT_CHART_VERSIONS.router },
    routerEnabled: true,
    agentImageTag: '1.24-1.8.1rc99-159',
    defaultGpuModel: DEFAULT_GPU_MODEL,
    defaultContainerImage: 'python:3.9',
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
    image: DEFAULT_NODE_IMAGE,
    deadlineSeconds: 300,
    backoffLimit: 4,
    activeDeadlineSeconds: 1800,
    adminInternal: false,
    ...definedOnly(p.bootstrap),
  };
  if (typeof bootstrap.adminInternal !== 'boolean') problems.add('bootstrap.adminInternal', bootstrap.adminInternal, 'must be true or false');
  if (!['global', 'per_tenant'].includes(resolvedServer.applicationsQueueMode)) {
    problems.add('server.applicationsQueueMode', resolvedServer.applicationsQueueMode, 'must be "global" or "per_tenant"');
  } else if (resolvedServer.applicationsQueueMode === 'per_tenant' && bootstrap.adminInternal !== true) {
    problems.add('server.applicationsQueueMode', resolvedServer.applicationsQueueMode, 'needs bootstrap.adminInternal: true: per-tenant applications run on agents with the credentials of an internal admin user (the "current" profile sets it)');
  }
  if (checkImageReference(problems, 'bootstrap.image', bootstrap.image) && !/@sha256:[0-9a-f]{64}$/.test(bootstrap.image)) problems.add('bootstrap.image', bootstrap.image, 'must be pinned by digest ("name:tag@sha256:<64 hex>")');
  checkPositiveInteger(problems, 'bootstrap.deadlineSeconds', bootstrap.deadlineSeconds);
  if (!Number.isInteger(bootstrap.backoffLimit) || bootstrap.backoffLimit < 0) problems.add('bootstrap.backoffLimit', bootstrap.backoffLimit, 'must be a whole number, 0 or more');
  if (!Number.isInteger(bootstrap.activeDeadlineSeconds) || bootstrap.activeDeadlineSeconds < bootstrap.deadlineSeconds + 60) {
    problems.add('bootstrap.activeDeadlineSeconds', bootstrap.activeDeadlineSeconds, `must be a whole number of seconds, at least bootstrap.deadlineSeconds + 60 (${bootstrap.deadlineSeconds + 60})`);
  }

  const charts: Array<[string, ChartProps | undefined]> = [
    ['gpuOperator.chart', gpuOperator.enabled ? gpuOperator.chart : undefined],
    ['dynamicMigOperator.chart', dynamicMigOperator.enabled ? dynamicMigOperator.chart : undefined],
    ['server.chart', resolvedServer.chart],
    ['redis.chart', redis.chart],
    ['billing.chart', billing.enabled ? billing.chart : undefined],
    ['tenantReleases.agentChart', tenantReleases.agentChart],
    ['tenantReleases.routerChart', tenantReleases.routerEnabled ? tenantReleases.routerChart : undefined],
  ];
  const versions = new Map<string, string>();
  const floatingVersions: FloatingVersion[] = [];
  for (const [path, chart] of charts) {
    if (!chart) continue;
    if (!sources[chart.source]) problems.add(`${path}.source`, chart.source, `is not a chart source; known: ${Object.keys(sources).sort().join(', ')}`);
    checkNonEmptyString(problems, `${path}.chart`, chart.chart);
    if (checkNonEmptyString(problems, `${path}.version`, chart.version)) checkChartVersion(problems, path, chart, floatingVersions);
    const id = `${chart.source}/${chart.chart}`;
    if (versions.has(id) && versions.get(id) !== chart.version) problems.add(`${path}.version`, chart.version, `differs from the version ${versions.get(id)} of the same chart elsewhere; use one version per chart`);
    versions.set(id, chart.version);
  }

  const migSetup = resolveMigSetup(problems, p.migSetup, [
    sourceNamespace, ingressNamespace, gpuOperator.namespace, dynamicMigOperator.namespace, resolvedServer.namespace, redis.namespace, billing.namespace,
  ]);

  const tenancy: Req<TenancyProps> = { namespacePrefix: '', reservedNamespaces: [], ...definedOnly(p.tenancy) };
  if (typeof tenancy.namespacePrefix !== 'string' || !/^([a-z0-9][-a-z0-9]{0,29})?$/.test(tenancy.namespacePrefix)) {
    problems.add('tenancy.namespacePrefix', tenancy.namespacePrefix, 'must be empty or lower-case letters, digits and "-", starting with a letter or digit, at most 30 characters, such as "tenant-"');
  } else if (tenancy.namespacePrefix.startsWith('kube-')) {
    problems.add('tenancy.namespacePrefix', tenancy.namespacePrefix, 'must not start with "kube-" (reserved for Kubernetes)');
  }
  if (!Array.isArray(tenancy.reservedNamespaces)) problems.add('tenancy.reservedNamespaces', tenancy.reservedNamespaces, 'must be a list of namespace names');
  else tenancy.reservedNamespaces.forEach((ns, i) => checkDnsLabel(problems, `tenancy.reservedNamespaces[${i}]`, ns));

  const hosts = resolveHosts(problems, server.hosts, baseDomain);
  problems.throwIfAny();
  return {
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
    redis: { ...redis, image: redisImage },
    billing,
    apps,
    tenantReleases,
    bootstrap,
    migSetup,
    tenancy,
    hosts,
    urls: { api: `https://${hosts.api}`, file: `https://${hosts.file}`, web: `https://${hosts.app}` },
    internalApiUrl: `http://clearml-enterprise-apiserver.${resolvedServer.namespace}:8008`,
    catalog: new ChartCatalog({ flavor: gitops, sourceNamespace, sources, argocd: { namespace: gitopsSettings.argocdNamespace, project: gitopsSettings.argocdProject }, installEgress: network }),
    charts: charts.flatMap(([, c]) => (c ? [c] : [])),
    floatingVersions,
  };
}

/** The router kind and the app gateway's shared settings. */
function checkAppGatewaySettings(problems: Problems, releases: ResolvedPlatform['tenantReleases']): void {
  if (!['task-traffic-router', 'app-gateway'].includes(releases.routerKind)) {
    problems.add('tenantReleases.routerKind', releases.routerKind, 'must be "task-traffic-router" or "app-gateway"');
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

/** The server's public host names: defaults from the base domain, each a DNS name, all different. */
function resolveHosts(problems: Problems, input: ServerHostsProps | undefined, baseDomain: string): { api: string; file: string; app: string } {
  const given = definedOnly(input);
  const hosts = { api: `api.${baseDomain}`, file: `file.${baseDomain}`, app: `app.${baseDomain}`, ...given };
  const seen = new Map<string, string>();
  for (const key of ['api', 'app', 'file'] as const) {
    const path = `server.hosts.${key}`;
    // A default host is only as good as baseDomain, which is checked on its own.
    if (key in given ? !checkDnsName(problems, path, hosts[key]) : false) continue;
    const other = seen.get(hosts[key]);
    if (other) problems.add(path, hosts[key], `is also server.hosts.${other}; the apiserver, webserver and file server need a host each`);
    seen.set(hosts[key], key);
  }
  return hosts;
}

/** The Redis image: the legacy repository at the chart's tag by default, or the one given (registry and repository together). */
function resolveRedisImage(problems: Problems, input: RedisImageProps | undefined, chart: ChartProps): ResolvedRedisImage {
  const defaultTag = REDIS_CHART_IMAGE_TAGS[chart.version];
  if (input === undefined) return { ...DEFAULT_REDIS_IMAGE, ...(defaultTag ? { tag: defaultTag } : {}) };
  if (typeof input !== 'object' || input === null) {
    problems.add('redis.image', input, 'must be { registry: "<registry host>", repository: "<path>", tag?: "<tag>" }');
    return DEFAULT_REDIS_IMAGE;
  }
  const image = input as Partial<RedisImageProps>;
  if (typeof image.registry !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?$/.test(image.registry)) {
    problems.add('redis.image.registry', image.registry, 'must be a registry host such as "docker.io" or "registry.example.com:5000" (set registry and repository together)');
  }
  if (typeof image.repository !== 'string' || !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(image.repository)) {
    problems.add('redis.image.repository', image.repository, 'must be a repository path such as "bitnamilegacy/redis" (set registry and repository together)');
  } else if (image.registry === 'docker.io' && image.repository.startsWith('bitnami/')) {
    problems.add('redis.image.repository', image.repository, 'is gone: Bitnami removed its free images from docker.io/bitnami in 2025; use "bitnamilegacy/redis" or a mirror');
  }
  if (image.tag !== undefined && (typeof image.tag !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(image.tag))) {
    problems.add('redis.image.tag', image.tag, 'must be an image tag: letters, digits, "_", "." and "-", at most 128 characters');
  }
  const tag = image.tag ?? defaultTag;
  return { registry: image.registry as string, repository: image.repository as string, ...(tag ? { tag } : {}) };
}

function resolveGitOps(problems: Problems, input: GitOpsFlavor | GitOpsProps | undefined, fluxLockdown: boolean | undefined): ResolvedGitOps {
  const isFlavor = typeof input === 'string';
  const g: GitOpsProps = isFlavor ? { flavor: input } : (input ?? {});
  const field = isFlavor ? 'gitops' : 'gitops.flavor';
  const flavor = g.flavor ?? 'flux';
  if (!FLAVORS.includes(flavor)) problems.add(field, flavor, `must be one of ${FLAVORS.map((f) => `"${f}"`).join(', ')}`);
  const path = (g.path ?? './dist').replace(/\/+$/, '');
  if (typeof path !== 'string' || !/^(\.\/)?[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$|^\.$/.test(path) || path.split('/').includes('..')) {
    problems.add('gitops.path', g.path, 'must be a path relative to the repository root such as "./dist" or "./clusters/prod/dist" (letters, digits, ".", "_", "-"; no "..")');
  }
  const repository = { name: 'flux-system', namespace: 'flux-system', ...definedOnly(g.repository) };
  checkDnsLabel(problems, 'gitops.repository.name', repository.name);
  checkDnsLabel(problems, 'gitops.repository.namespace', repository.namespace);
  const argocdNamespace = g.argocdNamespace ?? 'argocd';
  checkDnsLabel(problems, 'gitops.argocdNamespace', argocdNamespace);
  const argocdProject = g.argocdProject ?? 'default';
  checkDnsLabel(problems, 'gitops.argocdProject', argocdProject);
  if (flavor === 'argocd') {
    if (typeof g.repoURL !== 'string' || !/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(g.repoURL)) {
      problems.add('gitops.repoURL', g.repoURL, 'is required for the "argocd" flavor: the clone URL of this repository ("https://...", "ssh://..." or "git@host:org/repo.git")');
    }
  }
  const lockdown = fluxLockdown ?? false;
  if (typeof lockdown !== 'boolean') problems.add('fluxLockdown', lockdown, 'must be true or false');
  else if (lockdown && flavor !== 'flux') problems.add('fluxLockdown', lockdown, `is a Flux setting; it cannot be used with the "${flavor}" flavor`);
  return { flavor, path, repository, repoURL: g.repoURL, targetRevision: g.targetRevision ?? 'HEAD', argocdNamespace, argocdProject, fluxLockdown: lockdown === true };
}

/** Drops keys whose value is `undefined`, so `{ ...defaults, ...definedOnly(props) }` keeps defaults. */
function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkSecretRef(problems: Problems, path: string, ref: unknown): void {
  const r = ref as Partial<SecretKeyReference> | undefined;
  if (!r || typeof r !== 'object') {
    problems.add(path, ref, 'must name a Secret: { name: "<secret name>", key: "<key>" }');
    return;
  }
  checkDnsLabel(problems, `${path}.name`, r.name);
  if (typeof r.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r.key)) problems.add(`${path}.key`, r.key, 'must be a Secret key: letters, digits, "-", "_" or "."');
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

function checkServer(problems: Problems, server: ResolvedServer): void {
  checkFeatures(problems, 'server.organizationFeatures', server.organizationFeatures, { path: 'server.disabledOrganizationFeatures', value: server.disabledOrganizationFeatures });
  for (const [role, features] of Object.entries(server.uiFeaturesPerRole)) {
    checkFeatures(problems, `server.uiFeaturesPerRole.${role}`, Object.keys(features ?? {}));
  }
  for (const [group, features] of Object.entries(server.defaultGroupFeatures)) {
    checkFeatures(problems, `server.defaultGroupFeatures.${group}`, features);
  }
  checkPositiveInteger(problems, 'server.maxRunningAppsPerCompany', server.maxRunningAppsPerCompany);
  const keys = new Set<string>();
  const ids = new Set<string>();
  server.groups.forEach((group, i) => {
    const path = `server.groups[${i}]`;
    if (typeof group.key !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(group.key)) {
      problems.add(`${path}.key`, group.key, 'must start with a letter and hold only letters, digits and "_" (it becomes part of a variable name)');
    } else if (keys.has(group.key) || ['users', 'admins', 'queue_admins'].includes(group.key)) {
      problems.add(`${path}.key`, group.key, 'is used by another group (users, admins and queue_admins are built in)');
    }
    keys.add(group.key);
    if (checkUuid(problems, `${path}.id`, group.id)) {
      if (ids.has(group.id.toLowerCase())) problems.add(`${path}.id`, group.id, 'is the id of another group');
      ids.add(group.id.toLowerCase());
    }
    checkFeatures(problems, `${path}.features`, group.features ?? []);
    if ('system' in (group as object)) problems.add(`${path}.system`, (group as { system?: unknown }).system, 'cannot be set: custom groups are always system=false');
  });
  if (server.sso) {
    const sso = server.sso as Partial<SsoProps>;
    checkNonEmptyString(problems, 'server.sso.clientId', sso.clientId);
    checkSecretRef(problems, 'server.sso.clientSecret', sso.clientSecret);
    checkHttpUrl(problems, 'server.sso.baseUrl', sso.baseUrl, ['https:']);
    checkHttpUrl(problems, 'server.sso.authorizeUrl', sso.authorizeUrl, ['https:']);
    checkHttpUrl(problems, 'server.sso.accessTokenUrl', sso.accessTokenUrl, ['https:']);
    checkNonEmptyString(problems, 'server.sso.audience', sso.audience);
  }
  checkDnsLabel(problems, 'server.supervisor.credentialsSecret.name', server.supervisor.credentialsSecret.name);
  for (const name of Object.keys(server.extraApiserverEnv)) {
    if (!/^CLEARML__[A-Za-z0-9_]+$/.test(name)) problems.add(`server.extraApiserverEnv.${name}`, name, 'must be a variable name "CLEARML__<path>" of letters, digits and "_"');
  }
}

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * MIG node setup: defaults, then every check (paths `migSetup.nodes[1].gpus[0]` etc.). `migSetup` set
 * means enabled unless it says otherwise; its namespace is privileged, so it must be no other namespace.
 */
function resolveMigSetup(problems: Problems, props: MigSetupProps | undefined, otherNamespaces: readonly string[]): ResolvedMigSetup {
  const given = props !== undefined;
  const m = { ...(definedOnly(props) as Partial<MigSetupProps>) };
  const resolved = {
    enabled: given,
    namespace: 'clearml-mig-setup',
    runtimeClassName: 'nvidia',
    image: DEFAULT_MIG_SETUP_IMAGE,
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] as readonly MigTolerationProps[],
    backoffLimit: 4,
    activeDeadlineSeconds: 1800,
    ...m,
  };
  if (given && (typeof props !== 'object' || props === null || Array.isArray(props))) {
    problems.add('migSetup', props, 'must be an object: { nodes: [{ name: "<node name>", gpus: [0, 1] }] }');
    return { ...resolved, enabled: false, nodes: [] };
  }
  if (typeof resolved.enabled !== 'boolean') problems.add('migSetup.enabled', resolved.enabled, 'must be true or false');
  if (checkDnsLabel(problems, 'migSetup.namespace', resolved.namespace) && [...otherNamespaces, ...SYSTEM_NAMESPACES].includes(resolved.namespace)) {
    problems.add('migSetup.namespace', resolved.namespace, `is used by another part of the platform; it gets Pod Security level "privileged", so it must be a namespace of its own (not ${[...new Set([...otherNamespaces, ...SYSTEM_NAMESPACES])].join(', ')})`);
  }
  if (typeof resolved.runtimeClassName !== 'string' || !DNS_SUBDOMAIN.test(resolved.runtimeClassName)) {
    problems.add('migSetup.runtimeClassName', resolved.runtimeClassName, 'must be a RuntimeClass name (lower-case DNS subdomain), such as "nvidia"');
  }
  if (checkImageReference(problems, 'migSetup.image', resolved.image) && !/@sha256:[0-9a-f]{64}$/.test(resolved.image)) problems.add('migSetup.image', resolved.image, 'must be pinned by digest ("name:tag@sha256:<64 hex>")');
  if (!Number.isInteger(resolved.backoffLimit) || resolved.backoffLimit < 0) problems.add('migSetup.backoffLimit', resolved.backoffLimit, 'must be a whole number, 0 or more');
  checkPositiveInteger(problems, 'migSetup.activeDeadlineSeconds', resolved.activeDeadlineSeconds);
  if (!Array.isArray(resolved.tolerations)) problems.add('migSetup.tolerations', resolved.tolerations, 'must be a list of tolerations');
  else resolved.tolerations.forEach((t, i) => checkToleration(problems, `migSetup.tolerations[${i}]`, t));

  const nodes: ResolvedMigNode[] = [];
  const nodesIn = m.nodes as unknown;
  if (!Array.isArray(nodesIn)) {
    if (given) problems.add('migSetup.nodes', nodesIn, 'must be a list of nodes: [{ name: "<node name>", gpus: [0, 1] or "all" }]');
  } else {
    if (resolved.enabled === true && nodesIn.length === 0) {
      problems.add('migSetup.nodes', nodesIn, 'must list at least one node while migSetup.enabled is true (set migSetup.enabled to false to write no MIG setup)');
    }
    const seen = new Map<string, number>();
    nodesIn.forEach((node: unknown, i: number) => {
      const path = `migSetup.nodes[${i}]`;
      if (typeof node !== 'object' || node === null) {
        problems.add(path, node, 'must be a node: { name: "<node name>", gpus: [0, 1] or "all", gpuModel?: "<model>" }');
        return;
      }
      const n = node as { name?: unknown; gpus?: unknown; gpuModel?: unknown };
      if (typeof n.name !== 'string' || !DNS_SUBDOMAIN.test(n.name)) {
        problems.add(`${path}.name`, n.name, 'must be a Kubernetes node name: lower-case letters, digits, "-" and ".", at most 253 characters');
      } else if (seen.has(n.name)) {
        problems.add(`${path}.name`, n.name, `is listed twice (also migSetup.nodes[${seen.get(n.name)}]); list each node once with all its GPUs`);
      } else seen.set(n.name, i);
      const gpus = n.gpus ?? 'all';
      if (gpus !== 'all') {
        if (!Array.isArray(gpus) || gpus.length === 0) {
          problems.add(`${path}.gpus`, gpus, 'must be "all" or a non-empty list of GPU indexes (0, 1, ... as `nvidia-smi -L` numbers them)');
        } else {
          const ids = new Set<number>();
          gpus.forEach((id: unknown, j: number) => {
            if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) problems.add(`${path}.gpus[${j}]`, id, 'must be a GPU index: a whole number, 0 or more');
            else if (ids.has(id)) problems.add(`${path}.gpus[${j}]`, id, 'is listed twice');
            else ids.add(id);
          });
        }
      }
      if (n.gpuModel !== undefined && !isGpuModel(n.gpuModel)) problems.add(`${path}.gpuModel`, n.gpuModel, `is not a known GPU model; allowed: ${GPU_MODELS.join(', ')}`);
      nodes.push({ name: n.name as string, gpus: gpus as readonly number[] | 'all', ...(n.gpuModel !== undefined ? { gpuModel: n.gpuModel as GpuModel } : {}) });
    });
  }
  return { ...resolved, nodes };
}

function checkToleration(problems: Problems, path: string, t: MigTolerationProps): void {
  if (typeof t !== 'object' || t === null) {
    problems.add(path, t, 'must be a toleration: { key, operator: "Exists" | "Equal", value?, effect? }');
    return;
  }
  const operator = t.operator ?? 'Equal';
  if (operator !== 'Exists' && operator !== 'Equal') problems.add(`${path}.operator`, t.operator, 'must be "Exists" or "Equal"');
  if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) problems.add(`${path}.effect`, t.effect, 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute" (or left out for every effect)');
  if (operator === 'Exists' && t.value !== undefined) problems.add(`${path}.value`, t.value, 'must be left out with operator "Exists"');
  if (operator === 'Equal' && !t.key) problems.add(`${path}.key`, t.key, 'is required with operator "Equal"');
}
