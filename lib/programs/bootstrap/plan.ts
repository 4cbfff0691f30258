/**
 * The plan of one tenant's bootstrap: what synth writes as JSON next to the bootstrap program
 * (contract version 2, section 5; docs/bootstrap-contract.md). Type-only, so the program stays self-contained.
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

/** The lifecycle states a plan may ask for (contract version 2, section 6). */
export const BOOTSTRAP_STATES = ['active', 'suspended', 'decommissioned'] as const;
export type BootstrapState = (typeof BOOTSTRAP_STATES)[number];

/** One group of login whitelist entries (`login.add_whitelist_entries`). */
export interface BootstrapWhitelistEntry {
  readonly emails: readonly string[];
  /** Whether these e-mails log in as company admins. */
  readonly isAdmin: boolean;
}

/** How the Job reaches a target cluster's API server (contract, section 7): files mounted from Secrets. */
export interface BootstrapTargetKubernetes {
  /** The API server, `https://host:port`. */
  readonly url: string;
  /** Absolute path of the token of a ServiceAccount in that cluster with section 2's tenant-namespace rights. */
  readonly tokenFile: string;
  /** Absolute path of that cluster's CA certificate (required with an https:// URL). */
  readonly caFile?: string;
}

/** One cluster that runs the tenant's workloads (contract, section 7). */
export interface BootstrapTarget {
  /** The cluster's name; the credentials' labels are `clearml-tenancy:agent@<cluster>` and `...:router@<cluster>`. */
  readonly cluster: string;
  /** The tenant namespace there, which receives the agent and router credential Secrets. */
  readonly namespace: string;
  /** @default - the Job's own cluster (the environment of section 5) */
  readonly kubernetes?: BootstrapTargetKubernetes;
}

export interface BootstrapPlan {
  /** The company name (the tenant's name). */
  readonly tenant: string;
  /** Namespace the credential Secrets of the contract are written to. */
  readonly namespace: string;
  /**
   * Namespace of the ledger Secret `clearml-tenant-ledger-<tenant>`: the Job's own (the server namespace).
   * Optional in the type only so that a version-1 plan still type-checks: the program refuses a plan without
   * it, since the version-1 fallback (the ledger in the tenant namespace) is what a tenant could forge.
   */
  readonly ledgerNamespace?: string;
  /** The state the run must reach. @default 'active' */
  readonly state?: BootstrapState;
  /** Generation of the credentials; a higher one than a credential Secret records rotates its key. @default 1 */
  readonly credentialsGeneration?: number;
  /** `internal`: the admin is created as an internal user (`auth.create_user` `internal: true`). @default false */
  readonly admin: { readonly name: string; readonly email: string; readonly internal?: boolean };
  /** Login whitelist entries converged like the domains. @default - the whitelist is not touched (version 1) */
  readonly whitelist?: readonly BootstrapWhitelistEntry[];
  readonly companyDefaults: BootstrapCompanyDefaults;
  readonly companySettings: BootstrapCompanySettings;
  /** SSO e-mail domains (`login.set_domains`). */
  readonly domains: readonly string[];
  /** Queue names to find or create. */
  readonly queues: readonly string[];
  /**
   * The clusters that get the tenant's agent and router credentials, each its own keys (contract, section 7).
   * With targets, `namespace` keeps only the admin credentials. @default - one cluster: the Job's own (sections 1-6)
   */
  readonly targets?: readonly BootstrapTarget[];
}

/**
 * The Secrets of the tenant namespace (contract, section 3). `ledger` is the version-1 ledger: the program
 * only reads it, as untrusted input for migrating to the version-2 ledger ({@link bootstrapLedgerName}).
 */
export const BOOTSTRAP_SECRETS = {
  ledger: { name: 'clearml-tenant-bootstrap', keys: ['company_id', 'admin_user_id'] },
  admin: { name: 'clearml-admin-credentials', keys: ['access_key', 'secret_key'] },
  agent: { name: 'clearml-agent-credentials', keys: ['agentk8sglue_key', 'agentk8sglue_secret'] },
  router: { name: 'clearml-router-credentials', keys: ['access_key', 'secret_key'] },
} as const;

/** The prefix of the version-2 ledgers' names. */
export const BOOTSTRAP_LEDGER_PREFIX = 'clearml-tenant-ledger-';

/** Name of the version-2 ledger of `tenant`, in the plan's `ledgerNamespace` (contract, section 3). */
export function bootstrapLedgerName(tenant: string): string {
  return `${BOOTSTRAP_LEDGER_PREFIX}${tenant}`;
}

/** The prefix of the bootstrap Jobs' ServiceAccounts in the server namespace (`clearml-bootstrap-<tenant>`). */
export const BOOTSTRAP_ACCOUNT_PREFIX = 'clearml-bootstrap-';

/** Keys of the version-2 ledger; `state` is written only on decommissioning. */
export const BOOTSTRAP_LEDGER_KEYS = ['company_id', 'admin_user_id', 'state'] as const;

/** Annotation on each credential Secret with the credentials generation it holds (absent: generation 1). */
export const GENERATION_ANNOTATION = 'clearml-tenancy/generation';

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
