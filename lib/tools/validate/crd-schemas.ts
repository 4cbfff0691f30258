/**
 * Schemas of custom kinds from CustomResourceDefinition files: for each served version, the
 * `openAPIV3Schema` and the scope.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { fastParseAll } from '../../analysis/manifests';
import { Schema } from './structural';

export interface CrdKind {
  readonly schema: Schema;
  readonly namespaced: boolean;
}

/** `apiVersion/kind` to schema and scope, from parsed CRD objects. */
export function crdKinds(crds: readonly Record<string, any>[]): Map<string, CrdKind> {
  const out = new Map<string, CrdKind>();
  for (const crd of crds) {
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions ?? []) {
      if (!version.served) continue;
      out.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, {
        schema: version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        namespaced: crd.spec.scope !== 'Cluster',
      });
    }
  }
  return out;
}

/** Reads every `.yaml`/`.yml` file below `dir` and returns the CRDs in them. */
export function loadCrdDir(dir: string): Record<string, any>[] {
  const crds: Record<string, any>[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) {
        const text = readFileSync(path, 'utf8');
        const docs = fastParseAll(text) ?? YAML.parseAllDocuments(text).map((doc) => doc.toJS());
        for (const o of docs as any[]) if (o?.kind === 'CustomResourceDefinition') crds.push(o);
      }
    }
  };
  walk(dir);
  return crds;
}
