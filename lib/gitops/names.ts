/** Naming helpers shared by the renderers. */
import { createHash } from 'node:crypto';
import { isExactVersion } from './chart-source';

/** Turns any text into a DNS-1123 label (at most 63 characters), keeping it readable. */
export function toDnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  return label.slice(0, 63).replace(/-+$/, '') || 'x';
}

/** True when `version` is a semver range (`*`, `^1.2`, `1.x`, `1.2`, ...) rather than one exact version. */
export function isVersionRange(version: string): boolean {
  return !isExactVersion(version);
}

/** Name of the source object for a chart of an OCI source: one OCI repository per chart. */
export function ociRepositoryName(sourceName: string, chart: string): string {
  return toDnsLabel(`${sourceName}-${chart.split('/').pop()}`);
}

/**
 * `text` as a DNS-1123 label of at most `max` characters; when it must be shortened, the end is
 * replaced by 8 hex characters of its SHA-256 so that different long names stay different.
 */
export function boundedDnsLabel(text: string, max = 63): string {
  const label = toDnsLabel(text);
  if (label.length <= max) return label;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${label.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}
