/**
 * Value checks shared by the platform props and the tenant files. Each `check*` function reports into
 * a {@link Problems} collector and returns whether the value passed, so callers can go on and report
 * every other problem too.
 */
import { CLEARML_FEATURES, isClearmlFeature } from './features';
import { Problems } from '../core/problems';

/** The DNS-1123 label pattern (without the 63-character limit), also used in the tenant file schema. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An image tag (Docker's grammar): a word character, then up to 127 word characters, "." or "-". No
 * spaces, quotes, newlines or template braces can pass.
 */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/**
 * An image reference (the grammar of github.com/distribution/reference): `[registry[:port]/]path[:tag][@digest]`,
 * e.g. `python:3.9`, `registry.example.com:5000/ml/python:3.12@sha256:<64 hex>`.
 */
export const IMAGE_REFERENCE_PATTERN =
  '^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(?::[0-9]+)?/)?' +
  '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*' +
  '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$';

/** The longest image reference accepted. */
export const IMAGE_REFERENCE_MAX_LENGTH = 512;

export const IMAGE_TAG_MESSAGE = 'must be an image tag: a letter, digit or "_", then up to 127 letters, digits, "_", "." or "-" (no spaces, quotes or braces)';
export const IMAGE_REFERENCE_MESSAGE =
  'must be an image reference such as "python:3.9" or "registry.example.com/ml/python:3.12@sha256:<64 hex>": [registry[:port]/]path[:tag][@digest], lower-case path, no spaces, quotes or braces';

const IMAGE_TAG = new RegExp(IMAGE_TAG_PATTERN);
const IMAGE_REFERENCE = new RegExp(IMAGE_REFERENCE_PATTERN);

export function isImageTag(value: unknown): value is string {
  return typeof value === 'string' && IMAGE_TAG.test(value);
}

export function isImageReference(value: unknown): value is string {
  return typeof value === 'string' && value.length <= IMAGE_REFERENCE_MAX_LENGTH && IMAGE_REFERENCE.test(value);
}

export function checkImageTag(problems: Problems, path: string, value: unknown): value is string {
  if (isImageTag(value)) return true;
  problems.add(path, value, IMAGE_TAG_MESSAGE);
  return false;
}

export function checkImageReference(problems: Problems, path: string, value: unknown): value is string {
  if (isImageReference(value)) return true;
  problems.add(path, value, `${IMAGE_REFERENCE_MESSAGE}; at most ${IMAGE_REFERENCE_MAX_LENGTH} characters`);
  return false;
}

/** A Kubernetes DNS-1123 label: lower-case alphanumerics and '-', 1 to 63 characters. */
/**
 * A path inside a Git repository, relative to its root, as GitOps controllers take it: `.`, or names of
 * letters, digits, ".", "_" and "-" separated by "/", optionally after "./"; never "..". No trailing "/".
 */
export function isRepositoryPath(value: unknown): value is string {
  return typeof value === 'string' && /^(\.\/)?[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$|^\.$/.test(value) && !value.split('/').includes('..');
}

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/** A DNS name of two or more labels (lower case), e.g. `example.com`. */
export function isDnsName(value: unknown): value is string {
  return typeof value === 'string' && DNS_NAME.test(value) && value.split('.').every((l) => l.length <= 63);
}

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && EMAIL.test(value);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function checkDnsLabel(problems: Problems, path: string, value: unknown): value is string {
  if (isDnsLabel(value)) return true;
  problems.add(path, value, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters');
  return false;
}

export function checkDnsName(problems: Problems, path: string, value: unknown): value is string {
  if (isDnsName(value)) return true;
  problems.add(path, value, 'must be a lower-case DNS name of two or more labels, such as "example.com"');
  return false;
}

export function checkEmail(problems: Problems, path: string, value: unknown): value is string {
  if (isEmail(value)) return true;
  problems.add(path, value, 'must be an e-mail address such as "admin@example.com"');
  return false;
}

export function checkUuid(problems: Problems, path: string, value: unknown): value is string {
  if (isUuid(value)) return true;
  problems.add(path, value, 'must be a UUID such as "3f2b8c1e-9a4d-4c7e-8b1a-2d5e6f7a8b9c" (generate one with `uuidgen`)');
  return false;
}

export function checkNonEmptyString(problems: Problems, path: string, value: unknown): value is string {
  if (typeof value === 'string' && value.trim() !== '') return true;
  problems.add(path, value, 'must be a non-empty string');
  return false;
}

export function checkPositiveInteger(problems: Problems, path: string, value: unknown): value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return true;
  problems.add(path, value, 'must be a positive whole number (1, 2, ...)');
  return false;
}

export function checkHttpUrl(problems: Problems, path: string, value: unknown, schemes: readonly string[] = ['https:', 'http:']): value is string {
  if (typeof value === 'string') {
    try {
      if (schemes.includes(new URL(value).protocol)) return true;
    } catch {
      // reported below
    }
  }
  problems.add(path, value, `must be a URL starting with ${schemes.map((s) => `"${s}//"`).join(' or ')}`);
  return false;
}

/**
 * Checks a list of feature names: each must be known and appear once. With `excluded`, a feature in
 * both lists is a problem too (reported on the excluded list's path).
 */
export function checkFeatures(problems: Problems, path: string, value: unknown, excluded?: { path: string; value: unknown }): void {
  const lists: Array<{ path: string; value: unknown }> = [{ path, value }, ...(excluded ? [excluded] : [])];
  for (const list of lists) {
    if (list.value === undefined) continue;
    if (!Array.isArray(list.value)) {
      problems.add(list.path, list.value, 'must be a list of feature names');
      continue;
    }
    const seen = new Set<string>();
    list.value.forEach((feature, i) => {
      if (!isClearmlFeature(feature)) {
        problems.add(`${list.path}[${i}]`, feature, `is not a ClearML feature; allowed: ${CLEARML_FEATURES.join(', ')}`);
      } else if (seen.has(feature)) {
        problems.add(`${list.path}[${i}]`, feature, 'is listed twice');
      }
      if (typeof feature === 'string') seen.add(feature);
    });
  }
  if (excluded) checkFeaturesNotExcluded(problems, path, value, excluded);
}

/** Reports each feature of the `excluded` list that the list at `path` also adds (lists of other types are ignored). */
export function checkFeaturesNotExcluded(problems: Problems, path: string, value: unknown, excluded: { path: string; value: unknown }): void {
  if (!Array.isArray(value) || !Array.isArray(excluded.value)) return;
  const added = new Set(value);
  excluded.value.forEach((feature, i) => {
    if (added.has(feature)) problems.add(`${excluded.path}[${i}]`, feature, `is both added (${path}) and excluded; keep it in one list`);
  });
}

/** Every field of `T` required and defined: the shape of props with their defaults applied. */
export type Req<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** Drops keys whose value is `undefined`, so `{ ...defaults, ...definedOnly(props) }` keeps defaults. */
export function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A reference to one key of a Secret: `{ name: "<secret name>", key: "<key>" }`. */
export function checkSecretRef(problems: Problems, path: string, ref: unknown): void {
  const r = ref as { name?: unknown; key?: unknown } | undefined;
  if (!r || typeof r !== 'object') {
    problems.add(path, ref, 'must name a Secret: { name: "<secret name>", key: "<key>" }');
    return;
  }
  checkDnsLabel(problems, `${path}.name`, r.name);
  if (typeof r.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r.key)) problems.add(`${path}.key`, r.key, 'must be a Secret key: letters, digits, "-", "_" or "."');
}

/** An image pinned by digest (`name:tag@sha256:<64 hex>`); reports a malformed reference first. */
export function checkPinnedImage(problems: Problems, path: string, image: unknown): boolean {
  if (!checkImageReference(problems, path, image)) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image as string)) return true;
  problems.add(path, image, 'must be pinned by digest ("name:tag@sha256:<64 hex>")');
  return false;
}
