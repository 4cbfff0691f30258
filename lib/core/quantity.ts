/**
 * Kubernetes resource quantities ("64", "500m", "1.5Gi", "2e3"), as the API server reads them
 * (k8s.io/apimachinery `resource.Quantity`):
 *
 * ```
 * quantity ::= number suffix
 * number   ::= digits | digits "." digits | digits "." | "." digits
 * suffix   ::= "" | "m" | "k" | "M" | "G" | "T" | "P" | "E"     (powers of 1000; m = 1/1000)
 *            | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"           (powers of 1024)
 *            | ("e" | "E") ["+" | "-"] digits                    (powers of ten; at most 3 digits here)
 * ```
 *
 * Signs are not accepted: every quantity the tenant files hold (quotas, container defaults) is an
 * amount, never negative. Values are compared exactly, in nano-units rounded up (as Kubernetes rounds
 * anything below 1n up).
 */

/** The syntax above, for JSON Schema `pattern` (ECMA-262) and for code. */
export const QUANTITY_PATTERN = '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]{1,3})?$';

/** What a quantity looks like, for messages. */
export const QUANTITY_MESSAGE =
  'must be a Kubernetes quantity: a number without sign, optionally followed by m, k, M, G, T, P, E (powers of 1000), Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or an exponent such as e3; e.g. "500m", "64", "256Gi"';

const QUANTITY_RE = new RegExp(QUANTITY_PATTERN, 'u');

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Whether `text` is a quantity of the syntax above. */
export function isQuantity(text: string): boolean {
  return QUANTITY_RE.test(text);
}

/** The value of a quantity in nano-units (1 = 1e-9), rounded up; undefined when `text` is no quantity. */
export function quantityNanos(text: string): bigint | undefined {
  const match = QUANTITY_RE.exec(text);
  if (!match) return undefined;
  const [, number, , suffix = ''] = match;
  const [whole, fraction = ''] = number.split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  let numerator = digits * 10n ** 9n;
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) numerator *= 2n ** BigInt(BINARY[suffix]);
  else {
    const exponent = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return (numerator + denominator - 1n) / denominator;
}

/** -1, 0 or 1 as quantity `a` is less than, equal to or more than `b`; undefined when either is no quantity. */
export function compareQuantities(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = quantityNanos(a);
  const y = quantityNanos(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
