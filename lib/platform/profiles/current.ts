/**
 * The `current` profile: ClearML's current Kubernetes pages (clearml-docs as of 2026-07-16) instead of
 * the runbook. Each default below says which page it comes from (paths of the `clearml/clearml-docs`
 * repository); the README's "Profiles" table lists the same.
 */
import type { PlatformProps } from '../platform-props';
import { DEFAULT_CHART_VERSIONS } from '../../config/chart-versions';
import type { ProfileDefaults, ProfileDefinition } from './profile';

/** Where every enterprise chart is now: ClearML's OCI registry on Docker Hub (`enterprise_deploy/k8s.md`). */
export const CURRENT_OCI_REGISTRY = 'oci://docker.io/clearml';

/**
 * The Flux source Secret (type `kubernetes.io/dockerconfigjson`, in the sources namespace) for the
 * registry: what `helm registry login docker.io --username allegroaienterprise` logs in with.
 */
export const CURRENT_REGISTRY_SOURCE_SECRET = 'clearml-enterprise-oci-registry';

/**
 * Chart versions: the same pinned versions as the runbook profile (lib/config/chart-versions.ts, each with
 * the release notes it comes from); the app gateway is the chart the runbook profile pins as the router.
 */
export const CURRENT_CHART_VERSIONS = {
  server: DEFAULT_CHART_VERSIONS.server,
  agent: DEFAULT_CHART_VERSIONS.agent,
  appGateway: DEFAULT_CHART_VERSIONS.router,
  dynamicMigOperator: DEFAULT_CHART_VERSIONS.dynamicMigOperator,
} as const;

/** Image tags of the same release notes. */
export const CURRENT_IMAGE_TAGS = {
  /** clearml-enterprise 11.0.0: apiserver `3.29.1-800`. */
  apiserver: '3.29.1-800',
  // The fileserver stays at the chart's own image, the release's (11.0.0: `3.29.1-800`): the runbook sets
  // no fileserver tag, so there would be no prop a user could set back.
  /** clearml-enterprise 11.0.1: webserver `3.29.3-1980`. */
  webserver: '3.29.3-1980',
  /** clearml-enterprise-agent 6.14.5 and later: `1.31-3.0.3-469`. */
  agent: '1.31-3.0.3-469',
} as const;

/** Chart names in the OCI registry. */
export const CURRENT_CHARTS = {
  server: 'clearml-enterprise',
  agent: 'clearml-enterprise-agent',
  appGateway: 'clearml-enterprise-app-gateway',
  dynamicMigOperator: 'clearml-dynamic-mig-operator',
} as const;

/** The defaults of the `current` profile for these props (the file server host follows `baseDomain`). */
export function currentProfileDefaults(props: PlatformProps): ProfileDefaults {
  const source = 'clearml-enterprise';
  const baseDomain = (props as Partial<PlatformProps>).baseDomain;
  return {
    // Every enterprise chart from the OCI registry, logged in with a Secret (`enterprise_deploy/k8s.md`).
    sources: { [source]: { type: 'oci', url: CURRENT_OCI_REGISTRY, secretName: CURRENT_REGISTRY_SOURCE_SECRET } },
    server: {
      chart: { source, chart: CURRENT_CHARTS.server, version: CURRENT_CHART_VERSIONS.server },
      apiserverImageTag: CURRENT_IMAGE_TAGS.apiserver,
      webserverImageTag: CURRENT_IMAGE_TAGS.webserver,
      // `enterprise_deploy/multi_tenant_k8s.md`: apiserver.extraEnvs user_management_advanced and company.unique_names.
      organizationFeatures: ['user_management_advanced'],
      uniqueCompanyNames: true,
      // No billing on the current pages (usage events and the Platform Management Center replace it).
      billing: { enabled: false },
      // The current pages name the file server `files.<domain>`.
      ...(typeof baseDomain === 'string' ? { hosts: { file: `files.${baseDomain}` } } : {}),
    },
    billing: { enabled: false },
    // `docs/clearml_agent/fractional_gpus/cdmo.md`: release `cdmo` in namespace `cdmo`.
    dynamicMigOperator: {
      namespace: 'cdmo',
      releaseName: 'cdmo',
      chart: { source, chart: CURRENT_CHARTS.dynamicMigOperator, version: CURRENT_CHART_VERSIONS.dynamicMigOperator },
    },
    tenantReleases: {
      agentChart: { source, chart: CURRENT_CHARTS.agent, version: CURRENT_CHART_VERSIONS.agent },
      agentImageTag: CURRENT_IMAGE_TAGS.agent,
      // `enterprise_deploy/appgw_install_k8s.md`: the app gateway in place of the task traffic router.
      routerKind: 'app-gateway',
      routerChart: { source, chart: CURRENT_CHARTS.appGateway, version: CURRENT_CHART_VERSIONS.appGateway },
    },
    // `multi_tenant_k8s.md`: `auth.create_user` with `"internal": "true"`.
    bootstrap: { adminInternal: true },
  };
}

export const currentProfile: ProfileDefinition = {
  description: "ClearML's current Kubernetes pages (OCI charts, app gateway, internal admins, no billing)",
  defaults: currentProfileDefaults,
};
