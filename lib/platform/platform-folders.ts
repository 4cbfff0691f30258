/**
 * The platform's output folders, in apply order: the chart sources (Flux only), then each folder of the
 * component registry (./index.ts) that has an enabled component, each component its own cdk8s Chart.
 */
import { App, Chart } from 'cdk8s';
import type { ResolvedPlatform } from './platform';
import { ReleaseRef } from '../flavors/release-definition';
import { OutputFolder } from '../output/write-tree';
import { ComponentDescriptor } from '../components/component';
import { SOURCES_FOLDER, componentEndpoints, componentsForRoles, enabledComponents } from '../components/derived';
import { COMPONENTS } from '../components/index';
import type { ClusterContext } from './clusters';

/**
 * The chart sources' folder, or none. FLAVOR-SPECIFIC: the one place here that knows a flavor; chart
 * sources are objects of their own only for Flux (k3s and Argo CD name the repository in each release).
 */
function sourcesFolder(platform: ResolvedPlatform): OutputFolder[] {
  const renderSources = platform.catalog.flavor.renderSources;
  if (!renderSources) return [];
  const sources = new App({ outdir: 'unused' });
  renderSources(new Chart(sources, 'sources'), 'Resource', { namespace: platform.sourceNamespace, sources: platform.catalog.sources, charts: platform.charts });
  return [{ path: SOURCES_FOLDER, app: sources }];
}

/**
 * Builds the platform's folders (each its own App). With `cluster`, only the components of its roles
 * (each descriptor's `roles`; a worker's in their `workerFolder`), for one cluster of several.
 */
export function platformFolders(platform: ResolvedPlatform, all: readonly ComponentDescriptor[] = COMPONENTS, cluster?: ClusterContext): OutputFolder[] {
  const components = cluster ? componentsForRoles(cluster, all) : all;
  const folders: OutputFolder[] = [...sourcesFolder(platform)];
  const apps = new Map<string, App>();
  const releases = new Map<string, ReleaseRef>();
  const endpoints = componentEndpoints(platform, components);
  for (const component of enabledComponents(platform, components)) {
    let app = apps.get(component.folder);
    if (!app) {
      app = new App({ outdir: 'unused' });
      apps.set(component.folder, app);
      folders.push({ path: component.folder, app });
    }
    for (const name of component.after ?? []) {
      if (!all.some((c) => c.name === name)) throw new Error(`component "${component.name}" installs after "${name}", which is not a registered component`);
    }
    const built = component.build(new Chart(app, component.name), platform, { releases, endpoints });
    if (built.release) releases.set(component.name, built.release);
  }
  return folders;
}
