/**
 * The platform's output folders, in apply order: the chart sources (Flux only), then each folder of the
 * component registry (./index.ts) that has an enabled component, each component its own cdk8s Chart.
 */
import { App, Chart } from 'cdk8s';
import type { ResolvedPlatform } from './platform';
import { ReleaseRef } from '../flavors/release-definition';
import { OutputFolder } from '../output/write-tree';
import { ComponentDescriptor } from '../components/component';
import { componentEndpoints, enabledComponents } from '../components/derived';
import { SOURCES_FOLDER } from '../core/folders';
import { COMPONENTS } from '../components/index';

/**
 * The chart sources' folder, written by the flavor when its sources are objects of their own
 * (`GitOpsFlavor.renderSources`: Flux); the other flavors name the repository in each release.
 */
function sourcesFolder(platform: ResolvedPlatform): OutputFolder[] {
  const renderSources = platform.catalog.flavor.renderSources;
  if (!renderSources) return [];
  const sources = new App({ outdir: 'unused' });
  renderSources(new Chart(sources, 'sources'), 'Resource', { namespace: platform.sourceNamespace, sources: platform.catalog.sources, charts: platform.charts });
  return [{ path: SOURCES_FOLDER, app: sources }];
}

/** Builds the platform's folders (each its own App). */
export function platformFolders(platform: ResolvedPlatform, components: readonly ComponentDescriptor[] = COMPONENTS): OutputFolder[] {
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
      if (!components.some((c) => c.name === name)) throw new Error(`component "${component.name}" installs after "${name}", which is not a registered component`);
    }
    const built = component.build(new Chart(app, component.name), platform, { releases, endpoints });
    if (built.release) releases.set(component.name, built.release);
  }
  return folders;
}
