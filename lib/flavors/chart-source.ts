/**
 * Where Helm charts come from, independent of the GitOps controller that installs them.
 */

/** A classic Helm repository (an `index.yaml` over HTTPS). */
export interface HelmRepositorySourceProps {
  readonly type: 'helm';
  /** Repository URL, `https://...`. */
  readonly url: string;
  /**
   * Secret (in the sources namespace) with `username` and `password` for the repository.
   * @default - the repository is public
   */
  readonly secretName?: string;
}

/** An OCI registry path holding charts as artifacts, e.g. `oci://docker.io/clearml`. */
export interface OciSourceProps {
  readonly type: 'oci';
  /** Registry path without the chart name, `oci://...`. */
  readonly url: string;
  /**
   * Secret (in the sources namespace) of type `kubernetes.io/dockerconfigjson` for the registry.
   * @default - the registry is public
   */
  readonly secretName?: string;
}

/** A Git repository holding charts as folders or packaged `.tgz` files. */
export interface GitSourceProps {
  readonly type: 'git';
  /** Clone URL, `https://...` or `ssh://...`. */
  readonly url: string;
  /** The tag to check out (one of `tag`, `branch`, `commit` is required). */
  readonly tag?: string;
  /** The branch to check out. */
  readonly branch?: string;
  /** The commit to check out. */
  readonly commit?: string;
  /**
   * Secret (in the sources namespace) with Git credentials (`username`/`password` or `identity`/`known_hosts`).
   * @default - the repository is public
   */
  readonly secretName?: string;
}

/** A chart source. */
export type ChartSourceProps = HelmRepositorySourceProps | OciSourceProps | GitSourceProps;

/** Which chart of which source, at which version. */
export interface ChartProps {
  /** Name of a source in `PlatformProps.sources`. */
  readonly source: string;
  /**
   * The chart's name in a Helm or OCI source; for a Git source, the path of the chart folder or `.tgz`
   * inside the repository (e.g. `charts/clearml-billing-1.1.0.tgz`).
   */
  readonly chart: string;
  /**
   * One exact chart version (`1.2.3`, `v25.3.0`, `1.2.3-rc.1`). A `*` or a range (`^1.2`, `~1.2.3`,
   * `>=1.0.0`, `1.x`, `1.2`) is refused unless `allowFloatingVersion` is true. Git sources take the
   * version from the chart itself; set it to the chart's version for the record.
   */
  readonly version: string;
  /**
   * Accept a `*` or a range in `version`: the GitOps controller then upgrades the release on its own
   * whenever a newer matching chart appears. Every synth reports such charts.
   * @default false
   */
  readonly allowFloatingVersion?: boolean;
}

/** A source with its name, as the renderers see it. */
export type NamedChartSource = ChartSourceProps & { readonly name: string };
