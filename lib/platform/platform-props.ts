/**
 * The platform's typed settings (`main.ts` passes them to {@link resolvePlatform}).
 *
 * Every optional field has a default that reproduces the install runbook
 * (`multi-tenant-service-on-kubernetes.md`); each component's props, defaults and checks live in its folder under `lib/components/`.
 */
import type { RouterKindName } from '../config/router-kinds';
import type { ProfileName } from './profiles/profile';
import type { ClusterRole } from './clusters';

export type { NetworkProps } from '../config/network';
import { ChartProps, ChartSourceProps } from '../flavors/chart-source';
import { GitOpsFlavorName } from '../flavors/index';
import { SecretsProps } from '../secrets/secrets-settings';
import { SecretKeyReference } from '../security/secret-reference';
import { GpuModel } from '../config/gpu-models';
import type { ClearmlFeature } from '../config/features';
import type { TenantSpec } from '../config/tenant-schema';
import type { NetworkProps } from '../config/network';
import type { AppsUploadProps } from '../components/apps-upload/props';
import type { BillingProps } from '../components/billing/props';
import type { ClearmlServerProps } from '../components/clearml-server/props';
import type { DynamicMigOperatorProps } from '../components/dynamic-mig-operator/props';
import type { GpuOperatorProps } from '../components/gpu-operator/props';
import type { MigSetupProps } from '../components/mig-node-setup/props';
import type { SharedRedisProps } from '../components/shared-redis/props';

// Each component's props live in its folder (lib/components/<component>/props.ts); re-exported here so
// that `PlatformProps` and its parts keep one import path.
export type { AppsUploadProps } from '../components/apps-upload/props';
export type { BillingProps } from '../components/billing/props';
export type { ClearmlServerProps, CredentialsSecretProps, GroupProps, ServerBillingProps, ServerHostsProps, SsoProps, SupervisorProps } from '../components/clearml-server/props';
export type { DynamicMigOperatorProps } from '../components/dynamic-mig-operator/props';
export type { GpuOperatorProps } from '../components/gpu-operator/props';
export type { MigNodeProps, MigSetupProps, MigTolerationProps } from '../components/mig-node-setup/props';
export type { RedisImageProps, SharedRedisProps } from '../components/shared-redis/props';

/** Settings every tenant's releases share. */
export interface TenantReleaseDefaultsProps {
  /** Chart and pinned version. @default { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: DEFAULT_CHART_VERSIONS.agent } (6.14.6) */
  readonly agentChart?: ChartProps;
  /** The runbook's `clearml-task-traffic-router` (ClearML now also publishes it as `clearml-enterprise-app-gateway`). The version is not in any release notes ClearML publishes (see the README's "Chart versions" table). @default { source: 'clearml-enterprise', chart: 'clearml-task-traffic-router', version: DEFAULT_CHART_VERSIONS.router } */
  readonly routerChart?: ChartProps;
  /**
   * Install each tenant's task traffic router (app gateway). Its credentials come from the bootstrap's
   * Secret as `valuesFrom`, which only the Flux flavor can carry: turn it off for Argo CD.
   * @default true
   */
  readonly routerEnabled?: boolean;
  /**
   * Which chart routes the tenants' task traffic: the runbook's `clearml-task-traffic-router` (release
   * `clearml-ttr`) or the current `clearml-enterprise-app-gateway` (release `clearml-app-gateway`, with
   * stream sessions; lib/components/app-gateway). Set `routerChart` to match. @default 'task-traffic-router'
   */
  readonly routerKind?: RouterKindName;
  /** Settings of the app gateway (`routerKind: 'app-gateway'`). @default - see AppGatewayDefaultsProps */
  readonly appGateway?: AppGatewayDefaultsProps;
  /** `agentk8sglue.image.tag` of every agent (a tenant file may set its own `agent.imageTag`). @default '1.24-1.8.1rc99-159' */
  readonly agentImageTag?: string;
  /** GPU model of tenants whose file has no `queues.gpuModel`; it decides the MIG profile of each GPU-fraction queue. @default 'A100-40GB' */
  readonly defaultGpuModel?: GpuModel;
  /** `agentk8sglue.defaultContainerImage` of tenants whose file has no `agent.defaultContainerImage`. @default 'python:3.9' */
  readonly defaultContainerImage?: string;
  /** Database of the shared Redis the agents use (`CLEARML_AGENT_REDIS_DB`). @default 0 */
  readonly agentRedisDb?: number;
}

/** Settings every tenant's app gateway shares. */
export interface AppGatewayDefaultsProps {
  /** `clearml.authCookieName`: the cookie of the ClearML web login. @default 'clearml_token_basic' */
  readonly authCookieName?: string;
  /** `streamSession.service.type` of tenants with a stream port range. @default 'NodePort' */
  readonly streamServiceType?: 'NodePort' | 'LoadBalancer';
}


/** The tenant bootstrap Jobs (the runbook's "Tenant Configuration" and "Create a queue" calls). */
export interface BootstrapJobProps {
  /** Node 20+ image, pinned by digest. @default the pinned `node:20-alpine` */
  readonly image?: string;
  /** Overall deadline of one run of the program. @default 300 */
  readonly deadlineSeconds?: number;
  /** Retries of a Job. @default 4 */
  readonly backoffLimit?: number;
  /** Deadline of a Job (at least `deadlineSeconds` + 60). @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /**
   * Create each tenant admin as an `internal` user (`auth.create_user` with `internal: true`, the plan's
   * `admin.internal`), as ClearML's current multi-tenant docs do; the runbook creates ordinary admins.
   * @default false
   */
  readonly adminInternal?: boolean;
}


/** Where the output lives in Git and how the GitOps controller reads it. */
export interface GitOpsProps {
  /** The controller to write for. @default 'flux' */
  readonly flavor?: GitOpsFlavorName;
  /**
   * Path of the output folder inside the Git repository, as Flux `spec.path` and Argo CD `source.path`
   * want it (relative to the repository root).
   * @default './dist'
   */
  readonly path?: string;
  /** Flux: the `GitRepository` holding this repository (what `flux bootstrap` created). @default { name: 'flux-system', namespace: 'flux-system' } */
  readonly repository?: { readonly name?: string; readonly namespace?: string };
  /** Argo CD: clone URL of this repository. Required for `argocd`. */
  readonly repoURL?: string;
  /** Argo CD: branch, tag or commit of this repository to deploy. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Argo CD: namespace of Argo CD (where `Application`s and repository Secrets live). @default 'argocd' */
  readonly argocdNamespace?: string;
  /** Argo CD: the `AppProject` of the Applications. @default 'default' */
  readonly argocdProject?: string;
}

/** Which namespaces tenants may have (the allowlist the platform owns; see README "Tenants"). */
export interface TenancyProps {
  /**
   * Every tenant namespace is `<prefix><name>` or `<prefix><name>-<suffix>` (`<name>`: the tenant's
   * name), and a tenant file without `namespace` gets `<prefix><name>`. A prefix such as `tenant-`
   * keeps tenant namespaces apart from every other namespace of the cluster, whatever its add-ons.
   * Lower-case letters, digits and "-", at most 30 characters. Whatever the prefix, the reserved
   * namespaces (the platform's own, `kube-*`, `default`, the GitOps controller's and common add-ons')
   * are always refused.
   * @default '' (the namespace is the tenant's name, or the name and "-<suffix>")
   */
  readonly namespacePrefix?: string;
  /** More namespaces no tenant may have, on top of the built-in reserved ones. @default [] */
  readonly reservedNamespaces?: readonly string[];
  /**
   * Company names no tenant may have (compared case-insensitively), on top of `clearml` (the server's
   * own default company): companies that already exist in the ClearML server, which the bootstrap
   * would otherwise adopt by name. @default []
   */
  readonly reservedCompanyNames?: readonly string[];
  /** The most session NodePorts (`sessions.maxServices`) one tenant may take. @default 100 */
  readonly maxSessionPorts?: number;
  /** The most stream NodePorts (`router.streamSession.portRange`) one tenant may take. @default 100 */
  readonly maxStreamPorts?: number;
  /**
   * What a tenant file may grant its own tenant (README "Isolation"): synth refuses a tenant file beyond these
   * (lib/tenant/tenant-limits.ts). Against hostile tenants set all of them.
   * @default - no limits beyond the tenant schema's bounds
   */
  readonly limits?: TenancyLimitsProps;
}

/** The most a tenant file may set in `quota`: the keys of the tenant quota (tenant schema). */
export type TenantQuotaLimits = NonNullable<TenantSpec['quota']>;

/** Platform limits on what a tenant file may grant itself (`tenancy.limits`). */
export interface TenancyLimitsProps {
  /**
   * Every tenant file must have a `quota` (a file without one gets no ResourceQuota: every GPU, CPU and
   * memory of the cluster).
   * @default false
   */
  readonly requireQuota?: boolean;
  /**
   * The most each tenant's `quota` may set, per key (`cpu`, `memory`, `limitsCpu`, `limitsMemory`, `pods`,
   * `gpus`, `mig.<profile>`). A key set here must be set in every tenant's `quota`, to at most this value
   * (an unset quota key is unlimited). MIG profiles not listed here are not limited: list every profile of
   * the cluster's GPU models.
   * @default - none
   */
  readonly maxQuota?: TenantQuotaLimits;
  /**
   * The features a tenant file may add to its company (`features`); any other is refused. Removing features
   * (`excludeFeatures`) is always allowed.
   * @default - every ClearML feature
   */
  readonly allowedFeatures?: readonly ClearmlFeature[];
  /** The most users a tenant's company may have (`allowedUsers`, default or set). @default - the schema's bound */
  readonly maxAllowedUsers?: number;
}

/**
 * One cluster of a platform with several (issue 19; README "Several clusters"). Its own settings are merged
 * over the platform's: `network` field by field, `migSetup` replaces the platform's, `gitops` over the
 * platform's GitOps settings with the path `<platform path>/clusters/<name>` unless it sets one.
 */
export interface ClusterProps {
  /** The cluster's name, a DNS label of at most 40 characters; its folder is `clusters/<name>/`. */
  readonly name: string;
  /**
   * `control-plane`: the ClearML server, billing, apps upload, the bootstrap program and each tenant's
   * bootstrap Job and ledger. `worker`: the GPU operator, CDMO, MIG setup, the shared Redis the agents use,
   * the tenant namespaces with their policies, quota, agent and app gateway. `both`: all of it.
   */
  readonly role: ClusterRole;
  /** This cluster's network (ranges, API server addresses, NodePort range), over the platform's `network`. @default - the platform's */
  readonly network?: NetworkProps;
  /** This cluster's MIG nodes. @default - the platform's `migSetup` */
  readonly migSetup?: MigSetupProps;
  /**
   * This cluster's GitOps controller and path, over the platform's `gitops`. A `path` given must end with
   * `clusters/<name>`, the cluster's folder in the output (its Flux Kustomizations or Argo CD Applications point
   * below it). A worker that runs tenants needs a flavor that can install them (not `k3s`).
   * @default - the platform's, path `<platform path>/clusters/<name>`
   */
  readonly gitops?: GitOpsFlavorName | GitOpsProps;
  /**
   * How the control plane's bootstrap Jobs reach this worker's API server (required for a `worker`, refused
   * otherwise). The two Secrets are the operator's, in the control plane's server namespace.
   */
  readonly apiServer?: ClusterApiServerProps;
}

/** A worker's API server as seen from the control plane. */
export interface ClusterApiServerProps {
  /** `https://host:port` (a path prefix is kept; no user name, password, query or fragment), unique among the workers. */
  readonly url: string;
  /**
   * The addresses the control plane reaches that API server at (IPv4 CIDRs): what the bootstrap Jobs' own
   * policy opens to this worker. Required when `url` names a host (a policy cannot name one); an IPv4 `url` is
   * its own address. Each a /16 or longer, outside the control plane's `network.clusterCidrs`, and never in the
   * cloud metadata, loopback or `0.0.0.0/8` ranges.
   * @default - the `url`'s address when it is an IPv4 address
   */
  readonly cidrs?: readonly string[];
  /** Secret with the worker's CA certificate (key `ca.crt`). @default 'clearml-cluster-<name>-ca' */
  readonly caSecret?: string;
  /** Secret with the token of the bootstrap's ServiceAccount in that worker (key `token`). @default 'clearml-cluster-<name>-token' */
  readonly tokenSecret?: string;
}

/** Everything about the platform. Only `baseDomain` and `server.supervisor.email` have no default. */
export interface PlatformProps {
  /**
   * The install profile: default props under the ones set here (every prop set here wins).
   * `runbook` reproduces the install runbook; `current` follows ClearML's current pages (README
   * "Profiles"). `npm run synth -- --profile NAME` overrides it for one run.
   * @default 'runbook'
   */
  readonly profile?: ProfileName;
  /**
   * How the Secrets of the inventory get into the cluster: by hand (`SECRETS.md`), or written by the
   * External Secrets Operator from a store the operator provides (lib/secrets/external-secrets.ts).
   * @default { provider: 'manual' }
   */
  readonly secrets?: SecretsProps;
  /** Base domain: the server's hosts default to `api.`, `file.` and `app.` + this (see `server.hosts`). */
  readonly baseDomain: string;
  /**
   * The GitOps controller to write for, or the full GitOps settings.
   * @default 'flux' (with the defaults of {@link GitOpsProps})
   */
  readonly gitops?: GitOpsFlavorName | GitOpsProps;
  /**
   * Flux multi-tenancy lockdown: each tenant's Kustomizations and HelmReleases run as a per-tenant
   * ServiceAccount bound to the `admin` ClusterRole in the tenant namespace only (plus a Role in the
   * server namespace for the tenant's bootstrap Job). Only for the `flux` flavor.
   * @default false
   */
  readonly fluxLockdown?: boolean;
  /** Namespace of the chart source objects. @default 'flux-system' */
  readonly sourceNamespace?: string;
  /** Chart sources by name, merged over the defaults (`clearml-enterprise`, `nvidia`, `bitnami`). @default - the runbook's repositories */
  readonly sources?: Readonly<Record<string, ChartSourceProps>>;
  /**
   * The enterprise registry password (`imageCredentials.password` of the enterprise charts), read in
   * each namespace that installs one.
   * @default { name: 'clearml-registry', key: 'password' }
   */
  readonly registryPasswordSecret?: SecretKeyReference;
  /** Namespace of the ingress controller, admitted to the server. @default 'ingress-nginx' */
  readonly ingressNamespace?: string;
  /** The cluster network, for the policies. @default - see NetworkProps */
  readonly network?: NetworkProps;
  readonly gpuOperator?: GpuOperatorProps;
  readonly dynamicMigOperator?: DynamicMigOperatorProps;
  readonly server: ClearmlServerProps;
  readonly redis?: SharedRedisProps;
  readonly billing?: BillingProps;
  readonly apps?: AppsUploadProps;
  readonly tenantReleases?: TenantReleaseDefaultsProps;
  /** The tenant bootstrap Jobs. @default - see BootstrapJobProps */
  readonly bootstrap?: BootstrapJobProps;
  /** MIG node setup. @default - none (disabled) */
  readonly migSetup?: MigSetupProps;
  /** Which namespaces tenants may have. @default - see TenancyProps */
  readonly tenancy?: TenancyProps;
  /**
   * Several clusters (README "Several clusters"): exactly one `control-plane` (or one `both`) and worker
   * clusters; the output gets `clusters/<name>/` per cluster. @default - one cluster with both roles, today's layout
   */
  readonly clusters?: readonly ClusterProps[];
  /** The worker cluster of tenants whose file has no `clusters`. @default - the only worker cluster */
  readonly defaultWorkerCluster?: string;
}
