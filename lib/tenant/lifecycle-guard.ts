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
 * - a switch between one cluster and several that takes a tenant's workloads off the cluster that ran them
 *   (a plan without `targets` runs in the one cluster, which is taken to be the control plane of the
 *   several: it runs the server in both layouts);
 * - a tenant that takes over what a tenant that left the output left behind: a name or namespace of the
 *   marker's `removed` list (lib/output/marker.ts), or a namespace another tenant had in the replaced output
 *   (the prune guard keeps the namespace with its data; ClearML keeps the company with its name).
 *
 * The replaced output's tenants are those of its plan ConfigMaps and those its marker lists (a tenant only
 * the marker knows, its plan folder deleted by hand, has the state `unknown`).
 *
 * `--allow-removal <name>` (repeatable) lets all but the revival happen on purpose; synth's summary lists
 * them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ConfigError, Problem } from '../core/problems';
import { RenderedFolder } from '../core/folders';
import { MARKER_FILE as MARKER_NAME, MarkerTombstone, readOutputMarker, sortedTombstones } from '../output/marker';

/** What the output says about one tenant. */
export interface OutputTenant {
  readonly name: string;
  /** The tenant namespace (the plan's `namespace`). */
  readonly namespace: string;
  /**
   * The plan's `state`; a plan without one (contract version 1) is `active`; `unknown` for a tenant only
   * the replaced output's marker lists (its plan ConfigMap is gone).
   */
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

/** State of a tenant the replaced output's marker lists but whose plan ConfigMap is gone. */
export const UNKNOWN_STATE = 'unknown';

/** What the guard knows of the output being replaced. */
export interface PreviousOutput {
  /** Its tenants: from the plan ConfigMaps, and those only its marker lists (state `unknown`). */
  readonly tenants: Map<string, OutputTenant>;
  /** Its marker's `removed` list (tenants that left an earlier output). */
  readonly removed: readonly MarkerTombstone[];
  /** `several` when it is an output of several clusters (`clusters/<c>/`), `one` otherwise; absent without an output. */
  readonly layout?: 'one' | 'several';
  /** With several clusters, the cluster whose folder holds the tenants' bootstrap folders (the control plane). */
  readonly controlPlane?: string;
  /** Its marker's list of files. @default [] */
  readonly files: readonly string[];
}

/**
 * The output in `outdir` as the guard sees it (see {@link PreviousOutput}). A marker that cannot be read
 * counts as none here (writing into that folder is refused with the reason, lib/output/write-tree.ts).
 */
export function previousOutput(outdir: string): PreviousOutput {
  const tenants = tenantsOfAnyLayout(outdir);
  let marker: ReturnType<typeof readOutputMarker>;
  try {
    marker = readOutputMarker(outdir);
  } catch {
    marker = undefined;
  }
  for (const t of marker?.tenants ?? []) if (!tenants.has(t.name)) tenants.set(t.name, { name: t.name, namespace: t.namespace, state: UNKNOWN_STATE });
  const several = marker ? marker.files.some((f) => f.startsWith('clusters/')) : existsSync(join(outdir, 'clusters'));
  // The control plane: the cluster whose tree holds the tenants' bootstrap folders.
  const controlPlane = several ? (marker?.files ?? []).map((f) => /^clusters\/([^/]+)\/tenants\/[^/]+\/bootstrap\//.exec(f)?.[1]).find((c) => c !== undefined) : undefined;
  const empty = !marker && tenants.size === 0;
  return {
    tenants: new Map([...tenants].sort(([a], [b]) => (a < b ? -1 : 1))),
    removed: marker?.removed ?? [],
    files: marker?.files ?? [],
    ...(empty ? {} : { layout: several ? ('several' as const) : ('one' as const) }),
    ...(controlPlane !== undefined ? { controlPlane } : {}),
  };
}

/**
 * The `removed` list of the new output's marker once the guard let it through: the replaced output's, plus
 * each tenant of `previous` that `next` has not (with its namespace), plus each namespace a tenant moved away
 * from. Nothing is ever dropped (the company and the namespace outlive the output), so it only grows.
 */
export function tombstonesAfter(previous: ReadonlyMap<string, OutputTenant>, next: ReadonlyMap<string, OutputTenant>, removed: readonly MarkerTombstone[] = []): MarkerTombstone[] {
  const list = [...removed];
  for (const before of previous.values()) {
    const after = next.get(before.name);
    if (after === undefined || after.namespace !== before.namespace) list.push({ name: before.name, namespace: before.namespace });
  }
  return sortedTombstones(list);
}

/** The kinds of a file's objects, each as often as it occurs. */
function kindsOfText(text: string): string[] {
  return [...text.matchAll(/^kind: *"?([A-Za-z0-9]+)"?\s*$/gm)].map((m) => m[1]);
}

/** The kinds of the objects in a file of the replaced output (none for kustomize's own kustomization.yaml). */
function kindsOfFile(outdir: string, path: string): string[] {
  if (path.endsWith('/kustomization.yaml') || path === 'kustomization.yaml') return [];
  let text = '';
  try {
    text = readFileSync(join(outdir, path), 'utf8');
  } catch {
    // listed but gone: no kinds to name
  }
  return kindsOfText(text);
}

/** A file of the replaced output that a switch between the layouts takes away, or that stays with fewer objects (`stays`, the kinds that go). */
export interface LayoutLeavingFile {
  readonly path: string;
  readonly kinds: readonly string[];
  /** The file is in the new output too, with fewer objects: `kinds` are those that go. @default false */
  readonly stays?: boolean;
}

/**
 * A layout switch: the files of a tenant in the replaced output's tree `from` (its marker's list; `''` for
 * one cluster's output, `clusters/<c>/` for a cluster of several) that the new output (`next`) has not in
 * its tree `to` of the same cluster (`''` or `clusters/<c>/`) at the same relative path: its folders
 * `tenants/<tenant>/...` and its GitOps entry `<flavor>/tenants/<shard>/<tenant>.yaml` (with the shard's
 * kustomization.yaml when it leaves too), each with the kinds of its objects; and those it has with fewer
 * objects (`stays`, with the kinds that go: in one cluster the namespace file holds the tenant's policies,
 * on a control plane of several only the admin's). `previousFiles`: the replaced output's marker's list, when
 * read already (else read from `outdir`).
 */
export function layoutLeaveFiles(outdir: string, next: ReadonlyMap<string, string>, from: string, to: string, tenant: string, previousFiles?: readonly string[]): LayoutLeavingFile[] {
  let files: readonly string[];
  try {
    files = previousFiles ?? readOutputMarker(outdir)?.files ?? [];
  } catch {
    return [];
  }
  const inTree = files.filter((f) => f.startsWith(from) && (from !== '' || !f.startsWith('clusters/'))).map((f) => f.slice(from.length));
  const folderOf = (f: string) => f.slice(0, f.lastIndexOf('/') + 1);
  const shards = new Set(inTree.filter((f) => f.endsWith(`/${tenant}.yaml`) && /^[^/]+\/tenants\/[^/]+\/[^/]+$/.test(f)).map(folderOf));
  const out: LayoutLeavingFile[] = [];
  for (const f of inTree.filter((f) => f.startsWith(`tenants/${tenant}/`) || shards.has(folderOf(f)))) {
    const kinds = kindsOfFile(outdir, `${from}${f}`);
    const now = next.get(`${to}${f}`);
    if (now === undefined) {
      out.push({ path: `${from}${f}`, kinds });
      continue;
    }
    // Stays: the kinds it has fewer of.
    const remaining = kindsOfText(now);
    const going = kinds.filter((k) => {
      const i = remaining.indexOf(k);
      if (i < 0) return true;
      remaining.splice(i, 1);
      return false;
    });
    if (going.length > 0) out.push({ path: `${from}${f}`, kinds: going, stays: true });
  }
  return out;
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
  /**
   * The replaced output's marker's `removed` list: a new tenant with one of their names or namespaces is
   * refused unless allowed. @default []
   */
  readonly removed?: readonly MarkerTombstone[];
  /**
   * When one output has one cluster and the other several: the cluster of the several that the one cluster
   * is taken to be (the control plane; a plan without `targets` runs there). Without it, a switch between
   * the layouts is not compared cluster by cluster. @default - none
   */
  readonly oneCluster?: string;
  /**
   * The files of the replaced output that leave with a tenant whose workloads leave `cluster` in a switch
   * between the layouts (see {@link layoutLeaveFiles}). @default - none named
   */
  readonly layoutLeavingFiles?: (cluster: string, tenant: string) => readonly LayoutLeavingFile[];
}

/**
 * The files a tenant leaving `cluster` takes with it: those of the replaced output in `outdir` (its marker's
 * list) below `clusters/<cluster>/` that belong to the tenant (its folders `tenants/<tenant>/...` and its
 * GitOps entry `<flavor>/tenants/<shard>/<tenant>.yaml`, with the shard's kustomization.yaml when it was
 * alone there) and that `next` (the new output's files) has not, each with the kinds of its objects: the
 * files {@link layoutLeaveFiles} finds in the cluster's own tree, without those that stay. `previousFiles`:
 * the replaced output's marker's list, when read already (else read from `outdir`).
 */
export function clusterLeaveFiles(outdir: string, next: ReadonlyMap<string, string>, cluster: string, tenant: string, previousFiles?: readonly string[]): LayoutLeavingFile[] {
  const tree = `clusters/${cluster}/`;
  return layoutLeaveFiles(outdir, next, tree, tree, tenant, previousFiles).filter((f) => !f.stays);
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

/** `N objects (n Kind, ...)` of some files' kinds. */
function objectsText(files: ReadonlyArray<{ readonly kinds: readonly string[] }>): string {
  const counts = new Map<string, number>();
  for (const kind of files.flatMap((f) => f.kinds)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  return `${n} object${n === 1 ? '' : 's'} (${[...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, c]) => `${c} ${k}`).join(', ')})`;
}

/** How a tenant taken off a cluster is told: in a switch between the layouts, or with several clusters. */
interface OffClusterTexts {
  /** After `on purpose` in the summary line (`''`, or ` in the switch from ...`). */
  readonly onPurpose: string;
  /** The change, at the start of the problem's message. */
  readonly change: string;
  /** The README section (of "Tenant lifecycle") that says how to drain it. */
  readonly readme: string;
}

/**
 * The summary line (taken off on purpose) and the problem's message (refused) for tenant `before` taken off
 * `cluster`, with the files that leave (`leaving`) and whether its Namespace's file leaves too.
 */
function offClusterText(before: OutputTenant, cluster: string, leaving: string, namespaceLeaves: boolean, texts: OffClusterTexts): { line: string; message: string } {
  const line =
    `took tenant ${before.name} off cluster ${cluster} on purpose${texts.onPurpose} (--allow-removal; ${leaving}); ` +
    (namespaceLeaves
      ? `its namespace ${before.namespace} stays in ${cluster} (prune guard) without the policies that isolated it: delete it there by hand once it is drained`
      : `its namespace ${before.namespace} stays in the output of ${cluster}, with the admin's credentials only`);
  const message =
    `${texts.change}: ${leaving}; Flux or Argo CD would delete these objects in ${cluster} ` +
    (namespaceLeaves
      ? `but its Namespace ${before.namespace}, which stays there (prune guard) with any pods still running in it and none of the policies that isolate them. `
      : `(its namespace ${before.namespace} stays in the output, with the admin's credentials only). `) +
    `Drain it from ${cluster} first (README "Tenant lifecycle", ${texts.readme}), then run synth with --allow-removal ${before.name}`;
  return { line, message };
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
  // A tenant taken off a cluster: allowed (a summary line) or refused (a problem on its `clusters`, now `to`).
  const takeOff = (before: OutputTenant, cluster: string, to: readonly string[], leaving: string, namespaceLeaves: boolean, texts: OffClusterTexts): void => {
    const said = offClusterText(before, cluster, leaving, namespaceLeaves, texts);
    if (allowed.has(before.name)) {
      used.add(before.name);
      lines.push(said.line);
    } else {
      problems.push({ file: fileOf(before.name), path: 'clusters', value: [...to], message: said.message });
    }
  };
  for (const before of [...previous.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const after = next.get(before.name);
    const file = fileOf(before.name);
    if (after === undefined) {
      if (before.state === 'decommissioned') {
        used.add(before.name);
        lines.push(`removed tenant ${before.name} (decommissioned before); its namespace ${before.namespace} stays in the cluster (prune guard)`);
      } else if (allowed.has(before.name)) {
        used.add(before.name);
        const was = before.state === UNKNOWN_STATE ? 'its state was unknown, its plan ConfigMap gone' : `it was ${before.state}, not decommissioned`;
        lines.push(`removed tenant ${before.name} on purpose (--allow-removal; ${was}); its namespace ${before.namespace} stays in the cluster (prune guard)`);
      } else {
        const unknown = before.state === UNKNOWN_STATE;
        problems.push({
          file,
          path: '(file)',
          value: undefined,
          message:
            (unknown
              ? `tenant ${before.name} (namespace ${before.namespace}, state unknown: the marker ${MARKER_NAME} of the output being replaced lists it, but its plan ConfigMap in tenants/${before.name}/bootstrap/ is gone) ` +
                'is in the output being replaced but has no tenant file now; removing a tenant not known to be decommissioned '
              : `tenant ${before.name} (namespace ${before.namespace}, ${before.state}) is in the output being replaced but has no tenant file now; removing a tenant that is not decommissioned `) +
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
    // A switch between one cluster and several: the one cluster is the control plane of the several.
    if (options.oneCluster !== undefined && before.state !== UNKNOWN_STATE && (before.clusters === undefined) !== (after.clusters === undefined)) {
      const one = options.oneCluster;
      const from = before.clusters ?? [one];
      const to = after.clusters ?? [one];
      for (const cluster of from.filter((c) => !to.includes(c))) {
        const all = options.layoutLeavingFiles?.(cluster, before.name) ?? [];
        const files = all.filter((f) => !f.stays);
        const shrinking = all.filter((f) => f.stays);
        const leaving = leavingText(files) + (shrinking.length > 0 ? `, and ${objectsText(shrinking)} go from ${shrinking.map((f) => f.path).join(', ')}, which stay${shrinking.length === 1 ? 's' : ''}` : '');
        const namespaceLeaves = all.length === 0 || files.some((f) => f.kinds.includes('Namespace'));
        const switch_ =
          before.clusters === undefined
            ? `the switch from one cluster to several moves tenant ${before.name}'s workloads from the one cluster of the output being replaced (taken as ${one}, the control plane now, which runs the server in both layouts) to ${to.join(', ')}`
            : `the switch from several clusters to one moves tenant ${before.name}'s workloads from cluster ${cluster} (it runs in ${from.join(', ')} in the output being replaced) to the one cluster (taken as ${one}, the control plane of the output being replaced)`;
        takeOff(before, cluster, to, leaving, namespaceLeaves, {
          onPurpose: ` in the switch ${before.clusters === undefined ? 'from one cluster to several' : 'from several clusters to one'}`,
          change: switch_,
          readme: 'switching between one cluster and several',
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
      takeOff(before, cluster, after.clusters!, leaving, namespaceLeaves, {
        onPurpose: '',
        change: `takes tenant ${before.name} off cluster ${cluster} (it runs in ${before.clusters!.join(', ')} in the output being replaced)`,
        readme: 'taking a tenant off a cluster',
      });
    }
  }
  // What a tenant that left the output left behind: a new tenant with its name, a tenant taking its namespace.
  const tombstones = options.removed ?? [];
  for (const after of [...next.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const before = previous.get(after.name);
    const reasons: string[] = [];
    let takesNamespace = false;
    const names = before === undefined ? tombstones.filter((t) => t.name === after.name) : [];
    if (names.length > 0) reasons.push(`the name ${after.name} was a tenant's that left the output before (namespace ${names.map((t) => t.namespace).join(', ')}; the marker ${MARKER_NAME} lists it under removed)`);
    if (before?.namespace !== after.namespace) {
      const others = [...previous.values()].filter((p) => p.name !== after.name && p.namespace === after.namespace).map((p) => `tenant ${p.name}'s in the output being replaced, which leaves it now`);
      const gone = tombstones.filter((t) => t.namespace === after.namespace && !(names.includes(t))).map((t) => `tenant ${t.name}'s, which left the output before (the marker ${MARKER_NAME} lists it under removed)`);
      if (others.length + gone.length > 0) reasons.push(`namespace ${after.namespace} was ${[...others, ...gone].join(' and ')}`);
      else if (names.some((t) => t.namespace === after.namespace)) reasons[reasons.length - 1] += `, and so was namespace ${after.namespace}`;
      takesNamespace = others.length + gone.length > 0 || names.some((t) => t.namespace === after.namespace);
    }
    if (reasons.length === 0) continue;
    const takesName = names.length > 0;
    if (allowed.has(after.name)) {
      used.add(after.name);
      lines.push(`tenant ${after.name} takes over what another tenant left behind on purpose (--allow-removal): ${reasons.join('; ')}`);
      continue;
    }
    problems.push({
      file: fileOf(after.name),
      path: takesName ? 'name' : 'namespace',
      value: takesName ? after.name : after.namespace,
      message:
        `takes over what a tenant that left the output left behind: ${reasons.join('; ')}. ` +
        (takesNamespace
          ? `The prune guard keeps a removed tenant's namespace in the cluster with its PersistentVolumeClaims and Secrets (its agent and app gateway credentials), which tenant ${after.name}'s pods would get. `
          : '') +
        (takesName
          ? `ClearML keeps the company of a removed tenant, with its name, until it is deleted by hand (DECOMMISSIONED.md), and its ledger clearml-tenant-ledger-${after.name} stays in the server namespace: tenant ${after.name}'s bootstrap would meet the old company and its ledger. `
          : '') +
        `Give the new tenant a name and namespace of its own; or, once the old tenant's data${takesName ? ', company and ledger are' : ' is'} deleted, or to hand ${takesName ? 'them' : 'it'} over on purpose, run synth with --allow-removal ${after.name}`,
    });
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
