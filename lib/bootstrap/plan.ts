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

/** What each Secret of the contract is for (the Secret inventory's words, shared by writer and readers). */
export function bootstrapSecretPurpose(kind: keyof typeof BOOTSTRAP_SECRETS, tenant: string): string {
  switch (kind) {
    case 'ledger':
      return `Ids of tenant ${tenant}'s company and admin user (the bootstrap's ledger)`;
    case 'admin':
      return `API credentials of tenant ${tenant}'s admin, to hand over out of band`;
    case 'agent':
      return `API credentials of tenant ${tenant}'s ClearML agent (read through clearml.existingAgentk8sglueSecret)`;
    case 'router':
      return `API credentials of tenant ${tenant}'s app gateway (read as clearml.apiserverKey/apiserverSecret)`;
  }
}

/** What the supervisor credentials Secret is for (one wording for every reader). */
export const SUPERVISOR_SECRET_PURPOSE = 'ClearML supervisor user key and secret (role system); used by the apiserver and the bootstrap Jobs';
