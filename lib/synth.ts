/**
 * From platform props (and tenant files) to the files of the output folder.
 *
 * `renderOutput` checks every input first and throws one `ConfigError` listing all problems before
 * anything is rendered; `synthesize` then writes into the output folder (only a folder it owns, see
 * write-tree.ts and marker.ts), so bad input never touches it.
 */
import { platformFolderRules } from './components/derived';
import { FACTS_FILE, platformFactsJson } from './analysis/platform-facts';
import { TENANT_LABEL } from './core/labels';
import { ResolvedPlatform, resolvePlatform } from './platform/platform';
import { PlatformProps } from './platform/platform-props';
import { ConfigError, Problem, Problems } from './core/problems';
import { TenantSpec } from './config/tenant-schema';
import { ResolvedTenant, TenantSource, codeTenants, readTenantFiles, resolveTenants, tenantSchemaProblems } from './tenant/tenants';
import { gitopsOutput } from './gitops/gitops-output';
import { architectureMarkdown } from './output/architecture';
import { ISOLATION_FILE, isolationMarkdown } from './output/isolation-summary';
import { MARKER_FILE, markerText, outputMarker } from './output/marker';
import { OutputFolder, WriteResult, renderFolderObjects, serializeFolders, sortedByPath, writeTree } from './output/write-tree';
import { RenderedFolder } from './core/folders';
import { platformFolders } from './platform/platform-folders';
import { addExternalSecrets, externalStores, planExternalSecrets, SecretDeclaration } from './secrets/external-secrets';
import { mergeSecretRequirements, secretInventoryJson, secretInventoryMarkdown, secretRequirementsOf } from './security/secret-reference';
import { tenantTextFiles } from './tenant/decommission-procedure';
import { checkLifecycle, tenantsOfFolders, tenantsOfOutputDir } from './tenant/lifecycle-guard';
import { tenantFolders } from './tenant/tenant-folders';

/** How problems of the platform props name their origin. */
const PLATFORM_FILE = 'main.ts (platform props)';

export interface SynthOptions {
  /** The platform's settings. */
  readonly platform: PlatformProps;
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
   * Tenants that may leave the output without being decommissioned, or change namespace (`--allow-removal`);
   * see lib/tenant/lifecycle-guard.ts. @default []
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
    platform = resolvePlatform(options.platform, PLATFORM_FILE);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError([...e.problems, ...tenantSchemaProblems(sources).all]);
    throw e;
  }
  // The flavor's refusal of tenants and the tenant files' own problems come in one list.
  const support = platform.catalog.flavor.capabilities.tenants;
  const refusal: Problem[] = [];
  if (!support.supported && sources.length > 0) {
    const problems = new Problems(PLATFORM_FILE);
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
  return { platform, tenants };
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
}

/** Checks the input, then builds every object of the output (see {@link renderOutput}). */
export function renderOutputObjects(options: SynthOptions): OutputObjects {
  const { platform, tenants } = resolveInput(options);
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
  render(platformFolders(platform));
  const tenantTexts = new Map<string, string>();
  for (const tenant of tenants) {
    render(tenantFolders(tenant, platform));
    for (const [path, text] of tenantTextFiles(tenant, platform)) tenantTexts.set(path, text);
  }
  render(options.extraFolders?.(platform) ?? []);
  // What the flavor could not render (every release at once), before anything else is built on it.
  platform.catalog.throwIfProblems();
  const externalSecrets = planExternalSecrets(platform.secrets, secrets, seen);
  addExternalSecrets(rendered, platform.secrets, externalSecrets);
  const gitops = gitopsOutput(rendered, { flavor: platform.catalog.flavor, settings: platform.gitopsSettings, folderRules: platformFolderRules() }, externalStores(externalSecrets));
  const texts = new Map([...gitops.files, ...tenantTexts]);
  texts.set('ARCHITECTURE.md', architectureMarkdown(gitops.folders, gitops.nodes));
  const merged = mergeSecretRequirements(secrets.map((s) => s.requirement));
  const remote = new Map(externalSecrets.map((e) => [`${e.requirement.namespace}/${e.requirement.name}`, e.source]));
  texts.set('SECRETS.md', secretInventoryMarkdown(merged, remote));
  texts.set('secrets-inventory.json', secretInventoryJson(merged, remote));
  // What the checks need to know beyond the objects (lib/analysis/platform-facts.ts).
  texts.set(FACTS_FILE, platformFactsJson({ tenantLabel: TENANT_LABEL, billing: platform.billing.enabled ? platform.billing.namespace : undefined, server: platform.server.namespace, redis: platform.redis.namespace }));
  return { folders: gitops.folders, texts, tenants: tenants.map((t) => ({ name: t.name, namespace: t.namespace })), profile: platform.profile };
}

/** Serializes the output's objects: every file, relative path to content, sorted by path. */
export function serializeOutput(output: OutputObjects): Map<string, string> {
  const files = serializeFolders(output.folders);
  for (const [name, content] of output.texts) files.set(name, content);
  files.set(ISOLATION_FILE, isolationMarkdown(output.folders, output.texts));
  files.set(MARKER_FILE, markerText(outputMarker(files, output.tenants ?? [], output.profile)));
  return sortedByPath(files);
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
  const lifecycle = checkLifecycle(tenantsOfOutputDir(outdir), tenantsOfFolders(output.folders), {
    allowRemoval: options.allowRemoval,
    tenantFile: (name) => `${options.tenantsDir ?? 'tenants'}/${name}.yaml`,
  });
  const files = serializeOutput(output);
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
