/**
 * The apiserver's `CLEARML__*` variables of the runbook ("Install ClearML Chart", "Configuring Groups"),
 * generated from typed props. Secrets are `secretKeyRef`s; every other value is written the way the
 * apiserver parses it (booleans `"true"`, lists as JSON, the supervisor e-mail wrapped in quotes).
 */
import type { ResolvedServer } from './settings';

/** One entry of a container's `env`. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

const bool = (b: boolean) => (b ? 'true' : 'false');
const jsonList = (items: readonly string[]) => JSON.stringify(items);

function fromSecret(name: string, secret: { name: string; key: string }): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } };
}

/** The apiserver's `extraEnvs`, in the runbook's order, then groups and extra variables. */
export function apiserverEnv(server: ResolvedServer): EnvVar[] {
  const env: EnvVar[] = [];
  const billing = server.billing;
  env.push({ name: 'CLEARML__billing__enabled', value: bool(billing.enabled) });
  if (billing.enabled) {
    env.push(
      { name: 'CLEARML__HOSTS__KAFKA__BILLING__HOST', value: `[${billing.kafkaHosts.join(', ')}]` },
      { name: 'CLEARML__HOSTS__REDIS__BILLING__HOST', value: billing.redisHost },
      { name: 'CLEARML__HOSTS__REDIS__BILLING__DB', value: String(billing.redisDb) },
      { name: 'CLEARML__SECURE__KAFKA__BILLING__security_protocol', value: billing.kafkaSecurityProtocol },
      { name: 'CLEARML__SECURE__KAFKA__BILLING__sasl_mechanism', value: billing.kafkaSaslMechanism },
      { name: 'CLEARML__SECURE__KAFKA__BILLING__sasl_plain_username', value: billing.kafkaSaslUsername },
      fromSecret('CLEARML__SECURE__KAFKA__BILLING__sasl_plain_password', billing.kafkaSaslPasswordSecret),
    );
  }
  if (server.sso) {
    const sso = server.sso;
    const prefix = 'CLEARML__services__login__sso__oauth_client__auth0';
    env.push(
      { name: 'CLEARML__secure__login__sso__oauth_client__auth0__client_id', value: sso.clientId },
      fromSecret('CLEARML__secure__login__sso__oauth_client__auth0__client_secret', sso.clientSecret),
      { name: `${prefix}__base_url`, value: sso.baseUrl },
      { name: `${prefix}__authorize_url`, value: sso.authorizeUrl },
      { name: `${prefix}__access_token_url`, value: sso.accessTokenUrl },
      { name: `${prefix}__audience`, value: sso.audience },
    );
  }
  for (const feature of server.organizationFeatures) env.push({ name: `CLEARML__services__organization__features__${feature}`, value: 'true' });
  for (const feature of server.disabledOrganizationFeatures) env.push({ name: `CLEARML__services__organization__features__${feature}`, value: 'false' });
  for (const [role, features] of Object.entries(server.uiFeaturesPerRole)) {
    for (const [feature, on] of Object.entries(features)) {
      env.push({ name: `CLEARML__services__auth__ui_features_per_role__${role}__${feature}`, value: bool(on === true) });
    }
  }
  env.push({ name: 'CLEARML__services__applications__max_running_apps_per_company', value: String(server.maxRunningAppsPerCompany) });
  for (const [group, features] of Object.entries(server.defaultGroupFeatures)) {
    env.push({ name: `CLEARML__services__auth__default_groups__${group}__features`, value: jsonList(features) });
  }
  env.push({ name: 'CLEARML__services__workers__resource_usages__supervisor_company', value: server.resourceUsageSupervisorCompany });
  const supervisor = server.supervisor;
  const prefix = 'CLEARML__secure__credentials__supervisor';
  env.push(
    { name: `${prefix}__role`, value: supervisor.role },
    { name: `${prefix}__allow_login`, value: bool(supervisor.allowLogin) },
    fromSecret(`${prefix}__user_key`, { name: supervisor.credentialsSecret.name, key: supervisor.credentialsSecret.accessKeyKey }),
    fromSecret(`${prefix}__user_secret`, { name: supervisor.credentialsSecret.name, key: supervisor.credentialsSecret.secretKeyKey }),
    { name: `${prefix}__sec_groups`, value: jsonList(supervisor.groups) },
    // The apiserver parses this value as HOCON: an e-mail must arrive as a quoted string.
    { name: `${prefix}__email`, value: JSON.stringify(supervisor.email) },
    { name: 'CLEARML__apiserver__company__unique_names', value: bool(server.uniqueCompanyNames) },
  );
  for (const group of server.groups) {
    const g = `CLEARML__services__auth__default_groups__${group.key}`;
    env.push(
      { name: `${g}__id`, value: group.id.toLowerCase() },
      { name: `${g}__name`, value: group.name ?? group.key },
      { name: `${g}__features`, value: jsonList(group.features) },
      { name: `${g}__assignable`, value: bool(group.assignable ?? false) },
      { name: `${g}__system`, value: 'false' },
    );
  }
  for (const [name, value] of Object.entries(server.extraApiserverEnv).sort(([a], [b]) => a.localeCompare(b))) env.push({ name, value });
  return env;
}
