/**
 * Schemas of the core Kubernetes kinds, offline, from the type information cdk8s-plus-27 ships
 * (its jsii assembly describes every type of its `k8s` module, generated from the Kubernetes 1.27
 * OpenAPI document: each property with its JSON name, its type and whether it is required).
 *
 * That assembly keeps no enums, so the enums of the fields this project writes are listed below,
 * from the Kubernetes API reference (the `+enum` types of k8s.io/api). Names and label syntax are
 * checked as the API server's validation does (DNS-1123 names, qualified label keys).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { k8s } from 'cdk8s-plus-27';
import { Schema } from './structural';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** Enums of core fields, by the OpenAPI definition and property name. */
export const CORE_ENUMS: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.core.v1.Container#imagePullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'io.k8s.api.core.v1.Container#terminationMessagePolicy': ['FallbackToLogsOnError', 'File'],
  'io.k8s.api.core.v1.PodSpec#restartPolicy': ['Always', 'Never', 'OnFailure'],
  'io.k8s.api.core.v1.PodSpec#dnsPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'io.k8s.api.core.v1.PodSpec#preemptionPolicy': ['Never', 'PreemptLowerPriority'],
  'io.k8s.api.core.v1.ContainerPort#protocol': PROTOCOLS,
  'io.k8s.api.core.v1.ServicePort#protocol': PROTOCOLS,
  'io.k8s.api.networking.v1.NetworkPolicyPort#protocol': PROTOCOLS,
  'io.k8s.api.core.v1.SeccompProfile#type': ['Localhost', 'RuntimeDefault', 'Unconfined'],
  'io.k8s.api.core.v1.ServiceSpec#type': ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'io.k8s.api.core.v1.Toleration#operator': ['Equal', 'Exists'],
  'io.k8s.api.core.v1.Toleration#effect': ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'io.k8s.api.core.v1.NodeSelectorRequirement#operator': ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
  'io.k8s.api.batch.v1.JobSpec#completionMode': ['Indexed', 'NonIndexed'],
  'io.k8s.api.batch.v1.CronJobSpec#concurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'io.k8s.api.apps.v1.DeploymentStrategy#type': ['Recreate', 'RollingUpdate'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement#operator': ['DoesNotExist', 'Exists', 'In', 'NotIn'],
};

/** Items of list fields that are enums. */
const CORE_ITEM_ENUMS: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.networking.v1.NetworkPolicySpec#policyTypes': ['Egress', 'Ingress'],
};


interface JsiiType {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: JsiiType };
  readonly union?: unknown;
}
interface JsiiProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly type: JsiiType;
  readonly docs?: { readonly custom?: { readonly schema?: string } };
}
interface JsiiInterface {
  readonly kind: string;
  readonly properties?: readonly JsiiProperty[];
  readonly docs?: { readonly custom?: { readonly schema?: string } };
}

const ASSEMBLY = 'cdk8s-plus-27';

/**
 * Kinds that became GA after Kubernetes 1.27, whose 1.27 type stands for the GA version: the GA version
 * keeps every field of the older one (ValidatingAdmissionPolicy v1, Kubernetes 1.30, adds `variables`,
 * which the product does not write, so an object that has it is refused here).
 */
const GA_SINCE_1_27: Readonly<Record<string, string>> = {
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': 'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': 'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicyBinding',
};
const INT_OR_STRING = new Set([`${ASSEMBLY}.k8s.IntOrString`, `${ASSEMBLY}.k8s.Quantity`]);

/** The core schemas: `apiVersion/kind` to the schema of the whole object. */
export class CoreSchemas {
  /** Loads the type information of the installed cdk8s-plus-27. */
  public static load(): CoreSchemas {
    const file = join(dirname(require.resolve(`${ASSEMBLY}/package.json`)), '.jsii');
    return new CoreSchemas(JSON.parse(readFileSync(file, 'utf8')).types);
  }

  private readonly memo = new Map<string, Schema>();
  private readonly byGvk = new Map<string, string>();

  private constructor(private readonly types: Readonly<Record<string, JsiiInterface>>) {
    for (const [name, value] of Object.entries(k8s)) {
      const gvk = (value as { GVK?: { apiVersion: string; kind: string } }).GVK;
      if (name.startsWith('Kube') && gvk) this.byGvk.set(`${gvk.apiVersion}/${gvk.kind}`, `${ASSEMBLY}.k8s.${name}Props`);
    }
    for (const [ga, older] of Object.entries(GA_SINCE_1_27)) {
      const fqn = this.byGvk.get(older);
      if (fqn) this.byGvk.set(ga, fqn);
    }
  }

  /** The schema of `apiVersion`/`kind`, if it is a core kind. */
  public forKind(apiVersion: string, kind: string): Schema | undefined {
    const fqn = this.byGvk.get(`${apiVersion}/${kind}`);
    if (!fqn) return undefined;
    const body = this.interfaceSchema(fqn);
    return {
      ...body,
      properties: { ...body.properties, apiVersion: { type: 'string', enum: [apiVersion] }, kind: { type: 'string', enum: [kind] } },
      required: [...(body.required ?? []), 'apiVersion', 'kind'],
    };
  }

  /** The schema of `metadata` (ObjectMeta), for every kind, custom ones included. */
  public objectMeta(): Schema {
    return this.interfaceSchema(`${ASSEMBLY}.k8s.ObjectMeta`);
  }

  private typeSchema(t: JsiiType, schemaId?: string): Schema {
    if (t.primitive) {
      switch (t.primitive) {
        case 'string':
          return { type: 'string' };
        case 'number':
          return { type: 'number' };
        case 'boolean':
          return { type: 'boolean' };
        case 'date':
          return { type: 'string', format: 'date-time' };
        default:
          return { 'x-kubernetes-preserve-unknown-fields': true };
      }
    }
    if (t.collection) {
      const element = this.typeSchema(t.collection.elementtype);
      if (t.collection.kind === 'array') {
        const itemEnum = schemaId ? CORE_ITEM_ENUMS[schemaId] : undefined;
        return { type: 'array', items: itemEnum && itemEnum.length > 0 ? { ...element, enum: itemEnum } : element };
      }
      return { type: 'object', additionalProperties: element };
    }
    if (t.fqn) {
      if (INT_OR_STRING.has(t.fqn)) return { 'x-kubernetes-int-or-string': true };
      const target = this.types[t.fqn];
      if (target?.kind === 'interface') return this.interfaceSchema(t.fqn);
      return { type: 'string' };
    }
    return { 'x-kubernetes-preserve-unknown-fields': true };
  }

  private interfaceSchema(fqn: string): Schema {
    const known = this.memo.get(fqn);
    if (known) return known;
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const schema: Schema = { type: 'object', properties, required };
    this.memo.set(fqn, schema);
    for (const p of this.types[fqn]?.properties ?? []) {
      const id = p.docs?.custom?.schema;
      const json = id?.includes('#') ? id.split('#')[1] : p.name;
      const s = this.typeSchema(p.type, id);
      const values = id ? CORE_ENUMS[id] : undefined;
      properties[json] = values ? { ...s, enum: values } : s;
      if (!p.optional) required.push(json);
    }
    return schema;
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

function qualifiedKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  return parts.length === 1 || (parts[0].length <= 253 && DNS_SUBDOMAIN.test(parts[0]));
}

/** The API server's checks of names, label keys and values, annotation keys. */
export function checkMetadata(kind: string, metadata: Record<string, any> | undefined, errors: string[]): void {
  if (!metadata) {
    errors.push('metadata: is required');
    return;
  }
  const name = metadata.name;
  if (typeof name !== 'string') errors.push('metadata.name: is required');
  else if (LABEL_NAMED.has(kind) ? name.length > 63 || !DNS_LABEL.test(name) : name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    errors.push(`metadata.name: ${JSON.stringify(name)} is not a valid ${LABEL_NAMED.has(kind) ? 'DNS-1123 label' : 'DNS-1123 subdomain'}`);
  }
  if (metadata.namespace !== undefined && (typeof metadata.namespace !== 'string' || !DNS_LABEL.test(metadata.namespace) || metadata.namespace.length > 63)) {
    errors.push(`metadata.namespace: ${JSON.stringify(metadata.namespace)} is not a valid DNS-1123 label`);
  }
  for (const [key, value] of Object.entries((metadata.labels ?? {}) as Record<string, unknown>)) {
    if (!qualifiedKey(key)) errors.push(`metadata.labels.${key}: is not a valid label key`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`metadata.labels.${key}: ${JSON.stringify(value)} is not a valid label value`);
  }
  for (const key of Object.keys((metadata.annotations ?? {}) as Record<string, unknown>)) {
    if (!qualifiedKey(key)) errors.push(`metadata.annotations.${key}: is not a valid annotation key`);
  }
}
