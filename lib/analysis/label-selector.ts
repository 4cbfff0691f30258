/**
 * Kubernetes label selectors (`metav1.LabelSelector`): `matchLabels` and `matchExpressions` with the
 * operators In, NotIn, Exists and DoesNotExist. All requirements must hold. An empty selector `{}`
 * matches everything; a missing selector is the caller's business (for NetworkPolicy peers it means
 * "no constraint of this kind").
 */

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Whether a selector has no requirement at all (`{}`), i.e. selects everything. */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** What is wrong with a selector (unknown operator, values where none are allowed, ...); empty when valid. */
export function selectorProblems(selector: unknown): string[] {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) return ['a label selector must be an object'];
  const s = selector as LabelSelector;
  const problems: string[] = [];
  if (s.matchLabels !== undefined && (s.matchLabels === null || typeof s.matchLabels !== 'object')) problems.push('matchLabels must be a map of strings');
  for (const [i, r] of (s.matchExpressions ?? []).entries()) {
    if (!OPERATORS.has(r.operator)) {
      problems.push(`matchExpressions[${i}].operator is "${r.operator}"; allowed: In, NotIn, Exists, DoesNotExist`);
    } else if ((r.operator === 'In' || r.operator === 'NotIn') && (r.values ?? []).length === 0) {
      problems.push(`matchExpressions[${i}] (${r.operator}) needs at least one value`);
    } else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && (r.values ?? []).length > 0) {
      problems.push(`matchExpressions[${i}] (${r.operator}) must not have values`);
    }
  }
  return problems;
}

/** Whether one requirement holds for the labels. Unknown operators never match. */
export function requirementMatches(r: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether the selector selects an object with these labels. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value || !Object.prototype.hasOwnProperty.call(labels, key)) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => requirementMatches(r, labels));
}

/** A stable text for a selector, usable as a cache key (key order and value order do not matter). */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (selector.matchExpressions ?? [])
    .map((r) => `${r.key}\u0000${r.operator}\u0000${[...(r.values ?? [])].sort().join('\u0001')}`)
    .sort();
  return JSON.stringify([labels, exprs]);
}
