/**
 * The one description of a Helm release that every GitOps flavor renders from.
 */
import { ChartProps, NamedChartSource } from './chart-source';
import { SecretKeyReference, SecretProvider } from '../security/secret-reference';

/** The GitOps controllers the output can be written for. */
export type GitOpsFlavor = 'flux';

/** A value of the release's values taken from a Secret key at install time. */
export interface SecretValue {
  /** The Secret, in the release's namespace. */
  readonly secret: SecretKeyReference;
  /** Dotted path inside the values, e.g. `imageCredentials.password`. */
  readonly targetPath: string;
  /** What the value is, for the Secret inventory. */
  readonly purpose: string;
  /** Who creates the Secret, for the Secret inventory. @default 'operator' */
  readonly providedBy?: SecretProvider;
}

/** A release another release waits for. */
export interface ReleaseRef {
  readonly name: string;
  readonly namespace: string;
}

/** Everything a renderer needs to write one release. */
export interface ReleaseDefinition {
  /** Object name of the release; also the Helm release name. */
  readonly name: string;
  /** Namespace the chart is installed into (and where the release object lives). */
  readonly namespace: string;
  readonly chart: ChartProps;
  /** The source `chart.source` names. */
  readonly source: NamedChartSource;
  /** Namespace of the source objects. */
  readonly sourceNamespace: string;
  /** Plain values (never a secret). */
  readonly values: Record<string, unknown>;
  /** Values taken from Secrets. */
  readonly secretValues: readonly SecretValue[];
  /** Releases that must be ready first. */
  readonly dependsOn: readonly ReleaseRef[];
}
