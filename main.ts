/**
 * The platform of this repository: edit the props below, then `npm run synth`. Tenants are the files
 * `tenants/<name>.yaml` (format: `schema/tenant.schema.json`; a new one: `npm run tenant:new`).
 *
 * Every prop not set here takes the profile's default (`profile`, default 'runbook': the runbook's values;
 * 'current': ClearML's current pages, README "Profiles"; see lib/platform/platform-props.ts for each
 * default). `npm run synth -- --profile current` picks a profile for one run.
 *
 * Secrets are never values here: props name Secrets, and `dist/SECRETS.md` lists the ones an operator
 * must create.
 */
import { PlatformProps } from './lib/platform/platform-props';
import { runSynth } from './lib/cli';

export const platform: PlatformProps = {
  baseDomain: 'clearml.example.com',
  // Every operator-owned Secret of the inventory is written by the External Secrets Operator from the
  // platform team's ClusterSecretStore `platform-vault` (remote keys: README, "Secrets").
  secrets: { provider: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'platform-vault' } },
  sources: {
    // The billing chart tarball from ClearML, pushed to the platform team's OCI registry
    // (`helm push clearml-billing-1.1.0.tgz oci://registry.example.com/clearml-charts`).
    'platform-charts': { type: 'oci', url: 'oci://registry.example.com/clearml-charts', secretName: 'platform-charts-registry' },
  },
  server: {
    supervisor: { email: 'supervisor@example.com' },
    sso: {
      clientId: 'clearml-example',
      clientSecret: { name: 'clearml-sso', key: 'client-secret' },
      baseUrl: 'https://login.example.com',
      authorizeUrl: 'https://login.example.com/authorize',
      accessTokenUrl: 'https://login.example.com/oauth/token',
      audience: 'https://api.clearml.example.com',
    },
    groups: [
      {
        key: 'data_scientists',
        id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
        name: 'Data Scientists',
        features: ['applications', 'experiments', 'queues', 'pipelines', 'reports', 'show_dashboard', 'show_projects'],
      },
    ],
  },
  migSetup: {
    nodes: [
      { name: 'gpu-node-a100-1', gpus: 'all', gpuModel: 'A100-40GB' },
      { name: 'gpu-node-h100-1', gpus: [0, 1, 2, 3], gpuModel: 'H100-80GB' },
    ],
  },
  billing: { chart: { source: 'platform-charts', chart: 'clearml-billing', version: '1.1.0' } },
  // What a tenant file may grant its own tenant (README "Isolation"): no company-administration features
  // (sso_management, user_management_advanced, permissions, resource_policy, app_management), at most 100
  // users. Against hostile tenants also set requireQuota and maxQuota, once every tenant file has a quota
  // (globex and initech have none yet).
  tenancy: {
    limits: {
      allowedFeatures: [
        'applications', 'config_vault', 'data_management', 'experiments', 'model_serving', 'pipelines', 'queue_management', 'queues', 'reports',
        'resource_dashboard', 'service_users', 'show_dashboard', 'show_datasets', 'show_model_view', 'show_orchestration', 'show_projects', 'user_management',
      ],
      maxAllowedUsers: 100,
    },
  },
};

if (require.main === module) {
  process.exitCode = runSynth({ platform, tenantsDir: 'tenants' }, process.argv.slice(2));
}
