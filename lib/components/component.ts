/**
 * What a platform component says about itself. The registry (`./index.ts`) lists one descriptor per
 * component, and every cross-cutting list is computed from it: the platform's output folders and their
 * order (`platformFolders`, `PLATFORM_FOLDERS`, the folder rules of `gitops/layout.ts`), the charts whose
 * source objects are written (`ResolvedPlatform.charts`), the platform's namespaces (those a privileged
 * namespace must not share, those no tenant may take) and the endpoints other parts connect to, and
 * with several clusters which cluster runs the component (`roles`, lib/platform/platform-folders.ts).
 *
 * A descriptor reads the resolved platform; its construct gets only the narrow props `build` hands it.
 */
import type { Chart } from 'cdk8s';
import type { ResolvedNetwork } from '../config/network';
import type { ChartCatalog } from '../gitops/chart-catalog';
import type { SecretKeyReference } from '../security/secret-reference';
import type { ResolvedAppsUpload } from './apps-upload/settings';
import type { ResolvedBilling } from './billing/settings';
import type { ResolvedServer, ResolvedServerHosts } from './clearml-server/settings';
import type { ResolvedDynamicMigOperator } from './dynamic-mig-operator/settings';
import type { ResolvedGpuOperator } from './gpu-operator/settings';
import type { ResolvedMigSetup } from './mig-node-setup/settings';
import type { ResolvedSharedRedis } from './shared-redis/settings';
import type { ChartProps } from '../flavors/chart-source';
import type { ReleaseRef } from '../flavors/release-definition';

/** A namespace a component uses, and the platform prop that sets it (for messages such as "a namespace of the platform (billing.namespace)"). */
export interface ComponentNamespace {
  readonly namespace: string;
  /** Field path in `PlatformProps`, e.g. `billing.namespace`. */
  readonly field: string;
}

/** A chart a component installs, and the platform prop that names it (for messages such as `billing.chart.version`). */
export interface ComponentChart {
  readonly chart: ChartProps;
  /** Field path in `PlatformProps`, e.g. `server.chart`. */
  readonly field: string;
}

/**
 * A service a component offers to other parts (tenants, other components): what the NetworkPolicies
 * open and what the checkers know as the layers' namespaces (lib/analysis/platform-facts.ts). A
 * description only; the analysis reads `dist/`, not this.
 */
export interface ComponentEndpoint {
  /** What it is, e.g. `apiserver`, `redis`, `kafka`. */
  readonly name: string;
  readonly namespace: string;
  /** In-cluster host name, e.g. `redis-master.redis-shared`. */
  readonly host: string;
  readonly port: number;
  /** Who may connect: `tenants` (every tenant namespace), or namespaces of the platform. */
  readonly clients: readonly ('tenants' | 'server' | 'ingress')[];
}

/**
 * The settings of the platform's components: what `enabled`, `namespaces`, `charts` and `endpoints` read
 * (the resolver computes the chart list from them before the rest of the platform is assembled).
 */
export interface ComponentSettings {
  readonly gpuOperator: ResolvedGpuOperator;
  readonly dynamicMigOperator: ResolvedDynamicMigOperator;
  readonly migSetup: ResolvedMigSetup;
  readonly server: ResolvedServer;
  readonly redis: ResolvedSharedRedis;
  readonly billing: ResolvedBilling;
  readonly apps: ResolvedAppsUpload;
}

/**
 * What a component's construct may read of the resolved platform, beyond the components' own settings:
 * the resolved platform (lib/platform/platform.ts) has these fields, so it is passed as it is, while the
 * components never import the platform's resolution (which imports them).
 */
export interface ComponentPlatform extends ComponentSettings {
  readonly network: ResolvedNetwork;
  readonly catalog: ChartCatalog;
  readonly charts: readonly ChartProps[];
  readonly registryPasswordSecret: SecretKeyReference;
  readonly sourceNamespace: string;
  readonly ingressNamespace: string;
  readonly internalApiUrl: string;
  readonly hosts: ResolvedServerHosts;
}

/** What `build` may use besides the platform: the releases of the components built before it. */
export interface BuildContext {
  /** The release of each component built so far that has one, by component name. */
  readonly releases: ReadonlyMap<string, ReleaseRef>;
  /** The endpoints of every enabled component (what a component's egress may open). */
  readonly endpoints: readonly ComponentEndpoint[];
}

/** What `build` made that later components may wait for. */
export interface BuiltComponent {
  /** The component's release, if it installs one (later components' `after` names it). */
  readonly release?: ReleaseRef;
}

/**
 * Which cluster of a platform with several runs a component (README "Several clusters"): the control plane
 * (server, billing, apps upload, bootstrap program) or the GPU workers; a cluster with both roles runs both.
 */
export type ComponentRole = 'control-plane' | 'worker';

export interface ComponentDescriptor {
  /** Name of the component, also the id of its cdk8s Chart (so its file in the folder is `<name>.yaml`). */
  readonly name: string;
  /** Output folder it writes into; several components may share one (they are built in registry order). */
  readonly folder: string;
  /** The cluster roles that run it (a cluster with both roles runs every component). */
  readonly roles: readonly ComponentRole[];
  /**
   * Its folder in a cluster that is only a worker, when `folder` is the control plane's (a worker has no
   * `server` folder). @default - `folder`
   */
  readonly workerFolder?: string;
  /**
   * Folders this component's folder waits for (a folder waits for the union over its components). A named
   * folder that is not in the output stands for what that folder waits for.
   */
  readonly waitsFor: readonly string[];
  /** Components whose releases install before this one's (`dependsOn` of its release); they come earlier in the registry. */
  readonly after?: readonly string[];
  /** Whether the resolved platform writes this component. */
  enabled(platform: ComponentSettings): boolean;
  /**
   * The namespaces it uses, whether enabled or not: they are the platform's, so no tenant may take them and a
   * privileged namespace may not share them (turning a component on later must not collide with a tenant).
   */
  namespaces(platform: ComponentSettings): readonly ComponentNamespace[];
  /** The charts it installs when enabled (each gets its source object where the flavor writes one). */
  charts(platform: ComponentSettings): readonly ComponentChart[];
  /** The endpoints it exposes to others when enabled. */
  endpoints(platform: ComponentSettings): readonly ComponentEndpoint[];
  /** Builds its construct(s) into `chart`, handing them only what they use. */
  build(chart: Chart, platform: ComponentPlatform, context: BuildContext): BuiltComponent;
}
