/** Typo hints for unknown fields and keys ("did you mean ...?"), one rule for the tenant files and the platform props. */

/**
 * Edit distance of two strings (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each count 1).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name (a field, a key) an unknown `key` is likely a typo of: one that differs only in case, else the nearest
 * within edit distance 2 (the first in schema order on a tie), where the distance is less than half the
 * key's length (so that a short key does not match any short field); undefined when none is.
 */
export function nearestName(key: string, fields: readonly string[]): string | undefined {
  if (key.length > 200) return undefined; // a huge key (its own problem shortens it) is nobody's typo
  const sameCase = fields.find((f) => f.toLowerCase() === key.toLowerCase());
  if (sameCase !== undefined) return sameCase;
  let best: { field: string; distance: number } | undefined;
  for (const field of fields) {
    const distance = editDistance(key, field);
    if (distance <= 2 && distance * 2 < key.length && (best === undefined || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}
