/** Defaults and checks of `PlatformProps.server` (with its supervisor, billing variables, SSO, groups and hosts). */
import { Req, checkDnsLabel, checkDnsName, checkEmail, checkFeatures, checkHttpUrl, checkImageTag, checkNonEmptyString, checkPositiveInteger, checkSecretRef, checkUuid, definedOnly } from '../../config/checks';
import { DEFAULT_CHART_VERSIONS } from '../../config/chart-versions';
import type { ClearmlFeature } from '../../config/features';
import { Problems } from '../../core/problems';
import { ClearmlServerProps, CredentialsSecretProps, ServerBillingProps, ServerHostsProps, SsoProps, SupervisorProps } from './props';

/**
 * The server's output folder: the server's own components share it, the apps upload and the tenants'
 * bootstrap folders wait for it.
 */

/** Port of the apiserver service (`internalApiUrl`). */
export const APISERVER_PORT = 8008;

/** In-cluster URL of the apiserver service in namespace `namespace`. */
export function internalApiUrl(namespace: string): string {
  return `http://clearml-enterprise-apiserver.${namespace}:${APISERVER_PORT}`;
}

/** The runbook's features of the built-in `admins` group. */
export const RUNBOOK_ADMIN_FEATURES: readonly ClearmlFeature[] = [
  'config_vault',
  'experiments',
  'queues',
  'show_projects',
  'resource_dashboard',
  'user_management',
  'user_management_advanced',
  'app_management',
  'sso_management',
  'service_users',
  'resource_policy',
];

export type ResolvedCredentialsSecret = Req<CredentialsSecretProps>;
export type ResolvedSupervisor = Req<Omit<SupervisorProps, 'credentialsSecret'>> & { readonly credentialsSecret: ResolvedCredentialsSecret };
export type ResolvedServer = Req<Omit<ClearmlServerProps, 'sso' | 'ingressClassName' | 'billing' | 'supervisor' | 'hosts'>> & {
  readonly sso?: SsoProps;
  readonly ingressClassName?: string;
  readonly billing: Req<ServerBillingProps>;
  readonly supervisor: ResolvedSupervisor;
};

/** The server's public host names. */
export interface ResolvedServerHosts {
  readonly api: string;
  readonly file: string;
  readonly app: string;
}

/** `server` with its defaults (the cookie domain defaults to `baseDomain`); its hosts are {@link resolveServerHosts}. */
export function resolveServer(problems: Problems, input: ClearmlServerProps | undefined, baseDomain: string): ResolvedServer {
  const server = (input ?? {}) as Partial<ClearmlServerProps>;
  const supervisorIn = (server.supervisor ?? {}) as Partial<SupervisorProps>;
  const supervisor: ResolvedSupervisor = {
    role: 'system',
    allowLogin: true,
    groups: ['users', 'admins', 'queue_admins'],
    ...definedOnly(supervisorIn),
    email: supervisorIn.email as string,
    credentialsSecret: { accessKeyKey: 'access_key', secretKeyKey: 'secret_key', name: 'clearml-supervisor-credentials', ...definedOnly(supervisorIn.credentialsSecret) },
  };
  checkEmail(problems, 'server.supervisor.email', supervisor.email);
  checkDnsLabel(problems, 'server.supervisor.credentialsSecret.name', supervisor.credentialsSecret.name);

  const billingEnvIn = definedOnly(server.billing);
  const serverBilling: Req<ServerBillingProps> = {
    enabled: true,
    kafkaHosts: ['clearml-billing-kafka.clearml-billing:9092'],
    kafkaSecurityProtocol: 'SASL_PLAINTEXT',
    kafkaSaslMechanism: 'SCRAM-SHA-512',
    kafkaSaslUsername: 'billing',
    kafkaSaslPasswordSecret: { name: 'clearml-billing-kafka', key: 'password' },
    redisHost: 'clearml-billing-redis-master.clearml-billing',
    redisDb: 2,
    ...billingEnvIn,
  };
  checkSecretRef(problems, 'server.billing.kafkaSaslPasswordSecret', serverBilling.kafkaSaslPasswordSecret);
  if (!Number.isInteger(serverBilling.redisDb) || serverBilling.redisDb < 0) problems.add('server.billing.redisDb', serverBilling.redisDb, 'must be a Redis database number, 0 or more');

  const resolvedServer: ResolvedServer = {
    namespace: 'clearml',
    releaseName: 'clearml',
    chart: { source: 'clearml-enterprise', chart: 'clearml-enterprise', version: DEFAULT_CHART_VERSIONS.server },
    apiserverImageTag: '3.21.6-1443',
    webserverImageTag: '3.21.3-1657',
    cookieDomain: baseDomain,
    applicationsEnabled: true,
    applicationsQueueMode: 'global',
    organizationFeatures: ['user_management_advanced'],
    disabledOrganizationFeatures: [],
    uiFeaturesPerRole: { user: { show_datasets: false, show_orchestration: false } },
    maxRunningAppsPerCompany: 3,
    defaultGroupFeatures: { users: ['applications'], admins: RUNBOOK_ADMIN_FEATURES },
    groups: [],
    uniqueCompanyNames: true,
    resourceUsageSupervisorCompany: 'd1bd92a3b039400cbafc60a7a5b1e52b',
    extraApiserverEnv: {},
    values: {},
    ...definedOnly(server),
    billing: serverBilling,
    supervisor,
  };
  checkDnsLabel(problems, 'server.namespace', resolvedServer.namespace);
  checkImageTag(problems, 'server.apiserverImageTag', resolvedServer.apiserverImageTag);
  checkImageTag(problems, 'server.webserverImageTag', resolvedServer.webserverImageTag);
  checkServer(problems, resolvedServer);
  return resolvedServer;
}

function checkServer(problems: Problems, server: ResolvedServer): void {
  checkFeatures(problems, 'server.organizationFeatures', server.organizationFeatures, { path: 'server.disabledOrganizationFeatures', value: server.disabledOrganizationFeatures });
  for (const [role, features] of Object.entries(server.uiFeaturesPerRole)) {
    checkFeatures(problems, `server.uiFeaturesPerRole.${role}`, Object.keys(features ?? {}));
  }
  for (const [group, features] of Object.entries(server.defaultGroupFeatures)) {
    checkFeatures(problems, `server.defaultGroupFeatures.${group}`, features);
  }
  checkPositiveInteger(problems, 'server.maxRunningAppsPerCompany', server.maxRunningAppsPerCompany);
  const keys = new Set<string>();
  const ids = new Set<string>();
  server.groups.forEach((group, i) => {
    const path = `server.groups[${i}]`;
    if (typeof group.key !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(group.key)) {
      problems.add(`${path}.key`, group.key, 'must start with a letter and hold only letters, digits and "_" (it becomes part of a variable name)');
    } else if (keys.has(group.key) || ['users', 'admins', 'queue_admins'].includes(group.key)) {
      problems.add(`${path}.key`, group.key, 'is used by another group (users, admins and queue_admins are built in)');
    }
    keys.add(group.key);
    if (checkUuid(problems, `${path}.id`, group.id)) {
      if (ids.has(group.id.toLowerCase())) problems.add(`${path}.id`, group.id, 'is the id of another group');
      ids.add(group.id.toLowerCase());
    }
    checkFeatures(problems, `${path}.features`, group.features ?? []);
    if ('system' in (group as object)) problems.add(`${path}.system`, (group as { system?: unknown }).system, 'cannot be set: custom groups are always system=false');
  });
  if (server.sso) {
    const sso = server.sso as Partial<SsoProps>;
    checkNonEmptyString(problems, 'server.sso.clientId', sso.clientId);
    checkSecretRef(problems, 'server.sso.clientSecret', sso.clientSecret);
    checkHttpUrl(problems, 'server.sso.baseUrl', sso.baseUrl, ['https:']);
    checkHttpUrl(problems, 'server.sso.authorizeUrl', sso.authorizeUrl, ['https:']);
    checkHttpUrl(problems, 'server.sso.accessTokenUrl', sso.accessTokenUrl, ['https:']);
    checkNonEmptyString(problems, 'server.sso.audience', sso.audience);
  }
  checkDnsLabel(problems, 'server.supervisor.credentialsSecret.name', server.supervisor.credentialsSecret.name);
  for (const name of Object.keys(server.extraApiserverEnv)) {
    if (!/^CLEARML__[A-Za-z0-9_]+$/.test(name)) problems.add(`server.extraApiserverEnv.${name}`, name, 'must be a variable name "CLEARML__<path>" of letters, digits and "_"');
  }
}

/** The server's public host names: defaults from the base domain, each a DNS name, all different. */
export function resolveServerHosts(problems: Problems, input: ServerHostsProps | undefined, baseDomain: string): ResolvedServerHosts {
  const given = definedOnly(input);
  const hosts = { api: `api.${baseDomain}`, file: `file.${baseDomain}`, app: `app.${baseDomain}`, ...given };
  const seen = new Map<string, string>();
  for (const key of ['api', 'app', 'file'] as const) {
    const path = `server.hosts.${key}`;
    // A default host is only as good as baseDomain, which is checked on its own.
    if (key in given ? !checkDnsName(problems, path, hosts[key]) : false) continue;
    const other = seen.get(hosts[key]);
    if (other) problems.add(path, hosts[key], `is also server.hosts.${other}; the apiserver, webserver and file server need a host each`);
    seen.set(hosts[key], key);
  }
  return hosts;
}
