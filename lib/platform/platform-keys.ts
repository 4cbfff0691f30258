/**
 * The known keys of {@link PlatformProps}, at runtime: {@link checkPlatformKeys} reports every key the
 * props set that no interface of lib/platform/platform-props.ts (and the props interfaces it uses) has,
 * such as a misspelled `netwrok` or `server.sso.clientID`, which TypeScript does not always catch (a
 * spread, a `--platform` module written as a plain object) and which would otherwise be dropped silently.
 *
 * {@link PLATFORM_KEYS} describes the interfaces field by field; test/platform/platform-keys.test.ts reads
 * the interfaces with the TypeScript compiler and fails when the two differ. Free-form maps (Helm
 * `values`, labels, environment variables, ...) are not checked inside.
 */
import { childPath } from '../config/json-schema';
import type { Problems } from '../core/problems';
import { nearestName } from '../core/typos';
import { CLUSTER_ROLES } from './clusters';

/** What the props may hold at one place. */
export type KeyShape =
  /** Any value that is not checked key by key (a string, a number, a list of them, a flavor name). */
  | { readonly kind: 'leaf' }
  /** A free-form map (Helm `values`, labels, environment variables): any key. `checkedBy`: where its keys are checked instead, if anywhere. */
  | { readonly kind: 'free'; readonly checkedBy?: string }
  /**
   * An object with these fields (when the value is an object; another value is left to the other checks).
   * `refusedElsewhere`: keys that are no fields either but that another check refuses with a message of its own.
   */
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, KeyShape>>; readonly refusedElsewhere?: readonly string[] }
  /** A list whose entries each have this shape. */
  | { readonly kind: 'list'; readonly of: KeyShape }
  /** A map of names to values of this shape (the names are free). */
  | { readonly kind: 'map'; readonly of: KeyShape }
  /** One of several objects, told apart by the value of `discriminant`; an unknown value allows the keys of all of them. */
  | { readonly kind: 'union'; readonly discriminant: string; readonly variants: Readonly<Record<string, ObjectShape>> };

/** The shape of an object with named fields. */
export type ObjectShape = Extract<KeyShape, { kind: 'object' }>;

const leaf: KeyShape = { kind: 'leaf' };
const free: KeyShape = { kind: 'free' };
const object = (fields: Record<string, KeyShape>, refusedElsewhere?: readonly string[]): ObjectShape => ({ kind: 'object', fields, ...(refusedElsewhere ? { refusedElsewhere } : {}) });
const list = (of: KeyShape): KeyShape => ({ kind: 'list', of });
const map = (of: KeyShape): KeyShape => ({ kind: 'map', of });
/** Fields that are all leaves. */
const leaves = (...names: string[]): Record<string, KeyShape> => Object.fromEntries(names.map((n) => [n, leaf]));

/** `SecretKeyReference` (lib/security/secret-reference.ts). */
const SECRET_KEY_REFERENCE = object(leaves('name', 'key'));
/** `ChartProps` (lib/flavors/chart-source.ts). */
const CHART = object(leaves('source', 'chart', 'version', 'allowFloatingVersion'));
/** `ChartSourceProps` (lib/flavors/chart-source.ts), by `type`. */
const CHART_SOURCE: KeyShape = {
  kind: 'union',
  discriminant: 'type',
  variants: {
    helm: object(leaves('type', 'url', 'secretName')),
    oci: object(leaves('type', 'url', 'secretName')),
    git: object(leaves('type', 'url', 'tag', 'branch', 'commit', 'secretName')),
  },
};
/** `NetworkProps` (lib/config/network.ts). */
const NETWORK = object({
  ...leaves('dnsNamespace', 'clusterCidrs', 'kubernetesApiCidrs', 'kubernetesApiPorts', 'tenantInternetEgress', 'serverInternetEgress'),
  dnsPodLabels: free,
  nodePortRange: object(leaves('min', 'max')),
});
/** `GitOpsProps` (lib/platform/platform-props.ts); a flavor name instead is a leaf. */
const GITOPS = object({
  ...leaves('flavor', 'path', 'repoURL', 'targetRevision', 'argocdNamespace', 'argocdProject'),
  repository: object(leaves('name', 'namespace')),
});
/** `MigSetupProps` (lib/components/mig-node-setup/props.ts). */
const MIG_SETUP = object({
  ...leaves('enabled', 'namespace', 'runtimeClassName', 'image', 'backoffLimit', 'activeDeadlineSeconds'),
  nodes: list(object(leaves('name', 'gpus', 'gpuModel'))),
  tolerations: list(object(leaves('key', 'operator', 'value', 'effect'))),
});
/** The fields of a component with its own Helm release. */
const RELEASE = { ...leaves('namespace', 'releaseName'), chart: CHART, values: free };

/** `ClusterProps` (lib/platform/platform-props.ts). */
const CLUSTER = object({
  ...leaves('name', 'role'),
  network: NETWORK,
  migSetup: MIG_SETUP,
  gitops: GITOPS,
  apiServer: object(leaves('url', 'cidrs', 'caSecret', 'tokenSecret')),
});

/** Every key of `PlatformProps`, nested. */
export const PLATFORM_KEYS: ObjectShape = object({
  ...leaves('profile', 'baseDomain', 'fluxLockdown', 'sourceNamespace', 'ingressNamespace', 'defaultWorkerCluster'),
  secrets: {
    kind: 'union',
    discriminant: 'provider',
    variants: {
      'manual': object(leaves('provider')),
      'external-secrets': object({
        ...leaves('provider', 'refreshInterval', 'remoteKeyPrefix'),
        store: object(leaves('kind', 'name')),
        remoteKeys: map(object({ remoteKey: leaf, properties: free })),
      }),
    },
  },
  gitops: GITOPS,
  sources: map(CHART_SOURCE),
  registryPasswordSecret: SECRET_KEY_REFERENCE,
  network: NETWORK,
  gpuOperator: object({ ...RELEASE, ...leaves('enabled', 'migStrategy', 'gpuIsolation', 'containerd') }),
  dynamicMigOperator: object({ ...RELEASE, ...leaves('enabled') }),
  server: object({
    ...RELEASE,
    ...leaves(
      'apiserverImageTag',
      'webserverImageTag',
      'cookieDomain',
      'applicationsEnabled',
      'applicationsQueueMode',
      'ingressClassName',
      'organizationFeatures',
      'disabledOrganizationFeatures',
      'maxRunningAppsPerCompany',
      'uniqueCompanyNames',
      'resourceUsageSupervisorCompany',
    ),
    hosts: object(leaves('api', 'app', 'file')),
    billing: object({
      ...leaves('enabled', 'kafkaHosts', 'kafkaSecurityProtocol', 'kafkaSaslMechanism', 'kafkaSaslUsername', 'redisHost', 'redisDb'),
      kafkaSaslPasswordSecret: SECRET_KEY_REFERENCE,
    }),
    sso: object({ ...leaves('clientId', 'baseUrl', 'authorizeUrl', 'accessTokenUrl', 'audience'), clientSecret: SECRET_KEY_REFERENCE }),
    uiFeaturesPerRole: free,
    defaultGroupFeatures: free,
    // `system` (a built-in group's flag) is refused by resolveServer (lib/components/clearml-server/settings.ts).
    groups: list(object(leaves('key', 'id', 'name', 'features', 'assignable'), ['system'])),
    supervisor: object({
      ...leaves('email', 'role', 'allowLogin', 'groups'),
      credentialsSecret: object(leaves('name', 'accessKeyKey', 'secretKeyKey')),
    }),
    extraApiserverEnv: free,
  }),
  redis: object({
    ...RELEASE,
    ...leaves('port'),
    image: object(leaves('registry', 'repository', 'tag')),
    passwordSecret: SECRET_KEY_REFERENCE,
  }),
  billing: object({ ...RELEASE, ...leaves('enabled', 'registryUsername'), registryPasswordSecret: SECRET_KEY_REFERENCE }),
  apps: object({ ...leaves('enabled', 'image', 'archiveSha256'), archiveUrlSecret: SECRET_KEY_REFERENCE }),
  tenantReleases: object({
    ...leaves('routerEnabled', 'routerKind', 'agentImageTag', 'defaultGpuModel', 'defaultContainerImage', 'agentRedisDb'),
    agentChart: CHART,
    routerChart: CHART,
    appGateway: object(leaves('authCookieName', 'streamServiceType')),
  }),
  bootstrap: object(leaves('image', 'deadlineSeconds', 'backoffLimit', 'activeDeadlineSeconds', 'adminInternal')),
  migSetup: MIG_SETUP,
  tenancy: object({
    ...leaves('namespacePrefix', 'reservedNamespaces', 'reservedCompanyNames', 'maxSessionPorts', 'maxStreamPorts'),
    limits: object({
      ...leaves('requireQuota', 'allowedFeatures', 'maxAllowedUsers'),
      // Its keys are the tenant quota's, checked with their values in lib/platform/platform.ts (resolveTenancyLimits).
      maxQuota: { kind: 'free', checkedBy: 'resolveTenancyLimits (lib/platform/platform.ts)' },
    }),
  }),
  clusters: list(CLUSTER),
});

/**
 * The fields of a cluster that {@link resolvePlatform} resolves again for each cluster with a known role,
 * merged over the platform's (lib/platform/cluster-settings.ts): that resolution checks their keys and
 * reports them as `clusters[<i>].<field>...`, so the check of the whole props leaves them out there.
 */
const RESOLVED_PER_CLUSTER: readonly string[] = ['network', 'migSetup', 'gitops'];

/**
 * Reports on `problems` every key of `props` that is not a field of {@link PlatformProps} at its place, with
 * the fields allowed there and, for a near miss, the field meant (`did you mean clientId?`).
 */
export function checkPlatformKeys(props: unknown, problems: Problems): void {
  checkShape(PLATFORM_KEYS, props, '', problems);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkShape(shape: KeyShape, value: unknown, path: string, problems: Problems): void {
  switch (shape.kind) {
    case 'leaf':
    case 'free':
      return;
    case 'list':
      if (Array.isArray(value)) value.forEach((item, i) => checkShape(shape.of, item, childPath(path, i), problems));
      return;
    case 'map':
      if (isPlainObject(value)) for (const [name, v] of Object.entries(value)) checkShape(shape.of, v, childPath(path, name), problems);
      return;
    case 'union': {
      if (!isPlainObject(value)) return;
      const tag = value[shape.discriminant];
      const variant = typeof tag === 'string' && Object.prototype.hasOwnProperty.call(shape.variants, tag) ? shape.variants[tag] : undefined;
      // An unknown discriminant is the other checks' problem; the keys of any variant are allowed meanwhile.
      const fields = variant?.fields ?? Object.assign({}, ...Object.values(shape.variants).map((v) => v.fields));
      checkObject(fields, value, path, problems, variant === undefined ? '' : ` (with ${shape.discriminant}: ${JSON.stringify(tag)})`);
      return;
    }
    case 'object': {
      if (!isPlainObject(value)) return;
      const skip = shape === CLUSTER && CLUSTER_ROLES.includes(value.role as never) ? RESOLVED_PER_CLUSTER : [];
      checkObject(shape.fields, value, path, problems, '', skip, shape.refusedElsewhere);
      return;
    }
  }
}

function checkObject(fields: Readonly<Record<string, KeyShape>>, value: Record<string, unknown>, path: string, problems: Problems, where: string, skip: readonly string[] = [], refusedElsewhere: readonly string[] = []): void {
  const allowed = Object.keys(fields);
  for (const [key, v] of Object.entries(value)) {
    if (refusedElsewhere.includes(key)) continue;
    // Own fields only: `__proto__`, `constructor` and the like are unknown keys, not Object.prototype's.
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      // A key set to undefined sets nothing (a spread of optional settings); it is still a misspelling.
      const near = nearestName(key, allowed);
      problems.add(childPath(path, key), v, `is not a field here${where}; ${near !== undefined ? `did you mean ${near}? ` : ''}allowed: ${allowed.join(', ')}`);
      continue;
    }
    if (skip.includes(key)) continue;
    checkShape(fields[key], v, childPath(path, key), problems);
  }
}

