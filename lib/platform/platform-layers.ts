/**
 * The platform's output folders, in apply order: chart sources, the GPU layer, the MIG node setup, and
 * the server layer (with the apps upload as its own folder, since it needs a running apiserver).
 */
import { App, Chart } from 'cdk8s';
import { ResolvedPlatform } from '../config/platform';
import { OutputFolder } from '../output/write-tree';
import { BootstrapProgram } from '../tenant/bootstrap-program';
import { AppsUpload } from './apps-upload';
import { Billing } from './billing';
import { ClearmlServer } from './clearml-server';
import { DynamicMigOperator } from './dynamic-mig-operator';
import { GpuOperator } from './gpu-operator';
import { MigNodeSetup } from './mig-node-setup';
import { SharedRedis } from './shared-redis';

/** Folder names of the platform layers. */
export const PLATFORM_FOLDERS = { sources: 'sources', gpu: 'gpu', migSetup: 'mig-setup', server: 'server', apps: 'server-apps' } as const;

/** Builds the platform's folders (each its own App). */
export function platformFolders(platform: ResolvedPlatform): OutputFolder[] {
  const folders: OutputFolder[] = [];

  // Chart sources are objects of their own only for flavors that render them (Flux); the others name the repository in each release.
  const renderSources = platform.catalog.flavor.renderSources;
  if (renderSources) {
    const sources = new App({ outdir: 'unused' });
    renderSources(new Chart(sources, 'sources'), 'Resource', { namespace: platform.sourceNamespace, sources: platform.catalog.sources, charts: platform.charts });
    folders.push({ path: PLATFORM_FOLDERS.sources, app: sources });
  }

  if (platform.gpuOperator.enabled || platform.dynamicMigOperator.enabled) {
    const gpu = new App({ outdir: 'unused' });
    const operator = platform.gpuOperator.enabled ? new GpuOperator(new Chart(gpu, 'gpu-operator'), 'GpuOperator', { platform }) : undefined;
    if (platform.dynamicMigOperator.enabled) {
      new DynamicMigOperator(new Chart(gpu, 'dynamic-mig-operator'), 'DynamicMigOperator', { platform, after: operator?.release.ref });
    }
    folders.push({ path: PLATFORM_FOLDERS.gpu, app: gpu });
  }

  if (platform.migSetup.enabled) {
    // Its own folder: a node waiting for a reboot fails its Job, which must not hold back the server.
    const mig = new App({ outdir: 'unused' });
    new MigNodeSetup(new Chart(mig, 'mig-node-setup'), 'MigNodeSetup', { ...platform.migSetup, kubernetesApiCidrs: platform.network.kubernetesApiCidrs, kubernetesApiPorts: platform.network.kubernetesApiPorts });
    folders.push({ path: PLATFORM_FOLDERS.migSetup, app: mig });
  }

  const server = new App({ outdir: 'unused' });
  const redis = new SharedRedis(new Chart(server, 'shared-redis'), 'SharedRedis', { platform });
  const clearml = new ClearmlServer(new Chart(server, 'clearml-server'), 'ClearmlServer', { platform, after: [redis.release.ref] });
  if (platform.billing.enabled) new Billing(new Chart(server, 'billing'), 'Billing', { platform, after: clearml.release.ref });
  // The tenant bootstrap Jobs run in the server namespace and mount this one copy of the program.
  new BootstrapProgram(new Chart(server, 'bootstrap-program'), 'BootstrapProgram', { namespace: platform.server.namespace });
  folders.push({ path: PLATFORM_FOLDERS.server, app: server });

  if (platform.apps.enabled) {
    const apps = new App({ outdir: 'unused' });
    new AppsUpload(new Chart(apps, 'apps-upload'), 'AppsUpload', { platform });
    folders.push({ path: PLATFORM_FOLDERS.apps, app: apps });
  }
  return folders;
}
