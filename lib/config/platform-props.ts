/**
 * The platform's typed settings (`main.ts` passes them to {@link resolvePlatform}).
 *
 * Every optional field has a default that reproduces the install runbook
 * (`multi-tenant-service-on-kubernetes.md`); the defaults live in `platform-defaults.ts`.
 */
import { ChartProps, ChartSourceProps } from '../gitops/chart-source';
import { GitOpsFlavor } from '../gitops/release-definition';
import { SecretsProps } from '../secrets/secrets-settings';
import { SecretKeyReference } from '../security/secret-reference';
import { ClearmlFeature } from './features';
import { GpuModel } from './gpu-models';
import type { ProfileName } from '../profiles/profile';

/** A Secret holding an access key and a secret key. */
export interface CredentialsSecretProps {
  /** Secret name. */
  readonly name: string;
  /** Key of the access key (or user name). @default 'access_key' */
  readonly accessKeyKey?: string;
  /** Key of the secret key (or password). @default 'secret_key' */
  readonly secretKeyKey?: string;
}

/** NVIDIA GPU operator ("Enabling Dynamic MIG GPUs"). */
export interface GpuOperatorProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'gpu-operator' */
  readonly namespace?: string;
  /** @default 'gpu-operator' */
  readonly releaseName?: string;
  /** @default { source: 'nvidia', chart: 'gpu-operator', version: 'v25.3.0' } */
  readonly chart?: ChartProps;
  /** MIG strategy. @default 'mixed' */
  readonly migStrategy?: 'single' | 'mixed';
  /**
   * ClearML's GPU isolation settings (container toolkit and device plugin env), so an unprivileged container
   * cannot reach GPUs outside its allocation. Turning it off is a deviation from ClearML's guide. @default true
   */
  readonly gpuIsolation?: boolean;
  /**
   * Where the nodes' containerd is: `default` (the operator's own detection), `k3s` or `microk8s` (their
   * sockets and config, in `toolkit.env`). @default 'default'
   */
  readonly containerd?: 'default' | 'k3s' | 'microk8s';
  /** Extra chart values, merged over the generated ones. @default {} */
  readonly values?: Record<string, unknown>;
}

/** ClearML Dynamic MIG Operator ("Install CDMO Chart"). */
export interface DynamicMigOperatorProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'cdmo-operator' */
  readonly namespace?: string;
  /** @default 'cdmo' */
  readonly releaseName?: string;
  /**
   * Chart and pinned version. The version is not in any release notes ClearML publishes (see the README's
   * "Chart versions" table): confirm it with `helm search repo allegroai-enterprise/clearml-dynamic-mig-operator --versions`.
   * @default { source: 'clearml-enterprise', chart: 'clearml-dynamic-mig-operator', version: DEFAULT_CHART_VERSIONS.dynamicMigOperator }
   */
  readonly chart?: ChartProps;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}

/** The billing settings of the apiserver (its `CLEARML__*BILLING*` variables). */
export interface ServerBillingProps {
  /** `CLEARML__billing__enabled`. @default true */
  readonly enabled?: boolean;
  /** Kafka bootstrap servers. @default ['clearml-billing-kafka.clearml-billing:9092'] */
  readonly kafkaHosts?: readonly string[];
  /** @default 'SASL_PLAINTEXT' */
  readonly kafkaSecurityProtocol?: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL';
  /** @default 'SCRAM-SHA-512' */
  readonly kafkaSaslMechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  /** @default 'billing' */
  readonly kafkaSaslUsername?: string;
  /** The Kafka SASL password (the runbook's literal `jdhfKmsd1`). @default { name: 'clearml-billing-kafka', key: 'password' } */
  readonly kafkaSaslPasswordSecret?: SecretKeyReference;
  /** @default 'clearml-billing-redis-master.clearml-billing' */
  readonly redisHost?: string;
  /** @default 2 */
  readonly redisDb?: number;
}

/** SSO through an auth0-style OAuth client. */
export interface SsoProps {
  /** OAuth client id (not a secret). */
  readonly clientId: string;
  /** The OAuth client secret. */
  readonly clientSecret: SecretKeyReference;
  /** `base_url`. */
  readonly baseUrl: string;
  /** `authorize_url`. */
  readonly authorizeUrl: string;
  /** `access_token_url`. */
  readonly accessTokenUrl: string;
  /** `audience`. */
  readonly audience: string;
}

/** A cross-tenant group ("Configuring Cross-Tenant Groups"). */
export interface GroupProps {
  /** `<GroupName>` in the variable names: letters, digits and `_`. */
  readonly key: string;
  /** The group's UUID. */
  readonly id: string;
  /** Display name. @default - the key */
  readonly name?: string;
  /** Features of the group. */
  readonly features: readonly ClearmlFeature[];
  /** Whether admins can add users to it in the UI. @default false */
  readonly assignable?: boolean;
}

/** The supervisor user (`CLEARML__secure__credentials__supervisor__*`). */
export interface SupervisorProps {
  /** E-mail of the supervisor user; quoted for the apiserver by the construct. */
  readonly email: string;
  /** Key and secret of the supervisor. @default { name: 'clearml-supervisor-credentials' } */
  readonly credentialsSecret?: CredentialsSecretProps;
  /** @default 'system' */
  readonly role?: string;
  /** @default true */
  readonly allowLogin?: boolean;
  /** @default ['users', 'admins', 'queue_admins'] */
  readonly groups?: readonly string[];
}

/** Public host names of the server (each a DNS name; `file` may be `files.<baseDomain>` as the current docs have it). */
export interface ServerHostsProps {
  /** @default 'api.<baseDomain>' */
  readonly api?: string;
  /** @default 'app.<baseDomain>' */
  readonly app?: string;
  /** @default 'file.<baseDomain>' */
  readonly file?: string;
}

/** The ClearML server ("Install ClearML Chart"). */
export interface ClearmlServerProps {
  /** @default 'clearml' */
  readonly namespace?: string;
  /** @default 'clearml' */
  readonly releaseName?: string;
  /** Chart and pinned version. @default { source: 'clearml-enterprise', chart: 'clearml-enterprise', version: DEFAULT_CHART_VERSIONS.server } (11.0.2) */
  readonly chart?: ChartProps;
  /** @default '3.21.6-1443' */
  readonly apiserverImageTag?: string;
  /** @default '3.21.3-1657' */
  readonly webserverImageTag?: string;
  /** @default - the base domain */
  readonly cookieDomain?: string;
  /**
   * Public host names of the apiserver, webserver and file server: their ingresses, the public URLs the
   * agents and the apiserver are given, and the names tenant router hosts must not take.
   * @default { api: 'api.<baseDomain>', app: 'app.<baseDomain>', file: 'file.<baseDomain>' }
   */
  readonly hosts?: ServerHostsProps;
  /** `clearmlApplications.enabled`. @default true */
  readonly applicationsEnabled?: boolean;
  /**
   * `clearmlApplications.queueMode`: `per_tenant` runs each tenant's applications on its own agent
   * (`agentk8sglue.appsQueue.enabled: true` on every agent), as ClearML's current multi-tenant page
   * describes; it needs internal tenant admins (`bootstrap.adminInternal: true`). @default 'global'
   */
  readonly applicationsQueueMode?: 'global' | 'per_tenant';
  /** Ingress class of the three ingresses. @default - the cluster's default class */
  readonly ingressClassName?: string;
  /** Billing settings of the apiserver. @default - the runbook's values */
  readonly billing?: ServerBillingProps;
  /** SSO. @default - no SSO variables */
  readonly sso?: SsoProps;
  /** Server-level features (`organization__features__<name>=true`). @default ['user_management_advanced'] */
  readonly organizationFeatures?: readonly ClearmlFeature[];
  /** Server-level features turned off (`organization__features__<name>=false`). @default [] */
  readonly disabledOrganizationFeatures?: readonly ClearmlFeature[];
  /** UI features per role (`auth__ui_features_per_role__<role>__<feature>`). @default { user: { show_datasets: false, show_orchestration: false } } */
  readonly uiFeaturesPerRole?: Readonly<Record<string, Readonly<Partial<Record<ClearmlFeature, boolean>>>>>;
  /** @default 3 */
  readonly maxRunningAppsPerCompany?: number;
  /** Features of the built-in groups. @default { users: ['applications'], admins: [the runbook's eleven] } */
  readonly defaultGroupFeatures?: Readonly<Record<string, readonly ClearmlFeature[]>>;
  /** Cross-tenant groups. @default [] */
  readonly groups?: readonly GroupProps[];
  /** The supervisor user. */
  readonly supervisor: SupervisorProps;
  /** `apiserver__company__unique_names`. @default true */
  readonly uniqueCompanyNames?: boolean;
  /** `workers__resource_usages__supervisor_company`. @default 'd1bd92a3b039400cbafc60a7a5b1e52b' (the default company) */
  readonly resourceUsageSupervisorCompany?: string;
  /** More apiserver variables, name to value (no secrets). @default {} */
  readonly extraApiserverEnv?: Readonly<Record<string, string>>;
  /** Extra chart values, merged over the generated ones. @default {} */
  readonly values?: Record<string, unknown>;
}

/** The shared Redis image location. */
export interface RedisImageProps {
  /** Registry host, e.g. `registry.example.com`. */
  readonly registry: string;
  /** Repository inside the registry, e.g. `mirror/bitnami/redis`. */
  readonly repository: string;
  /** Image tag. @default - the tag the default chart version ships (7.0.9-debian-11-r1 for 17.8.3); for another chart version, the chart's own */
  readonly tag?: string;
}

/** Shared Redis ("Shared Redis installation"). */
export interface SharedRedisProps {
  /** @default 'redis-shared' */
  readonly namespace?: string;
  /** @default 'redis' */
  readonly releaseName?: string;
  /** Chart and pinned version (the `bitnami` source is Bitnami's OCI registry). @default { source: 'bitnami', chart: 'redis', version: '17.8.3' } */
  readonly chart?: ChartProps;
  /**
   * Where the Redis image comes from (the chart's `image.registry`, `image.repository`, `image.tag`).
   * Bitnami removed `docker.io/bitnami/redis` in 2025; the default is its frozen copy in
   * `docker.io/bitnamilegacy` (no updates, no security fixes). Point it at a mirror to use another copy.
   * @default { registry: 'docker.io', repository: 'bitnamilegacy/redis', tag: - the tag the chart version ships (7.0.9-debian-11-r1 for 17.8.3) }
   */
  readonly image?: RedisImageProps;
  /**
   * The password (the runbook's literal `sdkWoq23`). The Redis release reads it in `redis-shared`; each
   * tenant agent reads a Secret of the same name and key in its own namespace.
   * @default { name: 'redis-shared-auth', key: 'redis-password' }
   */
  readonly passwordSecret?: SecretKeyReference;
  /** @default 6379 */
  readonly port?: number;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}

/** The billing chart ("Install Billing Chart"). */
export interface BillingProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'clearml-billing' */
  readonly namespace?: string;
  /** @default 'clearml-billing' */
  readonly releaseName?: string;
  /**
   * Where the chart is: the tarball ClearML hands over pushed to an OCI registry, or kept in a Git
   * repository (`chart` = path of the `.tgz`). Required when billing is enabled.
   */
  readonly chart?: ChartProps;
  /** Registry user of the billing images. @default 'dockerhubcustpocbillingaccess' */
  readonly registryUsername?: string;
  /** Registry password of the billing images. @default { name: 'clearml-billing-registry', key: 'password' } */
  readonly registryPasswordSecret?: SecretKeyReference;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}

/** The apps upload step ("Application Installation"). */
export interface AppsUploadProps {
  /** Run it. @default true */
  readonly enabled?: boolean;
  /** The download URL of the apps archive (it carries a token). @default { name: 'clearml-apps-archive', key: 'url' } */
  readonly archiveUrlSecret?: SecretKeyReference;
  /**
   * Image with Python 3 that runs the archive's `upload_apps.py` (a `requirements.txt` beside it is
   * installed into the Job's scratch folder first). @default the pinned `python:3.12-slim`
   */
  readonly image?: string;
}

/** Settings every tenant's releases share. */
export interface TenantReleaseDefaultsProps {
  /** Chart and pinned version. @default { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: DEFAULT_CHART_VERSIONS.agent } (6.14.6) */
  readonly agentChart?: ChartProps;
  /** The runbook's `clearml-task-traffic-router` (ClearML now also publishes it as `clearml-enterprise-app-gateway`, the `current` profile's, with `routerKind: 'app-gateway'`). The version is not in any release notes ClearML publishes (see the README's "Chart versions" table). @default { source: 'clearml-enterprise', chart: 'clearml-task-traffic-router', version: DEFAULT_CHART_VERSIONS.router } */
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
  readonly routerKind?: 'task-traffic-router' | 'app-gateway';
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

/** How the cluster's network looks, for the NetworkPolicies. */
export interface NetworkProps {
  /** Namespace of the cluster DNS. @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** Labels of the cluster DNS pods. @default { 'k8s-app': 'kube-dns' } */
  readonly dnsPodLabels?: Readonly<Record<string, string>>;
  /**
   * Address ranges inside the cluster (pods, services, nodes): "internet" egress excludes them.
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']
   */
  readonly clusterCidrs?: readonly string[];
  /** Where the Kubernetes API answers, for pods that call it. @default ['0.0.0.0/0'] on ports 443 and 6443 */
  readonly kubernetesApiCidrs?: readonly string[];
  /** @default [443, 6443] */
  readonly kubernetesApiPorts?: readonly number[];
  /** Tenant pods may reach the internet (datasets, packages). Never other tenants or billing. @default true */
  readonly tenantInternetEgress?: boolean;
  /** The server may reach the internet (SSO provider, apps archive). @default true */
  readonly serverInternetEgress?: boolean;
  /**
   * The cluster's NodePort range (`kube-apiserver --service-node-port-range`); tenants' session port
   * ranges must lie inside it. Widen it for more tenants than 30000-32767 can hold.
   * @default { min: 30000, max: 32767 }
   */
  readonly nodePortRange?: { readonly min: number; readonly max: number };
}

/** A taint the MIG setup Jobs tolerate (a Kubernetes toleration). */
export interface MigTolerationProps {
  /** Taint key; empty with operator Exists tolerates every taint. @default - every key */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Exists' | 'Equal';
  /** Taint value (operator Equal only). @default - none */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One training node whose GPUs are put in MIG mode. */
export interface MigNodeProps {
  /** The Kubernetes node name (`kubectl get nodes`). */
  readonly name: string;
  /** GPU indexes (`nvidia-smi -L`) to put in MIG mode, or every GPU of the node. @default 'all' */
  readonly gpus?: readonly number[] | 'all';
  /** The node's GPU model, for the MIG profiles offered on it. @default - not stated */
  readonly gpuModel?: GpuModel;
}

/**
 * MIG node setup ("Enable MIG support"): a Job per node runs `nvidia-smi -i <gpu> -mig 1` on the listed
 * GPUs and labels the node `cdmo.clear.ml/gpu-partitioning=mig` once MIG is active.
 */
export interface MigSetupProps {
  /** Write the MIG setup. @default true (when `migSetup` is set) */
  readonly enabled?: boolean;
  /** The one namespace with Pod Security level `privileged`; only the MIG setup Jobs run there. @default 'clearml-mig-setup' */
  readonly namespace?: string;
  /** The training nodes. Must not be empty while enabled. */
  readonly nodes: readonly MigNodeProps[];
  /** RuntimeClass of the NVIDIA container runtime (the GPU operator creates `nvidia`). @default 'nvidia' */
  readonly runtimeClassName?: string;
  /**
   * Image with Node 20 and glibc (the NVIDIA runtime injects the host's glibc-linked `nvidia-smi`), pinned
   * by digest. @default the pinned `node:20-bookworm-slim`
   */
  readonly image?: string;
  /** Taints tolerated. @default [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] */
  readonly tolerations?: readonly MigTolerationProps[];
  /** Retries of a Job after an error (a pending reboot fails the Job at once). @default 4 */
  readonly backoffLimit?: number;
  /** Deadline of a Job. @default 1800 */
  readonly activeDeadlineSeconds?: number;
}

/** Where the output lives in Git and how the GitOps controller reads it. */
export interface GitOpsProps {
  /** The controller to write for. @default 'flux' */
  readonly flavor?: GitOpsFlavor;
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
  readonly gitops?: GitOpsFlavor | GitOpsProps;
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
}
