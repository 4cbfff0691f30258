/**
 * The tenant parts that route task traffic, one entry per `tenantReleases.routerKind`
 * (lib/config/router-kinds.ts): what each builds into the tenant's workloads folder, the policies that admit
 * its traffic into the tenant namespace, and whether it carries TCP/UDP stream sessions. Nothing else
 * compares router kinds; adding one is an entry here and its name there.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { RouterKindName } from '../config/router-kinds';
import { AppGateway, AppGatewayPolicies } from '../components/app-gateway';
import { registryPasswordValue } from '../components/registry-credentials/registry-credentials';
import { ReleaseRef } from '../flavors/release-definition';
import type { ResolvedPlatform } from '../platform/platform';
import { namespaceByName } from '../core/labels';
import { BOOTSTRAP_SECRETS, bootstrapSecretPurpose } from '../programs/bootstrap/plan';
import { ROUTER_POD_LABELS, ROUTER_PORT, TenantRouter } from './tenant-router';
import type { ResolvedTenant } from './tenants';

export interface TenantRouterKind {
  /** The id of its cdk8s Chart in the workloads folder, so its file is `<chartId>.yaml`. */
  readonly chartId: string;
  /** Whether tenants may open TCP/UDP stream sessions through it (`router.streamSession`). */
  readonly streamSessions: boolean;
  /** Builds its release into the tenant's workloads folder. */
  build(scope: Chart, tenant: ResolvedTenant, platform: ResolvedPlatform, after: readonly ReleaseRef[]): void;
  /** The policies that admit its traffic into the tenant namespace (written only while it is deployed). */
  policies(scope: Construct, tenant: ResolvedTenant, platform: ResolvedPlatform): void;
}

const taskTrafficRouter: TenantRouterKind = {
  chartId: 'router',
  streamSessions: false,
  build: (scope, tenant, platform, after) => {
    new TenantRouter(scope, 'TenantRouter', { tenant, platform, after });
  },
  // The ingress controller reaches the router's pods on their port, nothing else of the tenant.
  policies: (scope, tenant, platform) => {
    new k8s.KubeNetworkPolicy(scope, 'AllowIngressControllerToRouter', {
      metadata: { name: 'allow-ingress-controller-to-router', namespace: tenant.namespace },
      spec: {
        podSelector: { matchLabels: { ...ROUTER_POD_LABELS } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: namespaceByName(platform.ingressNamespace) }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(ROUTER_PORT) }] }],
      },
    });
  },
};

const appGateway: TenantRouterKind = {
  chartId: 'app-gateway',
  streamSessions: true,
  // The current profile's router, with the router credentials the bootstrap writes.
  build: (scope, tenant, platform, after) => {
    const [accessKeyKey, secretKeyKey] = BOOTSTRAP_SECRETS.router.keys;
    const gateway = platform.tenantReleases.appGateway;
    new AppGateway(scope, 'AppGateway', {
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
  },
  policies: (scope, tenant, platform) => {
    new AppGatewayPolicies(scope, 'AppGateway', { namespace: tenant.namespace, ingressNamespace: platform.ingressNamespace, streamPorts: tenant.router.streamSession.portRange });
  },
};

/** The registry: one entry per name of lib/config/router-kinds.ts (the type makes a missing one a compile error). */
const ROUTER_KINDS: Readonly<Record<RouterKindName, TenantRouterKind>> = {
  'task-traffic-router': taskTrafficRouter,
  'app-gateway': appGateway,
};

/** The router kind the platform deploys. */
export function routerKindOf(platform: Pick<ResolvedPlatform, 'tenantReleases'>): TenantRouterKind {
  return ROUTER_KINDS[platform.tenantReleases.routerKind];
}
