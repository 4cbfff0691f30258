/** Naming helpers shared by the renderers. */
import { createHash } from 'node:crypto';

/** `text` in DNS-1123 label characters (lower case, "-" between words), not yet cut to a length. */
function dnsLabelChars(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
}

/**
 * Turns any text into a DNS-1123 label (at most 63 characters), keeping it readable. Longer text is
 * cut, so two long texts may give the same label: for names that must stay apart use
 * {@link boundedDnsLabel}.
 */
export function toDnsLabel(text: string): string {
  return dnsLabelChars(text).slice(0, 63).replace(/-+$/, '') || 'x';
}

const EXACT_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** True when `version` names one exact chart version (semver, optionally with a leading `v`). */
export function isExactVersion(version: string): boolean {
  return typeof version === 'string' && EXACT_VERSION.test(version);
}

/** True when `version` is a semver range (`*`, `^1.2`, `1.x`, `1.2`, ...) rather than one exact version. */
export function isVersionRange(version: string): boolean {
  return !isExactVersion(version);
}

/** Name of the source object for a chart of an OCI source: one OCI repository per chart. */
export function ociRepositoryName(sourceName: string, chart: string): string {
  return boundedDnsLabel(`${sourceName}-${chart.split('/').pop()}`);
}

/**
 * `text` as a DNS-1123 label of at most `max` characters; when it must be shortened, the end is
 * replaced by 8 hex characters of its SHA-256 so that different long names stay different. The length
 * is judged before any cut, so a text of more than `max` label characters always gets its hash.
 */
export function boundedDnsLabel(text: string, max = 63): string {
  const label = dnsLabelChars(text) || 'x';
  if (label.length <= max) return label;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const head = label.slice(0, Math.max(0, max - 9)).replace(/-+$/, '');
  return head === '' ? hash.slice(0, max) : `${head}-${hash}`;
}

/** Shard of a tenant: the first two hex characters of the SHA-256 of its name (at most 256 shards). */
export function tenantShard(tenant: string): string {
  return createHash('sha256').update(tenant).digest('hex').slice(0, 2);
}
