/**
 * The one description of a Helm release that every GitOps flavor renders from.
 */
import { ChartProps, NamedChartSource } from './chart-source';
import { SecretKeyReference, SecretProvider } from '../security/secret-reference';

/**
 * How a chart can take a secret without the value passing through the release object: chart values
 * that name an existing Secret (`existingSecret`-style). Flavors that cannot read a Secret key into a
 * value (Argo CD) use this instead, or fail synth when there is none.
 */
export interface ExistingSecretAlternative {
  /** Plain values that make the chart read the Secret itself, e.g. `{ imageCredentials: { existingSecret: 'x' } }`. */
  readonly values: Record<string, unknown>;
  /** The Secret those values name, in the release namespace. */
  readonly secret: { readonly name: string; readonly keys: readonly string[]; readonly type?: string };
  /** What that Secret is, for the Secret inventory. */
  readonly purpose: string;
}

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
  /** The chart's own way to read a Secret, for flavors without `valuesFrom`. @default - none */
  readonly alternative?: ExistingSecretAlternative;
}

/** A release another release waits for. */
export interface ReleaseRef {
  readonly name: string;
  readonly namespace: string;
  /** Position in install order: 1 + the highest of the releases it waits for (1 when none); Argo CD sync wave. @default 1 */
  readonly wave?: number;
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
