/**
 * Removal never by accident: before synth replaces its output folder, the tenants of the output it is
 * about to write are compared with those of the output it replaces (read from its files: each tenant's plan
 * ConfigMap in `tenants/<name>/bootstrap/`, which names the tenant, its namespace and its state).
 *
 * Refused, with the way to do it right:
 * - a tenant that leaves the output without having been `decommissioned` in the replaced output (Flux or
 *   Argo CD would remove its workloads and bootstrap, and ClearML would keep its company and working keys);
 * - a tenant whose namespace changes (a new, empty namespace; the old one orphaned with the data);
 * - a tenant that was `decommissioned` and is now `active` or `suspended` (its keys are revoked and the
 *   ledger is final; the bootstrap would refuse it too);
 * - with several clusters, a tenant that stays but leaves a cluster (the plan's `targets` name it in the
 *   replaced output, not in the new one): Flux or Argo CD would prune its policies, quota, RBAC and
 *   workloads there while its Namespace stays (prune guard) with whatever pods still run in it.
 *
 * `--allow-removal <name>` (repeatable) lets the first two and the last happen on purpose; synth's summary
 * lists them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ConfigError, Problem } from '../core/problems';
import { RenderedFolder } from '../core/folders';
import { readOutputMarker } from '../output/marker';

/** What the output says about one tenant. */
export interface OutputTenant {
  readonly name: string;
  /** The tenant namespace (the plan's `namespace`). */
  readonly namespace: string;
  /** The plan's `state`; a plan without one (contract version 1) is `active`. */
  readonly state: string;
  /**
   * With several clusters, the clusters the tenant runs in (the plan's `targets`, in their order).
   * @default - one cluster (a plan without `targets`)
   */
  readonly clusters?: readonly string[];
}

const PLAN_FILE = /^tenants\/([^/]+)\/bootstrap\/[^/]+\.yaml$/;
const BOOTSTRAP_FOLDER = /^tenants\/([^/]+)\/bootstrap$/;

/** The tenant a plan ConfigMap describes, if `o` is one. */
function fromPlanConfigMap(o: Record<string, any> | null | undefined, folderTenant: string): OutputTenant | undefined {
  const text = o?.kind === 'ConfigMap' ? o.data?.['plan.json'] : undefined;
  if (typeof text !== 'string') return undefined;
  let plan: Record<string, unknown>;
  try {
    plan = JSON.parse(text);
  } catch {
    return undefined;
  }
  const name = typeof plan.tenant === 'string' ? plan.tenant : folderTenant;
  const namespace = typeof plan.namespace === 'string' ? plan.namespace : name;
  const state = typeof plan.state === 'string' ? plan.state : 'active';
  if (!Array.isArray(plan.targets)) return { name, namespace, state };
  const clusters = plan.targets.map((t: { cluster?: unknown }) => t?.cluster).filter((c): c is string => typeof c === 'string');
  return { name, namespace, state, clusters };
}

/** The tenants of an output given as files (relative path to content); only plan documents are parsed. */
export function tenantsOfOutput(files: Iterable<readonly [string, string]>): Map<string, OutputTenant> {
  const tenants = new Map<string, OutputTenant>();
  for (const [path, content] of files) {
    const folder = PLAN_FILE.exec(path)?.[1];
    if (folder === undefined || !content.includes('plan.json')) continue;
    for (const doc of content.split(/^---$/m)) {
      if (!doc.includes('plan.json')) continue;
      const tenant = fromPlanConfigMap(YAML.parse(doc), folder);
      if (tenant) tenants.set(tenant.name, tenant);
    }
  }
  return tenants;
}

/** The tenants of an output given as rendered folders (before serialization). */
export function tenantsOfFolders(folders: readonly RenderedFolder[]): Map<string, OutputTenant> {
  const tenants = new Map<string, OutputTenant>();
  for (const folder of folders) {
    const name = BOOTSTRAP_FOLDER.exec(folder.path)?.[1];
    if (name === undefined) continue;
    for (const o of folder.files.flatMap((f) => f.objects)) {
      const tenant = fromPlanConfigMap(o, name);
      if (tenant) tenants.set(tenant.name, tenant);
    }
  }
  return tenants;
}

/** The tenants of the output folder on disk (none when it does not exist). */
export function tenantsOfOutputDir(outdir: string): Map<string, OutputTenant> {
  const root = join(outdir, 'tenants');
  if (!existsSync(root)) return new Map();
  const files: Array<[string, string]> = [];
  for (const tenant of readdirSync(root, { withFileTypes: true })) {
    if (!tenant.isDirectory()) continue;
    const folder = join(root, tenant.name, 'bootstrap');
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) {
      if (file.endsWith('.yaml')) files.push([`tenants/${tenant.name}/bootstrap/${file}`, readFileSync(join(folder, file), 'utf8')]);
    }
  }
  return tenantsOfOutput(files);
}

/**
 * The tenants of the output in `outdir`, whatever its layout: one cluster's (`tenants/<t>/bootstrap/`) and
 * every cluster's of several (`clusters/<c>/tenants/<t>/bootstrap/`, only the control plane has them). So a
 * switch between the layouts, or a renamed control plane, still compares the tenants that were there.
 */
export function tenantsOfAnyLayout(outdir: string): Map<string, OutputTenant> {
  const tenants = tenantsOfOutputDir(outdir);
  const clusters = join(outdir, 'clusters');
  if (!existsSync(clusters)) return tenants;
  for (const cluster of readdirSync(clusters, { withFileTypes: true }).filter((d) => d.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const [name, tenant] of tenantsOfOutputDir(join(clusters, cluster.name))) if (!tenants.has(name)) tenants.set(name, tenant);
  }
  return tenants;
}

export interface LifecycleGuardOptions {
  /** Tenants whose removal, namespace change or leaving a cluster is on purpose (`--allow-removal`). @default [] */
  readonly allowRemoval?: readonly string[];
  /** The tenant file of a name, for the messages. @default - `tenants/<name>.yaml` */
  readonly tenantFile?: (name: string) => string;
  /**
   * The files of the replaced output that leave with a tenant leaving a cluster (for the messages; see
   * {@link clusterLeaveFiles}). @default - none named
   */
  readonly leavingFiles?: (cluster: string, tenant: string) => ReadonlyArray<{ readonly path: string; readonly kinds: readonly string[] }>;
}

/**
 * The files a tenant leaving `cluster` takes with it: those of the replaced output in `outdir` (its marker's
 * list) below `clusters/<cluster>/` that belong to the tenant (its folders `tenants/<tenant>/...` and its
 * GitOps entry `<flavor>/tenants/<shard>/<tenant>.yaml`) and that `next` (the new output's files) has not,
 * each with the kinds of its objects.
 */
export function clusterLeaveFiles(outdir: string, next: ReadonlyMap<string, string>, cluster: string, tenant: string): Array<{ path: string; kinds: string[] }> {
  let files: readonly string[];
  try {
    files = readOutputMarker(outdir)?.files ?? [];
  } catch {
    return [];
  }
  const prefix = `clusters/${cluster}/`;
  const folderOf = (f: string) => f.slice(0, f.lastIndexOf('/') + 1);
  // The shard folders of its GitOps entry: what leaves with it there (their kustomization.yaml when it was alone).
  const shards = new Set(files.filter((f) => f.startsWith(prefix) && f.endsWith(`/${tenant}.yaml`) && /\/tenants\/[^/]+\/[^/]+$/.test(f)).map(folderOf));
  return files
    .filter((f) => f.startsWith(prefix) && (f.startsWith(`${prefix}tenants/${tenant}/`) || shards.has(folderOf(f))) && !next.has(f))
    .map((path) => {
      let text = '';
      try {
        text = readFileSync(join(outdir, path), 'utf8');
      } catch {
        // listed but gone: no kinds to name
      }
      // A kustomization.yaml is kustomize's own file, not an object the controller applies.
      if (path.endsWith('/kustomization.yaml')) return { path, kinds: [] };
      return { path, kinds: [...text.matchAll(/^kind: *"?([A-Za-z0-9]+)"?\s*$/gm)].map((m) => m[1]) };
    });
}

/**
 * `N files (Kind ×n, ...)` and their folders, for the messages. The Namespace is not counted among the
 * objects: its file leaves, but the object stays in the cluster (the prune guard annotation), which the
 * messages say.
 */
function leavingText(files: ReadonlyArray<{ readonly path: string; readonly kinds: readonly string[] }>): string {
  if (files.length === 0) return 'no file leaves, but its objects there change';
  const folders = [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf('/') + 1)))].sort();
  const counts = new Map<string, number>();
  for (const kind of files.flatMap((f) => f.kinds)) if (kind !== 'Namespace') counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const kinds = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
  return `${files.length} file${files.length === 1 ? '' : 's'} leave (${folders.join(', ')}${kinds.length > 0 ? `; ${kinds.join(', ')}` : ''})`;
}

/** What the guard let through, for synth's summary. */
export interface LifecycleSummary {
  /** One line per tenant removed or moved, and why it was allowed. */
  readonly lines: readonly string[];
}

/**
 * Compares the replaced output's tenants with the new output's; throws one `ConfigError` with every
 * refused change, else returns the summary of what leaves.
 */
export function checkLifecycle(previous: ReadonlyMap<string, OutputTenant>, next: ReadonlyMap<string, OutputTenant>, options: LifecycleGuardOptions = {}): LifecycleSummary {
  const allowed = new Set(options.allowRemoval ?? []);
  const fileOf = options.tenantFile ?? ((name: string) => `tenants/${name}.yaml`);
  const problems: Problem[] = [];
  const lines: string[] = [];
  const used = new Set<string>();
  const several = [...previous.values(), ...next.values()].some((t) => t.clusters !== undefined);
  for (const before of [...previous.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const after = next.get(before.name);
    const file = fileOf(before.name);
    if (after === undefined) {
      if (before.state === 'decommissioned') {
        used.add(before.name);
        lines.push(`removed tenant ${before.name} (decommissioned before); its namespace ${before.namespace} stays in the cluster (prune guard)`);
      } else if (allowed.has(before.name)) {
        used.add(before.name);
        lines.push(`removed tenant ${before.name} on purpose (--allow-removal; it was ${before.state}, not decommissioned); its namespace ${before.namespace} stays in the cluster (prune guard)`);
      } else {
        problems.push({
          file,
          path: '(file)',
          value: undefined,
          message:
            `tenant ${before.name} (namespace ${before.namespace}, ${before.state}) is in the output being replaced but has no tenant file now; removing a tenant that is not decommissioned ` +
            "would leave its ClearML company and working keys alive. Put the file back with state: decommissioned, synth and let its bootstrap Job run, then remove the file; " +
            `or, to remove it as it is on purpose, run synth with --allow-removal ${before.name}`,
        });
      }
      continue;
    }
    if (before.state === 'decommissioned' && after.state !== 'decommissioned') {
      problems.push({
        file,
        path: 'state',
        value: after.state,
        message:
          `tenant ${before.name} is decommissioned in the output being replaced; every key of its company is revoked and its ledger is final, so it cannot become ${after.state} again ` +
          `(the bootstrap refuses it too); keep state: decommissioned, and give a new tenant a new name`,
      });
    }
    if (before.namespace !== after.namespace) {
      if (allowed.has(before.name)) {
        used.add(before.name);
        lines.push(`moved tenant ${before.name} from namespace ${before.namespace} to ${after.namespace} on purpose (--allow-removal); namespace ${before.namespace} stays in the cluster with its data (prune guard)`);
      } else {
        problems.push({
          file,
          path: 'namespace',
          value: after.namespace,
          message:
            `changes tenant ${before.name}'s namespace from "${before.namespace}" (in the output being replaced): the tenant would start over in an empty namespace and its Secrets and data would stay behind in "${before.namespace}". ` +
            `Keep namespace: ${before.namespace}; or, to move it on purpose, run synth with --allow-removal ${before.name}`,
        });
      }
    }
    // Several clusters: a cluster the tenant ran in and runs in no more.
    const left = before.clusters !== undefined && after.clusters !== undefined ? before.clusters.filter((c) => !after.clusters!.includes(c)) : [];
    for (const cluster of left) {
      const files = options.leavingFiles?.(cluster, before.name) ?? [];
      const leaving = leavingText(files);
      // A cluster that is also the control plane keeps the namespace (with the admin's credentials and default-deny).
      const namespaceLeaves = files.length === 0 || files.some((f) => f.kinds.includes('Namespace'));
      const stays = namespaceLeaves
        ? `but its Namespace ${before.namespace}, which stays there (prune guard) with any pods still running in it and none of the policies that isolate them`
        : `(its namespace ${before.namespace} stays in the output, with the admin's credentials only)`;
      if (allowed.has(before.name)) {
        used.add(before.name);
        lines.push(
          `took tenant ${before.name} off cluster ${cluster} on purpose (--allow-removal; ${leaving}); ` +
            (namespaceLeaves
              ? `its namespace ${before.namespace} stays in ${cluster} (prune guard) without the policies that isolated it: delete it there by hand once it is drained`
              : `its namespace ${before.namespace} stays in the output of ${cluster}, with the admin's credentials only`),
        );
      } else {
        problems.push({
          file,
          path: 'clusters',
          value: [...after.clusters!],
          message:
            `takes tenant ${before.name} off cluster ${cluster} (it runs in ${before.clusters!.join(', ')} in the output being replaced): ${leaving}; Flux or Argo CD would delete ` +
            `these objects in ${cluster} ${stays}. ` +
            `Drain it from ${cluster} first (README "Tenant lifecycle", taking a tenant off a cluster), then run synth with --allow-removal ${before.name}`,
        });
      }
    }
  }
  for (const name of [...allowed].sort()) {
    if (used.has(name)) continue;
    problems.push({
      file: '(command line)',
      path: '--allow-removal',
      value: name,
      message: previous.has(name)
        ? `tenant ${name} is neither removed nor moved to another namespace${several ? ' nor taken off a cluster' : ''} by this synth; nothing to allow, drop the option`
        : `names no tenant of the output being replaced (${previous.size === 0 ? 'it has none' : [...previous.keys()].sort().join(', ')}); nothing to allow`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { lines };
}

/** The names given with `--allow-removal <name>` (repeatable). */
export function allowRemovalArgs(argv: readonly string[]): string[] {
  const names: string[] = [];
  argv.forEach((a, i) => {
    if (a !== '--allow-removal') return;
    const name = argv[i + 1];
    if (!name || name.startsWith('-')) throw new Error('--allow-removal needs a tenant name');
    names.push(name);
  });
  return names;
}
