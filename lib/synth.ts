/**
 * From platform props (and tenant files) to the files of the output folder.
 *
 * `renderOutput` checks every input first and throws one `ConfigError` listing all problems before
 * anything is rendered; `synthesize` then writes into the output folder (only a folder it owns, see
 * write-tree.ts and marker.ts), so bad input never touches it.
 */
import { clusterFolderRules, componentsForRoles, platformFolderRules, tenantReach } from './components/derived';
import { COMPONENTS } from './components/index';
import { ClusterContext, ResolvedCluster } from './platform/clusters';
import { FACTS_FILE, ReachPort, platformFactsJson } from './analysis/platform-facts';
import { TENANT_LABEL } from './core/labels';
import { ClusterPlatform, ResolvedPlatform, resolvePlatform } from './platform/platform';
import { PlatformProps } from './platform/platform-props';
import { ConfigError, Problem, Problems } from './core/problems';
import { TenantSpec } from './config/tenant-schema';
import { ResolvedTenant, resolveTenants, tenantSchemaProblems } from './tenant/tenants';
import { readTenantFiles, codeTenants, TenantSource } from './tenant/tenant-files';
import { gitopsOutput } from './gitops/gitops-output';
import { architectureMarkdown } from './output/architecture';
import { ISOLATION_FILE, isolationMarkdown } from './output/isolation-summary';
import { MARKER_FILE, MarkerTombstone, markerText, outputMarker } from './output/marker';
import { OutputFolder, WriteResult, renderFolderObjects, serializeFolders, sortedByPath, writeTree } from './output/write-tree';
import { RenderedFolder } from './core/folders';
import { platformFolders } from './platform/platform-folders';
import { addExternalSecrets, externalStores, planExternalSecrets, SecretDeclaration } from './secrets/external-secrets';
import { mergeSecretRequirements, secretInventoryJson, secretInventoryMarkdown, secretRequirementsOf } from './security/secret-reference';
import { tenantTextFiles } from './tenant/decommission-procedure';
import { checkLifecycle, clusterLeaveFiles, layoutLeaveFiles, previousOutput, tenantsOfFolders, tombstonesAfter } from './tenant/lifecycle-guard';
import { tenantFolders } from './tenant/tenant-folders';
import { WORKER_ACCESS_NAMESPACE, workerAccessFolder, workerTokenSecretName } from './tenant/worker-access';
import { DNS_PORT, INGRESS_PORTS } from './core/network-defaults';

/** How problems of the platform props name their origin. */
const PLATFORM_FILE = 'main.ts (platform props)';

export interface SynthOptions {
  /** The platform's settings. */
  readonly platform: PlatformProps;
  /** How problems of the platform props name their origin. @default 'main.ts (platform props)' */
  readonly platformFile?: string;
  /**
   * Folder of the tenant files: every `*.yaml` in it (sorted) is one tenant. Problems name the files
   * as `<tenantsDir>/<file>`.
   * @default - no tenant files
   */
  readonly tenantsDir?: string;
  /**
   * Tenants given in code (tests, benchmarks), after those of `tenantsDir`; problems name them
   * `(code) tenants[<i>]`.
   * @default []
   */
  readonly tenants?: readonly TenantSpec[];
  /**
   * Tenants that may leave the output without being decommissioned, change namespace, leave a cluster, or take
   * a name or namespace a removed tenant had (`--allow-removal`); see lib/tenant/lifecycle-guard.ts. @default []
   */
  readonly allowRemoval?: readonly string[];
  /** More folders after the platform's and the tenants' (tests). @default - none */
  readonly extraFolders?: (platform: ResolvedPlatform) => OutputFolder[];
}

/**
 * The platform and the tenants, checked: one `ConfigError` lists every problem of the platform props
 * and of every tenant file (when the platform props are wrong, only the tenants' syntax and schema
 * problems can be added, since the other checks need the platform).
 */
export function resolveInput(options: SynthOptions): { platform: ResolvedPlatform; tenants: ResolvedTenant[] } {
  const sources: TenantSource[] = [...(options.tenantsDir !== undefined ? readTenantFiles(options.tenantsDir) : []), ...codeTenants(options.tenants ?? [])];
  let platform: ResolvedPlatform;
  try {
    platform = resolvePlatform(options.platform, options.platformFile ?? PLATFORM_FILE);
  } catch (e) {
    if (e instanceof ConfigError) {
      const note = sources.length > 0 ? 'The tenant files were checked against their schema only: the checks that need the platform (ports, namespaces, limits, clusters, names across tenants) run once the platform props have no problem.' : undefined;
      throw new ConfigError([...e.problems, ...tenantSchemaProblems(sources).all], note);
    }
    throw e;
  }
  // The flavor's refusal of tenants and the tenant files' own problems come in one list. With several
  // clusters each worker's own flavor is checked for its tenants instead (lib/tenant/tenants.ts,
  // checkClusterFlavor); the control plane installs no tenant release, only plain objects.
  const support = platform.catalog.flavor.capabilities.tenants;
  const refusal: Problem[] = [];
  if (!support.supported && sources.length > 0 && platform.clusterPlatforms.length === 0) {
    const problems = new Problems(options.platformFile ?? PLATFORM_FILE);
    problems.add('gitops', platform.gitops, `cannot install tenants (${sources.length} tenant files): ${support.why}`);
    refusal.push(...problems.all);
  }
  let tenants: ResolvedTenant[];
  try {
    tenants = resolveTenants(sources, platform);
  } catch (e) {
    if (e instanceof ConfigError && refusal.length > 0) throw new ConfigError([...refusal, ...e.problems]);
    throw e;
  }
  if (refusal.length > 0) throw new ConfigError(refusal);
  if (platform.clusterPlatforms.length > 0) checkTenantClusters(sources, tenants, platform);
  return { platform, tenants };
}

/** The worker clusters a tenant's workloads run in: its file's `clusters`, else the platform's default worker cluster. */
export function tenantClusters(tenant: ResolvedTenant, platform: Pick<ResolvedPlatform, 'defaultWorkerCluster'>): readonly string[] {
  const own = (tenant as { readonly clusters?: readonly string[] }).clusters;
  return own !== undefined && own.length > 0 ? own : [platform.defaultWorkerCluster];
}

/**
 * With several clusters, each tenant's `clusters` must name worker clusters, and the tenants are checked again
 * against the own settings of every cluster where they get a namespace: the tenants of each worker cluster
 * fully (its NodePort range, its namespaces), and every tenant against the control plane's namespaces (the
 * control plane keeps each tenant's admin credentials in a namespace of the tenant's namespace name). The
 * Secrets the control plane's bootstrap Jobs mount from its server namespace, each worker's CA and each
 * tenant's token for each worker (`<tokenSecret>-<tenant>`), must all have names of their own. All problems
 * at once, on the tenant files. A tenant's name, company and namespace are unique across all clusters already
 * (the tenants are resolved together first); session and stream ports are compared per cluster (a range is
 * refused when another tenant of one of the same worker clusters has it).
 */
export function checkTenantClusters(sources: readonly TenantSource[], tenants: readonly ResolvedTenant[], platform: ResolvedPlatform): void {
  const problems: Problem[] = [];
  const workers = new Map(platform.clusters.filter((c) => c.worker).map((c) => [c.name, c]));
  for (const tenant of tenants) {
    tenantClusters(tenant, platform).forEach((name, i) => {
      if (!workers.has(name)) {
        const known = platform.clusters.find((c) => c.name === name);
        problems.push({ file: tenant.file, path: `clusters[${i}]`, value: name, message: known ? `is the "${known.role}" cluster; a tenant's clusters must be worker clusters: ${[...workers.keys()].join(', ')}` : `is not a worker cluster of the platform; they are: ${[...workers.keys()].join(', ')}` });
      }
    });
  }
  const seen = new Set<string>();
  const report = (list: readonly Problem[], cluster: ResolvedCluster) => {
    for (const p of list) {
      const key = `${p.file}\0${p.path}\0${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ ...p, message: `${p.message} (in cluster ${cluster.name})` });
    }
  };
  const problemsOf = (run: () => unknown): readonly Problem[] => {
    try {
      run();
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems;
    }
  };
  for (const { cluster, platform: clusterPlatform } of platform.clusterPlatforms) {
    const files = new Set(cluster.worker ? tenants.filter((t) => tenantClusters(t, platform).includes(cluster.name)).map((t) => t.file) : []);
    if (files.size > 0) report(problemsOf(() => resolveTenants(sources.filter((s) => files.has(s.file)), clusterPlatform)), cluster);
    // The control plane: every other tenant's namespace (of admin credentials) against its namespaces.
    const others = cluster.controlPlane ? sources.filter((s) => !files.has(s.file)) : [];
    if (others.length > 0) report(problemsOf(() => resolveTenants(others, clusterPlatform)).filter((p) => p.path === 'namespace' || p.path.startsWith('namespace (')), cluster);
  }
  problems.push(...serverSecretClashes(tenants, platform));
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * The Secrets of the workers in the control plane's server namespace that would share a name: a worker's
 * CA Secret and the token Secret of each of its tenants (`workerTokenSecretName`), across every worker
 * cluster and tenant (cluster A's tokenSecret `tok` with tenant `x-acme` and cluster B's `tok-x` with tenant
 * `acme` both make `tok-x-acme`). Each clash is reported once, on the tenant file that makes the later name.
 * Two clusters with the same tokenSecret or caSecret are the platform props' problem already.
 */
function serverSecretClashes(tenants: readonly ResolvedTenant[], platform: ResolvedPlatform): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, string>();
  const remote = platform.clusters.filter((c) => c.worker && c.apiServer !== undefined);
  for (const c of remote) if (!owners.has(c.apiServer!.caSecret)) owners.set(c.apiServer!.caSecret, `the CA Secret of cluster ${c.name} (clusters[${c.index}].apiServer.caSecret)`);
  for (const c of remote) {
    for (const tenant of tenants) {
      if (!tenantClusters(tenant, platform).includes(c.name)) continue;
      const name = workerTokenSecretName(c.apiServer!.tokenSecret, tenant.name);
      const owner = `the token Secret of tenant ${tenant.name} (${tenant.file}) for cluster ${c.name}`;
      const other = owners.get(name);
      if (other === undefined) {
        owners.set(name, owner);
        continue;
      }
      problems.push({
        file: tenant.file,
        path: 'name',
        value: tenant.name,
        message: `makes the Secret name "${name}" in the control plane's server namespace (cluster ${c.name}'s apiServer.tokenSecret "${c.apiServer!.tokenSecret}" + "-${tenant.name}"), which is also ${other}; one would be mounted for the other's API server: give the clusters apiServer.tokenSecret and caSecret names that no tenant's name can join`,
      });
    }
  }
  return problems;
}

/** The output before serialization: the folders as objects, and the files that are text already. */
export interface OutputObjects {
  readonly folders: readonly RenderedFolder[];
  /** Relative path to content (inventory, diagram, apply order...). */
  readonly texts: ReadonlyMap<string, string>;
  /** The tenants, for the output's marker. @default - none */
  readonly tenants?: ReadonlyArray<{ readonly name: string; readonly namespace: string }>;
  /** The install profile, for the output's marker. @default 'runbook' */
  readonly profile?: string;
  /**
   * With several clusters: each cluster's output, written below `clusters/<name>/` (then `folders` and
   * `texts` are empty). @default - one cluster
   */
  readonly clusters?: ReadonlyArray<{ readonly cluster: ResolvedCluster; readonly output: OutputObjects }>;
}

/** Checks the input, then builds every object of the output (see {@link renderOutput}). */
export function renderOutputObjects(options: SynthOptions): OutputObjects {
  const { platform, tenants } = resolveInput(options);
  if (platform.clusterPlatforms.length === 0) return renderPass(platform, tenants.map((tenant) => ({ tenant })), options);
  // Several clusters: one pass per cluster over the same resolved input, each with its own platform.
  // What a cluster's flavor cannot render is reported for every cluster at once.
  const clusters: Array<{ cluster: ResolvedCluster; output: OutputObjects }> = [];
  const problems: Problem[] = [];
  for (const { cluster, platform: own } of platform.clusterPlatforms as readonly ClusterPlatform[]) {
    try {
      clusters.push({ cluster, output: renderPass(own, tenantsOfCluster(tenants, platform, cluster), options, cluster) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { folders: [], texts: new Map(), tenants: tenants.map((t) => ({ name: t.name, namespace: t.namespace })), profile: platform.profile, clusters };
}

/**
 * The tenants of one cluster of several, each with the context its folders are built for: the control plane
 * gets every tenant's control-plane parts (bootstrap Job, ledger); a worker cluster the worker parts of its
 * own tenants (a cluster with both roles: both for its own tenants, the control-plane parts of the others).
 */
export function tenantsOfCluster(tenants: readonly ResolvedTenant[], platform: ResolvedPlatform, cluster: ResolvedCluster): Array<{ tenant: ResolvedTenant; cluster: ClusterContext }> {
  const context: ClusterContext = { name: cluster.name, role: cluster.role, controlPlane: cluster.controlPlane, worker: cluster.worker, ...(cluster.apiServer ? { apiServer: cluster.apiServer } : {}) };
  const controlOnly: ClusterContext = { name: cluster.name, role: 'control-plane', controlPlane: true, worker: false };
  const out: Array<{ tenant: ResolvedTenant; cluster: ClusterContext }> = [];
  for (const tenant of tenants) {
    const here = tenantClusters(tenant, platform).includes(cluster.name);
    if (here && cluster.worker) out.push({ tenant, cluster: context });
    else if (cluster.controlPlane) out.push({ tenant, cluster: controlOnly });
  }
  return out;
}

/** The tenant folders of one cluster (lib/tenant/tenant-folders.ts; no cluster: the single cluster's). */
const tenantFoldersIn: (tenant: ResolvedTenant, platform: ResolvedPlatform, cluster?: ClusterContext) => OutputFolder[] = tenantFolders;

/** One cluster's output (or the single cluster's, without `cluster`). */
function renderPass(platform: ResolvedPlatform, tenants: ReadonlyArray<{ tenant: ResolvedTenant; cluster?: ClusterContext }>, options: SynthOptions, cluster?: ResolvedCluster): OutputObjects {
  // Each folder is built, rendered to objects and let go before the next is built: only objects stay in
  // memory, never thousands of construct trees.
  const rendered: RenderedFolder[] = [];
  const secrets: SecretDeclaration[] = [];
  const seen = new Set<string>();
  const render = (folders: readonly OutputFolder[]) => {
    for (const folder of folders) {
      if (seen.has(folder.path)) throw new Error(`two output folders have the path "${folder.path}"`);
      seen.add(folder.path);
      rendered.push(...renderFolderObjects([folder]));
      secrets.push(...secretRequirementsOf(folder.app).map((requirement) => ({ folder: folder.path, requirement })));
    }
  };
  render(platformFolders(platform, COMPONENTS, cluster));
  // A worker of several clusters: the guard of the bootstrap's write access there (lib/tenant/worker-access.ts).
  if (cluster && !cluster.controlPlane) render([workerAccessFolder(platform.network)]);
  const tenantTexts = new Map<string, string>();
  for (const { tenant, cluster: context } of tenants) {
    render(context ? tenantFoldersIn(tenant, platform, context) : tenantFolders(tenant, platform));
    if (!context || context.controlPlane) for (const [path, text] of tenantTextFiles(tenant, platform)) tenantTexts.set(path, text);
  }
  if (!cluster || cluster.controlPlane) render(options.extraFolders?.(platform) ?? []);
  // What the flavor could not render (every release at once), before anything else is built on it.
  platform.catalog.throwIfProblems();
  const externalSecrets = planExternalSecrets(platform.secrets, secrets, seen);
  addExternalSecrets(rendered, platform.secrets, externalSecrets);
  const folderRules = cluster ? clusterFolderRules(cluster) : platformFolderRules();
  const gitops = gitopsOutput(rendered, { flavor: platform.catalog.flavor, settings: platform.gitopsSettings, folderRules }, externalStores(externalSecrets));
  const texts = new Map([...gitops.files, ...tenantTexts]);
  texts.set('ARCHITECTURE.md', architectureMarkdown(gitops.folders, gitops.nodes));
  const merged = mergeSecretRequirements(secrets.map((s) => s.requirement));
  const remote = new Map(externalSecrets.map((e) => [`${e.requirement.namespace}/${e.requirement.name}`, e.source]));
  texts.set('SECRETS.md', secretInventoryMarkdown(merged, remote));
  texts.set('secrets-inventory.json', secretInventoryJson(merged, remote));
  // What the checks need to know beyond the objects (lib/analysis/platform-facts.ts).
  // A worker of several clusters has neither the server nor billing.
  const controlPlane = !cluster || cluster.controlPlane;
  texts.set(
    FACTS_FILE,
    platformFactsJson({
      tenantLabel: TENANT_LABEL,
      billing: controlPlane && platform.billing.enabled ? platform.billing.namespace : undefined,
      server: controlPlane ? platform.server.namespace : undefined,
      redis: platform.redis.namespace,
      tenantReach: platformTenantReach(platform, cluster),
    }),
  );
  return { folders: gitops.folders, texts, tenants: tenants.map((t) => ({ name: t.tenant.name, namespace: t.tenant.namespace })), profile: platform.profile };
}

/**
 * What each namespace of the platform in one cluster offers tenants (the facts file's `tenantReach`): the
 * components' endpoints for tenants, the ingress controller on its ports, the DNS on 53 (TCP and UDP), and
 * nothing in the chart sources' namespace (where the flavor writes sources) nor, in a worker of several
 * clusters, the writer accounts' namespace.
 */
function platformTenantReach(platform: ResolvedPlatform, cluster?: ResolvedCluster): Record<string, ReachPort[]> {
  const reach: Record<string, ReachPort[]> = tenantReach(platform, cluster ? componentsForRoles(cluster) : COMPONENTS);
  const add = (ns: string, ports: readonly ReachPort[]) => (reach[ns] = [...(reach[ns] ?? []), ...ports]);
  add(platform.ingressNamespace, INGRESS_PORTS);
  add(platform.network.dnsNamespace, [DNS_PORT, `${DNS_PORT}/UDP`]);
  if (platform.catalog.flavor.renderSources) add(platform.sourceNamespace, []);
  if (cluster && !cluster.controlPlane) add(WORKER_ACCESS_NAMESPACE, []);
  return reach;
}

/** Serializes the output's objects: every file, relative path to content, sorted by path. */
export function serializeOutput(
  output: OutputObjects,
  // The marker's list of tenants that left the output (the lifecycle guard's, see synthesizeWithResult).
  removed: readonly MarkerTombstone[] = [],
): Map<string, string> {
  const files = output.clusters ? new Map<string, string>() : clusterFiles(output);
  // Several clusters: each cluster's tree below clusters/<name>/, one marker at the top listing them all.
  for (const { cluster, output: own } of output.clusters ?? []) {
    for (const [path, content] of clusterFiles(own)) files.set(`${cluster.folder}/${path}`, content);
  }
  files.set(MARKER_FILE, markerText(outputMarker(files, output.tenants ?? [], output.profile, removed)));
  return sortedByPath(files);
}

/** The files of one cluster's tree (the marker aside). */
function clusterFiles(output: OutputObjects): Map<string, string> {
  const files = serializeFolders(output.folders);
  for (const [name, content] of output.texts) files.set(name, content);
  files.set(ISOLATION_FILE, isolationMarkdown(output.folders, output.texts));
  return files;
}

/** The cluster whose output holds the tenants' bootstrap folders (the lifecycle guard reads them), and its folder. */
function controlPlaneOutput(output: OutputObjects): { output: OutputObjects; folder: string } {
  const cp = output.clusters?.find((c) => c.cluster.controlPlane);
  return cp ? { output: cp.output, folder: cp.cluster.folder } : { output, folder: '' };
}

/** Every file of the output, relative path to content, sorted by path. */
export function renderOutput(options: SynthOptions): Map<string, string> {
  return serializeOutput(renderOutputObjects(options));
}

/**
 * Renders the output and writes it into `outdir`, which must be missing, empty or synth's own output
 * (see `writeTree`), unless the lifecycle guard refuses what it would remove (a `ConfigError`, nothing
 * written). Returns the files, what the write did, and the guard's lines for the summary.
 */
export function synthesizeWithResult(options: SynthOptions, outdir: string): { files: Map<string, string>; result: WriteResult; lifecycle: readonly string[] } {
  const output = renderOutputObjects(options);
  const control = controlPlaneOutput(output);
  const previous = previousOutput(outdir);
  const next = tenantsOfFolders(control.output.folders);
  // The marker's `removed` list once the guard lets the output through (the guard does not read the marker's text).
  const removed = tombstonesAfter(previous.tenants, next, previous.removed);
  const files = serializeOutput(output, removed);
  // A switch between one cluster and several: the one cluster is the control plane of the several.
  const cp = output.clusters?.find((c) => c.cluster.controlPlane)?.cluster.name;
  const several = output.clusters !== undefined;
  const switched = previous.layout !== undefined && (previous.layout === 'several') !== several;
  const oneCluster = switched ? (several ? cp : previous.controlPlane) : undefined;
  const lifecycle = checkLifecycle(previous.tenants, next, {
    allowRemoval: options.allowRemoval,
    tenantFile: (name) => `${options.tenantsDir ?? 'tenants'}/${name}.yaml`,
    leavingFiles: (cluster, tenant) => clusterLeaveFiles(outdir, files, cluster, tenant, previous.files),
    removed: previous.removed,
    ...(oneCluster !== undefined ? { oneCluster } : {}),
    // One cluster to several: the one cluster's tree against the control plane's; several to one: a worker's tree leaves whole.
    layoutLeavingFiles: (cluster, tenant) => (several ? layoutLeaveFiles(outdir, files, '', `${control.folder}/`, tenant, previous.files) : clusterLeaveFiles(outdir, files, cluster, tenant, previous.files)),
  });
  const result = writeTree(files, outdir);
  return { files, result, lifecycle: lifecycle.lines };
}

/**
 * Renders the output and writes it into `outdir` (see {@link synthesizeWithResult}). Lines for the
 * summary go to `summary`.
 */
export function synthesize(options: SynthOptions, outdir: string, summary: string[] = []): Map<string, string> {
  const { files, lifecycle } = synthesizeWithResult(options, outdir);
  summary.push(...lifecycle);
  return files;
}
