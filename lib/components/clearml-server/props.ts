/** Props of the ClearML server (`PlatformProps.server`). */
import type { ChartProps } from '../../flavors/chart-source';
import type { SecretKeyReference } from '../../security/secret-reference';
import type { ClearmlFeature } from '../../config/features';

/** A Secret holding an access key and a secret key. */
export interface CredentialsSecretProps {
  /** Secret name. */
  readonly name: string;
  /** Key of the access key (or user name). @default 'access_key' */
  readonly accessKeyKey?: string;
  /** Key of the secret key (or password). @default 'secret_key' */
  readonly secretKeyKey?: string;
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
