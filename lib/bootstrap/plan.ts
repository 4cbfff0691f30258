/**
 * The plan of one tenant's bootstrap: what synth writes as JSON next to the bootstrap program
 * (`BOOTSTRAP-API.md`, section 5). Type-only, so the program stays self-contained.
 */

/** Company defaults sent with `system.create_company`. */
export interface BootstrapCompanyDefaults {
  readonly allowed_users?: number;
  readonly features?: readonly string[];
  readonly exclude_features?: readonly string[];
}

/** Settings applied with `system.update_company_settings`. */
export interface BootstrapCompanySettings {
  readonly features?: readonly string[];
  readonly exclude_features?: readonly string[];
  readonly allowed_users?: number;
}

export interface BootstrapPlan {
  /** The company name (the tenant's name). */
  readonly tenant: string;
  /** Namespace the Secrets of the contract are written to. */
  readonly namespace: string;
  readonly admin: { readonly name: string; readonly email: string };
  readonly companyDefaults: BootstrapCompanyDefaults;
  readonly companySettings: BootstrapCompanySettings;
  /** SSO e-mail domains (`login.set_domains`). */
  readonly domains: readonly string[];
  /** Queue names to find or create. */
  readonly queues: readonly string[];
}

/** The Secrets the bootstrap leaves in the tenant namespace (contract, section 3). */
export const BOOTSTRAP_SECRETS = {
  ledger: { name: 'clearml-tenant-bootstrap', keys: ['company_id', 'admin_user_id'] },
  admin: { name: 'clearml-admin-credentials', keys: ['access_key', 'secret_key'] },
  agent: { name: 'clearml-agent-credentials', keys: ['agentk8sglue_key', 'agentk8sglue_secret'] },
  router: { name: 'clearml-router-credentials', keys: ['access_key', 'secret_key'] },
} as const;
