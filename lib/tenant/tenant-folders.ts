/**
 * The output folders of one tenant, each its own App (so synth stays linear in the number of tenants):
 *
 * - `tenants/<name>/bootstrap/`: the namespace, its isolation, its quota and LimitRange (when the tenant
 *   file sets them) and the bootstrap Job, applied first;
 * - `tenants/<name>/workloads/`: the agent and app gateway releases, which read the Secrets the
 *   bootstrap writes and wait for the ClearML server release. Only for an `active` tenant: a `suspended` or
 *   `decommissioned` tenant has no workloads folder, so every GitOps flavor removes its releases (README
 *   "Tenant lifecycle"), while the namespace, quota, policies and bootstrap Job stay.
 */
import { App, Chart } from 'cdk8s';
import { AppGateway } from '../components/app-gateway';
import { BOOTSTRAP_SECRETS, bootstrapSecretPurpose } from '../programs/bootstrap/plan';
import { registryPasswordValue } from '../components/registry-credentials/registry-credentials';
import { ResolvedPlatform } from '../platform/platform';
import { ResolvedTenant } from './tenants';
import { ReleaseRef } from '../flavors/release-definition';
import { OutputFolder } from '../output/write-tree';
import { bootstrapPlan } from './bootstrap-plan';
import { TenantAgent } from './tenant-agent';
import { TenantBootstrap } from './tenant-bootstrap';
import { TenantNamespace } from './tenant-namespace';
import { TenantQuota } from './tenant-quota';
import { TenantRouter } from './tenant-router';
import { routerDeployed } from './tenant-deployment';

/** Folder paths of a tenant. */
export function tenantFolderPaths(tenant: Pick<ResolvedTenant, 'name'>): { readonly bootstrap: string; readonly workloads: string } {
  return { bootstrap: `tenants/${tenant.name}/bootstrap`, workloads: `tenants/${tenant.name}/workloads` };
}

/** The server release the tenant's releases wait for. */
export function serverReleaseRef(platform: ResolvedPlatform): ReleaseRef {
  return { name: platform.server.releaseName, namespace: platform.server.namespace };
}

/** Builds the tenant's two folders. */
export function tenantFolders(tenant: ResolvedTenant, platform: ResolvedPlatform): OutputFolder[] {
  const paths = tenantFolderPaths(tenant);

  const bootstrap = new App({ outdir: 'unused' });
  new TenantNamespace(new Chart(bootstrap, 'namespace'), 'TenantNamespace', { tenant, platform });
  if (tenant.quota !== undefined || tenant.limitRange !== undefined) {
    new TenantQuota(new Chart(bootstrap, 'quota'), 'TenantQuota', { tenant: tenant.name, namespace: tenant.namespace, quota: tenant.quota, limitRange: tenant.limitRange });
  }
  new TenantBootstrap(new Chart(bootstrap, 'bootstrap'), 'TenantBootstrap', {
    plan: bootstrapPlan(tenant, platform),
    jobNamespace: platform.server.namespace,
    apiUrl: platform.internalApiUrl,
    supervisorSecret: platform.server.supervisor.credentialsSecret,
    image: platform.bootstrap.image,
    deadlineSeconds: platform.bootstrap.deadlineSeconds,
    backoffLimit: platform.bootstrap.backoffLimit,
    activeDeadlineSeconds: platform.bootstrap.activeDeadlineSeconds,
  });

  const folders: OutputFolder[] = [{ path: paths.bootstrap, app: bootstrap }];
  if (!hasWorkloads(tenant)) return folders;

  const workloads = new App({ outdir: 'unused' });
  const after = [serverReleaseRef(platform)];
  new TenantAgent(new Chart(workloads, 'agent'), 'TenantAgent', { tenant, platform, after });
  if (routerDeployed(tenant, platform) && platform.tenantReleases.routerKind === 'app-gateway') appGateway(new Chart(workloads, 'app-gateway'), tenant, platform, after);
  else if (routerDeployed(tenant, platform)) new TenantRouter(new Chart(workloads, 'router'), 'TenantRouter', { tenant, platform, after });
  folders.push({ path: paths.workloads, app: workloads });
  return folders;
}

/** The tenant's app gateway (the current profile's router), with the router credentials the bootstrap writes. */
function appGateway(scope: Chart, tenant: ResolvedTenant, platform: ResolvedPlatform, after: readonly ReleaseRef[]): AppGateway {
  const [accessKeyKey, secretKeyKey] = BOOTSTRAP_SECRETS.router.keys;
  const gateway = platform.tenantReleases.appGateway;
  return new AppGateway(scope, 'AppGateway', {
    namespace: tenant.namespace,
    chart: platform.tenantReleases.routerChart,
    catalog: platform.catalog,
    credentials: { name: BOOTSTRAP_SECRETS.router.name, accessKeyKey, secretKeyKey, purpose: bootstrapSecretPurpose('router', tenant.name) },
    registryPassword: registryPasswordValue(platform),
    apiServerUrl: platform.urls.api,
    authCookieName: gateway.authCookieName,
    hostName: tenant.router.hostName,
    ingressClassName: platform.server.ingressClassName,
    streamSession: { ...tenant.router.streamSession, serviceType: gateway.streamServiceType },
    after,
  });
}

/** Whether the tenant's agent and app gateway are deployed: only while it is `active`. */
export function hasWorkloads(tenant: Pick<ResolvedTenant, 'state'>): boolean {
  return tenant.state === 'active';
}
