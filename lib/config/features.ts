/**
 * The ClearML feature names the runbook documents ("Available Features" under "Configuring Groups",
 * plus the company-level names used in its `create_company` example). Used for server-level features,
 * group features and tenant company defaults alike.
 */
export const CLEARML_FEATURES = [
  'app_management',
  'applications',
  'config_vault',
  'data_management',
  'experiments',
  'model_serving',
  'permissions',
  'pipelines',
  'queue_management',
  'queues',
  'reports',
  'resource_dashboard',
  'resource_policy',
  'service_users',
  'show_dashboard',
  'show_datasets',
  'show_model_view',
  'show_orchestration',
  'show_projects',
  'sso_management',
  'user_management',
  'user_management_advanced',
] as const;

/** A ClearML feature name. */
export type ClearmlFeature = (typeof CLEARML_FEATURES)[number];

const KNOWN = new Set<string>(CLEARML_FEATURES);

/** True when `name` is one of {@link CLEARML_FEATURES}. */
export function isClearmlFeature(name: unknown): name is ClearmlFeature {
  return typeof name === 'string' && KNOWN.has(name);
}
