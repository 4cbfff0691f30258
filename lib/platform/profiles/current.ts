/**
 * The `current` profile: ClearML's current Kubernetes pages (clearml-docs as of 2026-07-16) instead of
 * the runbook. Each default below says which page it comes from (paths of the `clearml/clearml-docs`
 * repository); the README's "Profiles" table lists the same.
 */
import type { PlatformProps } from '../platform-props';
import type { ProfileDefaults } from './profile';

/** Where every enterprise chart is now: ClearML's OCI registry on Docker Hub (`enterprise_deploy/k8s.md`). */
export const CURRENT_OCI_REGISTRY = 'oci://docker.io/clearml';

/**
 * The Flux source Secret (type `kubernetes.io/dockerconfigjson`, in the sources namespace) for the
 * registry: what `helm registry login docker.io --username allegroaienterprise` logs in with.
 */
export const CURRENT_REGISTRY_SOURCE_SECRET = 'clearml-enterprise-oci-registry';

/** Chart versions of the newest release notes, each with its page. */
export const CURRENT_CHART_VERSIONS = {
  /** `docs/release_notes/helm/clearml-enterprise/11.0.md`: 11.0.2. */
  server: '11.0.2',
  /** `docs/release_notes/helm/clearml-enterprise-agent/6.14.md`: 6.14.6. */
  agent: '6.14.6',
  /** `docs/release_notes/helm/clearml-enterprise-app-gateway/`: 3.2.0. */
  appGateway: '3.2.0',
  /** `docs/clearml_agent/fractional_gpus/cdmo.md` installs without a version and no release notes exist: the runbook profile's pin, to confirm. */
  dynamicMigOperator: '1.0.0',
} as const;

/** Image tags of the same release notes. */
export const CURRENT_IMAGE_TAGS = {
  /** clearml-enterprise 11.0.0: apiserver `3.29.1-800`. */
  apiserver: '3.29.1-800',
  /**
   * clearml-enterprise 11.0.0: fileserver `3.29.1-800`. For the record only: the profile leaves the
   * fileserver at the chart's own image (the runbook sets no fileserver tag, so there is no prop a user
   * could set back), which is the release's.
   */
  fileserver: '3.29.1-800',
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
