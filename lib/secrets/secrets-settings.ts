/**
 * The platform setting for how the Secrets of the inventory get into the cluster: by the operator
 * (`manual`, the default: `SECRETS.md` is the to-do list) or by the External Secrets Operator, which
 * the platform team runs and whose store (a `ClusterSecretStore`, or a `SecretStore` in every namespace)
 * it provides. Only the store's name is here; the store and its provider are the operator's.
 */
import { GitOpsFlavor } from '../flavors/flavor';
import { Problems } from '../core/problems';

/** The store the ExternalSecrets read from. */
export interface SecretStoreRef {
  /**
   * `ClusterSecretStore`: one store for the whole cluster. `SecretStore`: a store of this name that the
   * operator provides in every namespace that gets an ExternalSecret.
   */
  readonly kind: 'ClusterSecretStore' | 'SecretStore';
  /** The store's name (a DNS-1123 subdomain). */
  readonly name: string;
}

/** Where one Secret comes from, overriding the default naming scheme. */
export interface RemoteKeyOverride {
  /** The remote key (path or name in the store's provider). */
  readonly remoteKey: string;
  /** Secret key to the property of the remote value. @default - each key reads the property of its own name */
  readonly properties?: Readonly<Record<string, string>>;
}

/** Today's behaviour: the operator creates every Secret of `SECRETS.md` by hand. */
export interface ManualSecretsProps {
  readonly provider: 'manual';
}

/** The External Secrets Operator writes every operator-owned Secret of the inventory. */
export interface ExternalSecretsProps {
  readonly provider: 'external-secrets';
  /** The store to read from. */
  readonly store: SecretStoreRef;
  /** How often ESO reads the remote values again. @default '1h' */
  readonly refreshInterval?: string;
  /**
   * First segment of the default remote key: the Secret `<namespace>/<name>` is read from the remote key
   * `<remoteKeyPrefix>/<name>`, each of its keys from the property of the same name.
   * @default 'clearml'
   */
  readonly remoteKeyPrefix?: string;
  /** Per Secret (`"<namespace>/<name>"`), a remote key other than the default. @default {} */
  readonly remoteKeys?: Readonly<Record<string, RemoteKeyOverride>>;
}

/** How Secrets are provisioned. */
export type SecretsProps = ManualSecretsProps | ExternalSecretsProps;

/** The setting with defaults applied. */
export type ResolvedSecrets =
  | { readonly provider: 'manual' }
  | {
      readonly provider: 'external-secrets';
      readonly store: SecretStoreRef;
      readonly refreshInterval: string;
      readonly remoteKeyPrefix: string;
      readonly remoteKeys: Readonly<Record<string, RemoteKeyOverride>>;
    };

const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const REMOTE_KEY = /^[A-Za-z0-9][-A-Za-z0-9_./:@+]*$/;
const SECRET_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Checks the `secrets` platform prop (the checks that need the inventory are in external-secrets.ts). */
export function resolveSecrets(problems: Problems, input: SecretsProps | undefined, flavor: GitOpsFlavor): ResolvedSecrets {
  const s = (input ?? { provider: 'manual' }) as Omit<Partial<ExternalSecretsProps>, 'provider'> & { provider?: string };
  if (s.provider === 'manual') return { provider: 'manual' };
  if (s.provider !== 'external-secrets') {
    problems.add('secrets.provider', s.provider, 'must be "manual" or "external-secrets"');
    return { provider: 'manual' };
  }
  const support = flavor.capabilities.externalSecrets;
  if (!support.supported) problems.add('secrets.provider', s.provider, `cannot be used with the "${flavor.name}" flavor: ${support.why}`);
  const store = (s.store ?? {}) as Partial<SecretStoreRef>;
  if (store.kind !== 'ClusterSecretStore' && store.kind !== 'SecretStore') problems.add('secrets.store.kind', store.kind, 'must be "ClusterSecretStore" or "SecretStore"');
  if (typeof store.name !== 'string' || !SUBDOMAIN.test(store.name)) {
    problems.add('secrets.store.name', store.name, 'must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters), the name of the store the operator provides');
  }
  const refreshInterval = s.refreshInterval ?? '1h';
  if (typeof refreshInterval !== 'string' || !DURATION.test(refreshInterval)) problems.add('secrets.refreshInterval', refreshInterval, 'must be a duration such as "1h" or "15m"');
  const remoteKeyPrefix = s.remoteKeyPrefix ?? 'clearml';
  if (typeof remoteKeyPrefix !== 'string' || !REMOTE_KEY.test(remoteKeyPrefix)) problems.add('secrets.remoteKeyPrefix', remoteKeyPrefix, 'must be a remote key prefix: letters, digits and "-_./:@+", starting with a letter or digit');
  const remoteKeys = s.remoteKeys ?? {};
  for (const [id, o] of Object.entries(remoteKeys)) {
    const path = `secrets.remoteKeys["${id}"]`;
    if (!SECRET_ID.test(id)) problems.add(path, id, 'must be keyed "<namespace>/<secret name>"');
    if (typeof o?.remoteKey !== 'string' || !REMOTE_KEY.test(o.remoteKey)) problems.add(`${path}.remoteKey`, o?.remoteKey, 'must be a remote key: letters, digits and "-_./:@+", starting with a letter or digit');
    for (const [k, v] of Object.entries(o?.properties ?? {})) {
      if (typeof v !== 'string' || v.length === 0) problems.add(`${path}.properties.${k}`, v, 'must be the name of a property of the remote value');
    }
  }
  return { provider: 'external-secrets', store: { kind: store.kind as SecretStoreRef['kind'], name: store.name as string }, refreshInterval, remoteKeyPrefix, remoteKeys };
}
