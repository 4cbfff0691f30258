/**
 * The platform's components, in build order: one line each. A component's folder, charts, namespaces
 * and endpoints come from its descriptor (./component.ts); every list of them is computed here.
 *
 * To add a component: a folder `lib/components/<name>/` (props, defaults and checks, construct,
 * `descriptor.ts`) and one line below.
 */
import type { ComponentDescriptor } from './component';
import { appsUploadComponent } from './apps-upload/descriptor';
import { billingComponent } from './billing/descriptor';
import { bootstrapProgramComponent } from './bootstrap-program/descriptor';
import { clearmlServerComponent } from './clearml-server/descriptor';
import { dynamicMigOperatorComponent } from './dynamic-mig-operator/descriptor';
import { gpuOperatorComponent } from './gpu-operator/descriptor';
import { migNodeSetupComponent } from './mig-node-setup/descriptor';
import { sharedRedisComponent } from './shared-redis/descriptor';

export const COMPONENTS: readonly ComponentDescriptor[] = [
  gpuOperatorComponent,
  dynamicMigOperatorComponent,
  migNodeSetupComponent,
  sharedRedisComponent,
  clearmlServerComponent,
  billingComponent,
  bootstrapProgramComponent,
  appsUploadComponent,
];
