/**
 * Pinned default chart versions, each with where it comes from (the README's "Chart versions" table
 * says the same). A later profile sets other defaults by replacing this record. A leaf module: the
 * components' defaults (lib/components/) and the tenant releases' read it.
 */
export const DEFAULT_CHART_VERSIONS = {
  /** clearml-enterprise: newest release notes, `docs/release_notes/helm/clearml-enterprise/11.0.md` (clearml-docs, 2026-07). */
  server: '11.0.2',
  /** clearml-enterprise-agent: newest release notes, `docs/release_notes/helm/clearml-enterprise-agent/6.14.md`. */
  agent: '6.14.6',
  /**
   * clearml-task-traffic-router: no release notes under this name; 3.2.0 is the newest release notes of
   * its successor `clearml-enterprise-app-gateway` (`.../clearml-enterprise-app-gateway/`). Unverified
   * that the old name carries it.
   */
  router: '3.2.0',
  /** clearml-dynamic-mig-operator: ClearML publishes no version (`cdmo.md` installs without one); an assumption to confirm. */
  dynamicMigOperator: '1.0.0',
  /** gpu-operator: not pinned by the runbook; NVIDIA's release v25.3.0 (this project's default since its start). */
  gpuOperator: 'v25.3.0',
  /** redis: the runbook's `--version=17.8.3`. */
  redis: '17.8.3',
} as const;
