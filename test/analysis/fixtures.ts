/** Small builders for analysis fixtures: objects in code, written as YAML to a temporary folder when needed. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { buildClusterModel, ClusterModel, Endpoint } from '../../lib/analysis/cluster-model';
import { KubeObject, Manifest } from '../../lib/analysis/manifests';
import { FACTS_FILE, parsePlatformFacts, PlatformFacts } from '../../lib/analysis/platform-facts';

/** The facts of the fixtures (what synth writes for the product's defaults), as a facts file says them. */
export const FACTS_JSON = { tenantLabel: 'clearml-tenancy/tenant', layers: { billing: ['clearml-billing'], redis: ['redis-shared'], server: ['clearml'] } };
export const FACTS: PlatformFacts = parsePlatformFacts(FACTS_JSON).facts!;

export type Obj = KubeObject;

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function tenantNamespace(name: string): Obj {
  return namespace(name, { 'clearml-tenancy/tenant': name });
}

export function deployment(ns: string, name: string, labels: Record<string, string>, ports: { name: string; containerPort: number; protocol?: string }[] = []): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1', ports }] } } },
  };
}

export function helmRelease(ns: string, name: string): Obj {
  return { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: ns }, spec: { chart: { spec: { chart: name } } } };
}

export function policy(ns: string, name: string, spec: Record<string, unknown>): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function manifests(objects: readonly Obj[], file = 'all.yaml'): Manifest[] {
  return objects.map((object, index) => ({ file, index, object }));
}

export function model(objects: readonly Obj[]): ClusterModel {
  return buildClusterModel(manifests(objects), FACTS);
}

/** The endpoint of a namespace whose origin mentions `name` (a workload or release name). */
export function endpoint(m: ClusterModel, ns: string, name?: string): Endpoint {
  const found = m.endpoints.find((e) => e.namespace === ns && (name === undefined || e.origins.some((o) => o.includes(`${ns}/${name} `))));
  if (!found) throw new Error(`no endpoint ${ns}/${name ?? '*'} in the model`);
  return found;
}

/**
 * Writes files (path -> objects) as multi-document YAML below a new temporary folder, with a facts file
 * (`facts`, {@link FACTS_JSON} unless given; none when null); returns the folder.
 */
export function writeFolder(files: Record<string, readonly Obj[]>, facts: unknown = FACTS_JSON): string {
  const dir = mkdtempSync(join(tmpdir(), 'analysis-'));
  if (facts !== null) writeFileSync(join(dir, FACTS_FILE), JSON.stringify(facts));
  for (const [path, objects] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, objects.map((o) => YAML.stringify(o)).join('---\n'));
  }
  return dir;
}
