/**
 * The bootstrap plan of a tenant (BOOTSTRAP-API.md, section 5): what the tenant's bootstrap Job makes
 * true in ClearML. `allowed_users` is a number (the runbook's `"10"` is a string).
 */
import { BootstrapPlan } from '../bootstrap/plan';
import { ResolvedPlatform } from '../config/platform';
import { ResolvedTenant } from '../config/tenants';
import { tenantQueues } from './queues';

/**
 * The plan of `tenant`. Features the file does not list are left out, so the server's company
 * defaults apply. The company settings repeat the defaults so that a later edit of the file reaches
 * an existing company (`create_company` applies defaults only once).
 */
export function bootstrapPlan(tenant: ResolvedTenant, _platform: ResolvedPlatform): BootstrapPlan {
  const company = {
    allowed_users: tenant.allowedUsers,
    ...(tenant.features !== undefined ? { features: [...tenant.features] } : {}),
    ...(tenant.excludeFeatures !== undefined ? { exclude_features: [...tenant.excludeFeatures] } : {}),
  };
  return {
    tenant: tenant.name,
    namespace: tenant.namespace,
    admin: { name: tenant.admin.name, email: tenant.admin.email },
    companyDefaults: company,
    companySettings: { ...company },
    domains: [...tenant.ssoDomains],
    queues: tenantQueues(tenant).map((q) => q.name),
  };
}
