/** Naming helpers shared by the renderers. */

/** Turns any text into a DNS-1123 label (at most 63 characters), keeping it readable. */
export function toDnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  return label.slice(0, 63).replace(/-+$/, '') || 'x';
}

/** True when `version` is a semver range rather than one exact version. */
export function isVersionRange(version: string): boolean {
  return /[*^~<>|xX ]|^$/.test(version.replace(/^v/, '')) && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version.replace(/^v/, ''));
}

/** Name of the source object for a chart of an OCI source: one OCI repository per chart. */
export function ociRepositoryName(sourceName: string, chart: string): string {
  return toDnsLabel(`${sourceName}-${chart.split('/').pop()}`);
}
