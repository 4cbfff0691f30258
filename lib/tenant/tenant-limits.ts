/**
 * The platform's limits on what a tenant file may grant its own tenant (`tenancy.limits`, README
 * "Isolation"): a tenant controls its file, so without them a file may leave out `quota` (no ResourceQuota:
 * every GPU, CPU and memory of the cluster), add any feature to its company (`sso_management`,
 * `user_management_advanced`, `permissions`, ...) and ask for the schema's most users. Limits only refuse:
 * a tenant file within them synthesizes exactly as without them.
 */
import type { ResolvedTenancyLimits } from '../platform/platform';
import { isClearmlFeature } from '../config/features';
import { compareQuantities } from '../core/quantity';
import { Problems } from '../core/problems';
import type { ResolvedTenant } from './tenants';

const QUANTITY_KEYS = ['cpu', 'memory', 'limitsCpu', 'limitsMemory'] as const;
const COUNT_KEYS = ['pods', 'gpus'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The quota keys the platform caps, each with its path in the tenant file and its most. */
function cappedKeys(max: ResolvedTenancyLimits['maxQuota']): { readonly path: string; readonly key: string; readonly profile?: string; readonly max: string | number }[] {
  const out: { path: string; key: string; profile?: string; max: string | number }[] = [];
  if (!max) return out;
  for (const key of [...QUANTITY_KEYS, ...COUNT_KEYS]) if (max[key] !== undefined) out.push({ path: `quota.${key}`, key, max: max[key] as string | number });
  for (const [profile, n] of Object.entries(max.mig ?? {})) if (n !== undefined) out.push({ path: `quota.mig.${profile}`, key: 'mig', profile, max: n as number });
  return out;
}

/** Whether `value` (a tenant's quota entry) exceeds `max`; false when it cannot be compared (the schema reports a bad value). */
function exceeds(value: unknown, max: string | number): boolean {
  if (typeof max === 'string') return typeof value === 'string' && compareQuantities(value, max) === 1;
  return typeof value === 'number' && value > max;
}

/**
 * Adds to `problems` (the tenant file's) what `data` (the file as written) and `tenant` (its defaults
 * applied) grant beyond `limits`, each naming the field, the value and the platform setting.
 */
export function checkTenantLimits(problems: Problems, data: Record<string, unknown>, tenant: Pick<ResolvedTenant, 'allowedUsers'>, limits: ResolvedTenancyLimits): void {
  const setting = 'tenancy.limits';
  const quota = isObject(data.quota) ? data.quota : undefined;
  const capped = cappedKeys(limits.maxQuota);
  if (quota === undefined) {
    if (limits.requireQuota || capped.length > 0) {
      const why = limits.requireQuota ? `${setting}.requireQuota` : `${setting}.maxQuota`;
      const keys = capped.length > 0 ? `, with at least ${capped.map((c) => `${c.path.slice('quota.'.length)} <= ${c.max}`).join(', ')}` : '';
      problems.add('quota', undefined, `is required by the platform (${why}): without a quota the tenant may use every GPU, CPU and memory of the cluster; set quota${keys}`);
    }
  } else {
    for (const c of capped) {
      const value = c.profile !== undefined ? (isObject(quota.mig) ? quota.mig[c.profile] : undefined) : quota[c.key];
      const where = `${setting}.maxQuota.${c.path.slice('quota.'.length)}`;
      if (value === undefined) problems.add(c.path, undefined, `is required by the platform (${where}: ${c.max}): a quota key not set is unlimited; set at most ${c.max}`);
      else if (exceeds(value, c.max)) problems.add(c.path, value, `is more than the platform allows (${where}: ${c.max}); set at most ${c.max}`);
    }
  }

  const allowed = limits.allowedFeatures;
  if (allowed !== undefined && Array.isArray(data.features)) {
    data.features.forEach((feature, i) => {
      if (isClearmlFeature(feature) && !allowed.includes(feature)) {
        problems.add(`features[${i}]`, feature, `is not a feature the platform lets a tenant add (${setting}.allowedFeatures); allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}`);
      }
    });
  }

  const maxUsers = limits.maxAllowedUsers;
  if (maxUsers !== undefined && typeof tenant.allowedUsers === 'number' && tenant.allowedUsers > maxUsers) {
    problems.add(data.allowedUsers === undefined ? 'allowedUsers (default)' : 'allowedUsers', tenant.allowedUsers, `is more than the platform allows (${setting}.maxAllowedUsers: ${maxUsers}); set at most ${maxUsers}`);
  }
}
