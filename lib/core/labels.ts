/** Labels the product puts on what it creates, and the selectors built on them. */

/** On every namespace the product creates. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF_VALUE = 'clearml-tenancy';
/** On tenant namespaces: the tenant's name. Network policies admit tenants by this label. */
export const TENANT_LABEL = 'clearml-tenancy/tenant';
/** On platform namespaces: the layer (`gpu`, `server`, ...). */
export const LAYER_LABEL = 'clearml-tenancy/layer';
/** On the pods the agent starts for tasks (and so sessions), through its pod templates. */
export const TASK_POD_LABEL = 'clearml-tenancy/task-pod';
/** The ServiceAccount of task pods in each tenant namespace: no API rights, no token. */
export const TASK_SERVICE_ACCOUNT = 'clearml-task';
/** The label Kubernetes sets on every namespace to its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespace selector for exactly one namespace, by its name. */
export function namespaceByName(name: string) {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: name } };
}

/** A namespace selector for every tenant namespace. */
export function anyTenantNamespace() {
  return { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] };
}

/** The label of the tenants' bootstrap Jobs and their pods (and of the program's ConfigMap): no internet egress for them. */
export const BOOTSTRAP_POD_LABEL = { key: 'app.kubernetes.io/name', value: 'clearml-bootstrap' } as const;
