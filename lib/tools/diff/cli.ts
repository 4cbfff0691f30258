/**
 * `npm run diff -- [--base REF | --base-dir A] [--head-dir B] [--markdown FILE] [--fail-on risk]`: a
 * semantic diff of two output trees with its risks named (README "Reviewing changes").
 *
 * Exit codes: 0 done (or no risk with `--fail-on risk`), 3 a risk was found with `--fail-on risk`,
 * 1 bad input (unknown option or ref, missing folder, unreadable YAML), with every problem named.
 */
import { writeFileSync } from 'node:fs';
import { ParsedArgs, hasOption, optionValue, parseOrExit } from '../../cli-args';
import { DIFF_COMMAND } from '../../cli-commands';
import { resolve } from 'node:path';
import { Comparison, ObjectRef, compareTrees } from './compare';
import { DiffReport, TenantSummary, renderMarkdown, renderText } from './report';
import { assess } from './risks';
import { DiffInputError, Tree, factsOfTree, readTreeFromDir, readTreeFromGit } from './tree';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}
const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Checks the parsed command line beyond the parser (lib/cli-args.ts): every problem at once. */
export function diffArgumentProblems(args: ParsedArgs): string[] {
  const problems: string[] = [];
  if (hasOption(args, '--base') && hasOption(args, '--base-dir')) problems.push('--base and --base-dir cannot be used together');
  const failOn = optionValue(args, '--fail-on');
  if (failOn !== undefined && failOn !== 'risk') problems.push(`--fail-on "${failOn}" is not allowed; allowed: risk`);
  return problems;
}

function tenantsOf(t: Tree): Set<string> {
  const out = new Set<string>();
  for (const p of t.files.keys()) {
    const m = /^tenants\/([^/]+)\//.exec(p);
    if (m) out.add(m[1]);
  }
  return out;
}

function stateOf(r: ObjectRef | undefined): string | undefined {
  const plan = r?.object.kind === 'ConfigMap' ? r.object.data?.['plan.json'] : undefined;
  if (typeof plan !== 'string') return undefined;
  try {
    return JSON.parse(plan).state ?? 'active';
  } catch {
    return undefined;
  }
}

/** Tenants added, changed and removed, and state changes read from the bootstrap plans (`active` when absent). */
export function summarizeTenants(base: Tree, head: Tree, c: Comparison): TenantSummary {
  const b = tenantsOf(base);
  const h = tenantsOf(head);
  const touched = new Set<string>();
  for (const r of [...c.added, ...c.removed, ...c.changed.map((x) => x.head)]) if (r.tenant) touched.add(r.tenant);
  const stateChanges: string[] = [];
  for (const x of c.changed) {
    const before = stateOf(x.base);
    const after = stateOf(x.head);
    if (before && after && before !== after && x.head.tenant) stateChanges.push(`${x.head.tenant}: ${before} -> ${after}`);
  }
  return {
    added: [...h].filter((t) => !b.has(t)).sort(),
    removed: [...b].filter((t) => !h.has(t)).sort(),
    changed: [...touched].filter((t) => b.has(t) && h.has(t)).sort(),
    stateChanges: stateChanges.sort(),
  };
}

/**
 * Builds the report of two trees, with the facts of each (its `platform-facts.json`); a tree without facts is
 * bad input ({@link DiffInputError}).
 */
export function diffTrees(base: Tree, head: Tree): DiffReport {
  const baseFacts = factsOfTree(base);
  const headFacts = factsOfTree(head);
  const comparison = compareTrees(base, head, { base: baseFacts.tenantLabel, head: headFacts.tenantLabel });
  const tenants = summarizeTenants(base, head, comparison);
  const tenantNamespaces = new Set<string>(tenantsOf(head));
  for (const r of [...comparison.added, ...comparison.changed.map((x) => x.head)]) {
    const t = r.object.kind === 'Namespace' ? r.object.metadata.labels?.[headFacts.tenantLabel] : undefined;
    if (t) tenantNamespaces.add(r.object.metadata.name!);
  }
  const assessment = assess({
    comparison,
    tenantsAdded: new Set(tenants.added),
    tenantsRemoved: new Set(tenants.removed),
    headInventory: head.files.get('secrets-inventory.json')?.text,
    tenantNamespaces,
    facts: { base: baseFacts, head: headFacts },
  });
  return { baseLabel: base.label, headLabel: head.label, comparison, tenants, assessment };
}

/** Runs the command; returns the exit code. */
export function main(argv: readonly string[], io: Output = STDIO, cwd = process.cwd()): number {
  const parsed = parseOrExit(DIFF_COMMAND, argv, io, 1, diffArgumentProblems);
  if (typeof parsed === 'number') return parsed;
  const summary = hasOption(parsed, '--summary');
  const args: Record<string, string | undefined> = Object.fromEntries(['base', 'base-dir', 'head-dir', 'markdown', 'fail-on'].map((k) => [k, optionValue(parsed, `--${k}`)]));
  let report: DiffReport;
  try {
    const headDir = args['head-dir'] ?? 'dist';
    const head = readTreeFromDir(resolve(cwd, headDir), headDir);
    const base = args['base-dir'] !== undefined ? readTreeFromDir(resolve(cwd, args['base-dir']), args['base-dir']) : readTreeFromGit(args.base ?? 'HEAD', headDir, cwd);
    report = diffTrees(base, head);
  } catch (e) {
    if (!(e instanceof DiffInputError)) throw e;
    io.err(`diff: ${e.message}\n`);
    return 1;
  }
  if (report.comparison.problems.length > 0) {
    io.err(`diff: ${report.comparison.problems.length} file(s) cannot be read:\n${report.comparison.problems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  }
  const text = renderText(report);
  io.out(summary ? `${text.split('\ndetails:\n')[0]}\n` : text);
  if (args.markdown) writeFileSync(args.markdown, renderMarkdown(report));
  if (args['fail-on'] === 'risk' && report.assessment.risks.length > 0) {
    io.err(`diff: ${report.assessment.risks.length} risk(s) found (--fail-on risk)\n`);
    return 3;
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
