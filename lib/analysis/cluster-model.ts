/**
 * The cluster as the folder describes it, reduced to what NetworkPolicies act on: namespaces with their
 * labels, "endpoints" (groups of pods with the same labels and ports) and the NetworkPolicies.
 *
 * Namespaces come from, in this order:
 * - `Namespace` objects (origin `folder`), with their labels plus the label Kubernetes sets on every
 *   namespace, `kubernetes.io/metadata.name: <name>`;
 * - the `metadata.namespace` of other objects and the target namespace of Helm releases, when the folder
 *   has no `Namespace` object for it (origin `referenced`, e.g. `flux-system`);
 * - names that NetworkPolicies select through `kubernetes.io/metadata.name` but that the folder does not
 *   create (origin `external`, e.g. `kube-system`, `ingress-nginx`). Their pods are unknown and, since
 *   the folder has no policy for them, unisolated: each gets one "any pod" endpoint.
 *
 * Endpoints:
 * - one per distinct (namespace, pod labels, named container ports) among the pod templates of
 *   Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and Pod;
 * - one "any pod" endpoint (labels unknown) per namespace that Helm releases install into
 *   (Flux `HelmRelease`, k3s `HelmChart` of `helm.cattle.io`, Argo CD `Application`), since the folder
 *   does not show which pods the chart creates, and per `external` namespace.
 * How the evaluator treats an endpoint with unknown labels is described in network-policy-evaluator.ts.
 */
import { readRelease } from '../flavors/index';
import { Labels } from './label-selector';
import { KubeObject, Manifest, describeObject } from './manifests';
import { Protocol, PROTOCOLS } from './port-set';

/** The label Kubernetes puts on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface NamespaceInfo {
  readonly name: string;
  /** Labels including `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
  /** Where the namespace was found (see the module comment). */
  readonly origin: 'folder' | 'referenced' | 'external';
  /** The tenant's name when the namespace has the tenant label (the facts file's `tenantLabel`). */
  readonly tenant?: string;
  /** Where the Namespace object is, when there is one. */
  readonly file?: string;
}

/** A group of pods that policies cannot tell apart. */
export interface Endpoint {
  /** Position in {@link ClusterModel.endpoints}. */
  readonly id: number;
  readonly namespace: string;
  /** Pod labels; undefined when the pods are unknown (Helm release or external namespace). */
  readonly labels?: Labels;
  /** Named container ports (empty when unknown). */
  readonly namedPorts: readonly NamedPort[];
  /** What the pods come from, e.g. `Deployment clearml/api (server/app.yaml)`. */
  readonly origins: readonly string[];
}

export interface NetworkPolicyInfo {
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly spec: Record<string, any>;
}

export interface ClusterModel {
  /** By name, sorted by name. */
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly endpoints: readonly Endpoint[];
  readonly policies: readonly NetworkPolicyInfo[];
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** The pod template (metadata + spec) of a workload object, or undefined when it is not one. */
export function podTemplateOf(object: KubeObject): { metadata?: Record<string, any>; spec?: Record<string, any> } | undefined {
  if (object.kind === 'Pod') return { metadata: object.metadata, spec: object.spec };
  if (object.kind === 'CronJob') return object.spec?.jobTemplate?.spec?.template ?? {};
  if (POD_TEMPLATE_KINDS.has(object.kind)) return object.spec?.template ?? {};
  return undefined;
}

/** The namespace a Helm release installs its pods into, or undefined when the object is not a release. */
export function helmReleaseNamespace(object: KubeObject): string | undefined {
  return readRelease(object)?.targetNamespace;
}

function namedPortsOf(spec: Record<string, any> | undefined): NamedPort[] {
  const out: NamedPort[] = [];
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const p of c?.ports ?? []) {
      const protocol = (p?.protocol ?? 'TCP') as Protocol;
      if (typeof p?.name === 'string' && typeof p?.containerPort === 'number' && PROTOCOLS.includes(protocol)) {
        out.push({ name: p.name, port: p.containerPort, protocol });
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.protocol.localeCompare(b.protocol));
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

/** Names that a selector pins through `kubernetes.io/metadata.name` (matchLabels or `In`). */
export function pinnedNamespaceNames(selector: any): string[] {
  const names: string[] = [];
  const value = selector?.matchLabels?.[NAMESPACE_NAME_LABEL];
  if (typeof value === 'string') names.push(value);
  for (const r of listOf(selector?.matchExpressions)) {
    if (r?.key === NAMESPACE_NAME_LABEL && r.operator === 'In') names.push(...listOf(r.values).filter((v: unknown) => typeof v === 'string'));
  }
  return names;
}

/** `value` when it is a list, else none (a policy the schemas refuse is read as far as it goes). */
function listOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** The namespace names a NetworkPolicy's peers pin (their `namespaceSelector`s, see {@link pinnedNamespaceNames}), in the order of its rules. */
export function peerNamespaceNames(spec: any): string[] {
  const names: string[] = [];
  for (const rule of [...listOf(spec?.ingress), ...listOf(spec?.egress)]) {
    for (const peer of [...listOf(rule?.from), ...listOf(rule?.to)]) names.push(...pinnedNamespaceNames(peer?.namespaceSelector));
  }
  return names;
}

export interface ClusterModelOptions {
  /** The label that marks a tenant namespace: the facts file's `tenantLabel` (see platform-facts.ts). */
  readonly tenantLabel: string;
}

/** Builds the model from the objects of a folder. */
export function buildClusterModel(manifests: readonly Manifest[], options: ClusterModelOptions): ClusterModel {
  const tenantLabel = options.tenantLabel;
  const namespaces = new Map<string, NamespaceInfo>();
  const referenced = new Set<string>();
  const helmNamespaces = new Map<string, string[]>();
  const endpointsByKey = new Map<string, { namespace: string; labels?: Labels; namedPorts: NamedPort[]; origins: string[] }>();
  const policies: NetworkPolicyInfo[] = [];

  for (const { file, object } of manifests) {
    const where = `${describeObject(object)} (${file})`;
    if (object.kind === 'Namespace' && object.apiVersion === 'v1' && object.metadata.name) {
      const name = object.metadata.name;
      const labels: Record<string, string> = { ...stringMap(object.metadata.labels), [NAMESPACE_NAME_LABEL]: name };
      namespaces.set(name, { name, labels, origin: 'folder', tenant: labels[tenantLabel], file });
      continue;
    }
    if (object.metadata.namespace) referenced.add(object.metadata.namespace);
    const release = helmReleaseNamespace(object);
    if (release) {
      referenced.add(release);
      helmNamespaces.set(release, [...(helmNamespaces.get(release) ?? []), where]);
      continue;
    }
    if (object.kind === 'NetworkPolicy' && object.apiVersion.startsWith('networking.k8s.io/')) {
      const namespace = object.metadata.namespace ?? 'default';
      referenced.add(namespace);
      policies.push({ namespace, name: object.metadata.name ?? '(no name)', file, spec: object.spec ?? {} });
      continue;
    }
    const template = podTemplateOf(object);
    if (template) {
      const namespace = object.metadata.namespace ?? 'default';
      referenced.add(namespace);
      const labels = stringMap(template.metadata?.labels);
      const namedPorts = namedPortsOf(template.spec);
      const key = JSON.stringify([namespace, Object.entries(labels).sort(), namedPorts]);
      const found = endpointsByKey.get(key);
      if (found) found.origins.push(where);
      else endpointsByKey.set(key, { namespace, labels, namedPorts, origins: [where] });
    }
  }

  for (const name of referenced) {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, origin: 'referenced' });
  }
  const external = new Set<string>();
  for (const policy of policies) {
    for (const name of peerNamespaceNames(policy.spec)) {
      if (!namespaces.has(name)) {
        namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, origin: 'external' });
        external.add(name);
      }
    }
  }

  const endpointList: Omit<Endpoint, 'id'>[] = [...endpointsByKey.values()];
  for (const [namespace, origins] of helmNamespaces) endpointList.push({ namespace, namedPorts: [], origins });
  for (const namespace of external) endpointList.push({ namespace, namedPorts: [], origins: [`namespace outside the folder, selected by a NetworkPolicy`] });
  endpointList.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.origins[0] < b.origins[0] ? -1 : 1));

  const sortedNamespaces = new Map([...namespaces.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    namespaces: sortedNamespaces,
    endpoints: endpointList.map((e, id) => ({ ...e, id })),
    policies,
  };
}
