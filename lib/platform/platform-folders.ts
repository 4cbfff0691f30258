/**
 * The platform's output folders, in apply order: the chart sources (Flux only), then each folder of the
 * component registry (./index.ts) that has an enabled component, each component its own cdk8s Chart.
 */
import { App, Chart } from 'cdk8s';
import type { ResolvedPlatform } from './platform';
import { ReleaseRef } from '../flavors/release-definition';
import { OutputFolder } from '../output/write-tree';
import { ComponentDescriptor } from '../components/component';
import { componentCharts, componentEndpoints, componentsForRoles, enabledComponents } from '../components/derived';
import { SOURCES_FOLDER } from '../core/folders';
import { COMPONENTS } from '../components/index';
import { ClusterContext } from './clusters';

/**
 * The chart sources' folder, written by the flavor when its sources are objects of their own
 * (`GitOpsFlavor.renderSources`: Flux); the other flavors name the repository in each release.
 */
function sourcesFolder(platform: ResolvedPlatform, cluster?: ClusterContext): OutputFolder[] {
  const renderSources = platform.catalog.flavor.renderSources;
  if (!renderSources) return [];
  const sources = new App({ outdir: 'unused' });
  const charts = cluster ? clusterCharts(platform, cluster) : platform.charts;
  // One cluster of several: only the sources its charts come from (no Secret of an unused source).
  const used = new Set(charts.map((c) => c.source));
  const named = cluster ? platform.catalog.sources.filter((s) => used.has(s.name)) : platform.catalog.sources;
  renderSources(new Chart(sources, 'sources'), 'Resource', { namespace: platform.sourceNamespace, sources: named, charts });
  return [{ path: SOURCES_FOLDER, app: sources }];
}

/** The charts one cluster of several installs: its components', and the tenants' releases in a worker. */
function clusterCharts(platform: ResolvedPlatform, cluster: ClusterContext): ResolvedPlatform['charts'] {
  const all = componentCharts(platform).map((c) => c.chart);
  const key = (c: { source: string; chart: string; version: string }) => `${c.source}/${c.chart}@${c.version}`;
  const own = new Set(componentCharts(platform, componentsForRoles(cluster)).map((c) => key(c.chart)));
  // platform.charts: the components' charts, then the tenants' releases' (lib/platform/platform.ts).
  return platform.charts.filter((chart, i) => (i < all.length ? own.has(key(chart)) : cluster.worker));
}

/**
 * Builds the platform's folders (each its own App). With `cluster`, only the components of its roles
 * (each descriptor's `roles`; a worker's in their `workerFolder`), for one cluster of several.
 */
export function platformFolders(platform: ResolvedPlatform, all: readonly ComponentDescriptor[] = COMPONENTS, cluster?: ClusterContext): OutputFolder[] {
  const components = cluster ? componentsForRoles(cluster, all) : all;
  const folders: OutputFolder[] = [...sourcesFolder(platform, cluster)];
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
