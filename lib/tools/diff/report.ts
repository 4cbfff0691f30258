/**
 * The diff report: summary (tenants, states, objects per layer), risks, information, then the details
 * grouped by tenant and layer. Rendered as text for the terminal or as Markdown for a pull request.
 */
import { Comparison, FieldChange, ObjectRef } from './compare';
import { Assessment } from './risks';

export interface TenantSummary {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** `tenant: before -> after` for tenants whose state changed. */
  readonly stateChanges: readonly string[];
}

export interface DiffReport {
  readonly baseLabel: string;
  readonly headLabel: string;
  readonly comparison: Comparison;
  readonly tenants: TenantSummary;
  readonly assessment: Assessment;
}

/** Detail lines shown at most; the rest are counted. */
const MAX_DETAIL_LINES = 2000;
const MAX_VALUE = 100;

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? (v.includes('\n') ? JSON.stringify(v) : v) : JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}... (${s.length} chars)` : s;
}

const name = (r: ObjectRef) => `${r.object.kind} ${r.object.metadata.namespace ? `${r.object.metadata.namespace}/` : ''}${r.object.metadata.name}`;
const list = (xs: readonly string[]) => (xs.length === 0 ? '-' : xs.length > 20 ? `${xs.slice(0, 20).join(', ')} ... and ${xs.length - 20} more` : xs.join(', '));

/** Counts per layer: `layer -> [added, changed, removed]`. */
export function perLayer(c: Comparison): Map<string, [number, number, number]> {
  const m = new Map<string, [number, number, number]>();
  const bump = (layer: string, i: number) => {
    const row = m.get(layer) ?? [0, 0, 0];
    row[i]++;
    m.set(layer, row);
  };
  c.added.forEach((r) => bump(r.layer, 0));
  c.changed.forEach((x) => bump(x.head.layer, 1));
  c.removed.forEach((r) => bump(r.layer, 2));
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The summary, risk and information lines (what CI prints). */
export function summaryLines(r: DiffReport): string[] {
  const c = r.comparison;
  const lines = [
    `Diff of ${r.baseLabel} (base) and ${r.headLabel} (head)`,
    `files: ${c.baseFiles} in base, ${c.headFiles} in head, ${c.identicalFiles} identical YAML files (not parsed)`,
    `tenants added (${r.tenants.added.length}): ${list(r.tenants.added)}`,
    `tenants changed (${r.tenants.changed.length}): ${list(r.tenants.changed)}`,
    `tenants removed (${r.tenants.removed.length}): ${list(r.tenants.removed)}`,
  ];
  if (r.tenants.stateChanges.length > 0) lines.push(`tenant states changed: ${list(r.tenants.stateChanges)}`);
  const layers = perLayer(c);
  lines.push(`objects: +${c.added.length} added, ~${c.changed.length} changed, -${c.removed.length} removed${layers.size ? ' (per layer below)' : ''}`);
  for (const [layer, [a, ch, rm]] of layers) lines.push(`  ${layer}: +${a} ~${ch} -${rm}`);
  lines.push('', `risks (${r.assessment.risks.length}):`);
  if (r.assessment.risks.length === 0) lines.push('  none');
  for (const f of r.assessment.risks) {
    lines.push(`  [${f.kind}] ${f.message}`);
    for (const o of f.objects.slice(0, 10)) lines.push(`      ${o}`);
    if (f.objects.length > 10) lines.push(`      ... and ${f.objects.length - 10} more`);
  }
  if (r.assessment.info.length > 0) {
    lines.push('', 'information:');
    for (const i of r.assessment.info) lines.push(`  ${i}`);
  }
  return lines;
}

function fieldLine(f: FieldChange): string {
  return `      ${f.path}: ${show(f.before)} -> ${show(f.after)}`;
}

/** Detail lines grouped by tenant (or "platform") and layer. */
export function detailLines(r: DiffReport): string[] {
  const c = r.comparison;
  const groups = new Map<string, Map<string, string[]>>();
  const put = (ref: ObjectRef, lines: string[]) => {
    const g = ref.tenant ? `tenant ${ref.tenant}` : 'platform';
    const layers = groups.get(g) ?? new Map<string, string[]>();
    groups.set(g, layers);
    layers.set(ref.layer, [...(layers.get(ref.layer) ?? []), ...lines]);
  };
  for (const a of c.added) put(a, [`    + ${name(a)} (${a.file})`]);
  for (const x of c.removed) put(x, [`    - ${name(x)} (${x.file})`]);
  for (const x of c.changed) {
    const head = `    ~ ${name(x.head)} (${x.head.file})${x.renamed ? ` renamed from ${x.base.object.metadata.name}` : ''}${x.base.file !== x.head.file ? ` moved from ${x.base.file}` : ''}`;
    put(x.head, [head, ...x.fields.filter((f) => f.path !== 'metadata.name').map(fieldLine)]);
  }
  const out: string[] = [];
  const sorted = [...groups].sort(([a], [b]) => (a === 'platform' ? -1 : b === 'platform' ? 1 : a < b ? -1 : 1));
  for (const [g, layers] of sorted) {
    out.push(g);
    for (const [layer, lines] of [...layers].sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`  ${layer}`, ...lines);
  }
  if (out.length > MAX_DETAIL_LINES) return [...out.slice(0, MAX_DETAIL_LINES), `... and ${out.length - MAX_DETAIL_LINES} more detail lines`];
  return out;
}

export function renderText(r: DiffReport): string {
  const details = detailLines(r);
  return [...summaryLines(r), '', 'details:', ...(details.length ? details : ['  no object changed']), ''].join('\n');
}

export function renderMarkdown(r: DiffReport): string {
  const [title, ...summary] = summaryLines(r);
  return [`### ${title}`, '', '```', ...summary, '```', '', '<details><summary>Details by tenant and layer</summary>', '', '```', ...detailLines(r), '```', '', '</details>', ''].join('\n');
}
