/**
 * `npm run diff -- [--base REF | --base-dir A] [--head-dir B] [--markdown FILE] [--fail-on risk]`: a
 * semantic diff of two output trees with its risks named (README "Reviewing changes").
 *
 * Exit codes: 0 done (or no risk with `--fail-on risk`), 3 a risk was found with `--fail-on risk`,
 * 1 bad input (unknown option or ref, missing folder, unreadable YAML), with every problem named.
 */
import { writeFileSync } from 'node:fs';
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

export const USAGE = `usage: npm run diff -- [--base REF | --base-dir DIR] [--head-dir DIR] [--markdown FILE] [--fail-on risk] [--summary]
  --base REF        compare dist/ as committed at REF (default: HEAD) with the working tree's dist/
  --base-dir DIR    compare the output tree DIR instead
  --head-dir DIR    the new tree (default: dist)
  --markdown FILE   also write the report as Markdown (for a pull request comment)
  --fail-on risk    exit 3 when any risk is found
  --summary         print only the summary, the risks and the information (no details)
exit codes: 0 done, 3 risk found (with --fail-on risk), 1 bad input
`;

const OPTIONS = ['--base', '--base-dir', '--head-dir', '--markdown', '--fail-on'];

/** Parses the command line; every problem at once. */
export function parseDiffArguments(argv: readonly string[]): { args: Record<string, string>; summary: boolean; problems: string[] } {
  const args: Record<string, string> = {};
  const problems: string[] = [];
  let summary = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (OPTIONS.includes(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) problems.push(`${a} needs a value`);
      else {
        args[a.slice(2)] = v;
        i++;
      }
    } else if (a === '--summary') summary = true;
    else problems.push(`unknown argument "${a}"; allowed: ${[...OPTIONS, '--summary', '--help'].join(', ')}`);
  }
  if (args.base !== undefined && args['base-dir'] !== undefined) problems.push('--base and --base-dir cannot be used together');
  if (args['fail-on'] !== undefined && args['fail-on'] !== 'risk') problems.push(`--fail-on "${args['fail-on']}" is not allowed; allowed: risk`);
  return { args, summary, problems };
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
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const { args, summary, problems } = parseDiffArguments(argv);
  if (problems.length > 0) {
    io.err(`diff: ${problems.length} problem(s) with the arguments:\n${problems.map((p) => `  ${p}\n`).join('')}${USAGE}`);
    return 1;
  }
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
