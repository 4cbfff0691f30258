#!/usr/bin/env node
// Usage: node scripts/generate-isolation-fixture.mjs DIR [TENANTS=3000] [open]; then node scripts/check-isolation.mjs DIR.
// Generates a dist-like folder with N tenants (5 policies each) to time check-isolation.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
const [dir, n] = [process.argv[2], Number(process.argv[3] ?? 3000)];
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const write = (path, objs) => { mkdirSync(join(dir, path, '..'), { recursive: true }); writeFileSync(join(dir, path), objs.map((o) => YAML.stringify(o)).join('---\n')); };
const ns = (name, labels = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const np = (namespace, name, spec) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const hr = (namespace, name) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace }, spec: {} });
const job = (namespace, name, labels) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] } } } });
const byName = (n) => ({ matchLabels: { 'kubernetes.io/metadata.name': n } });
// The facts the checks read (synth writes this file with every output; see lib/analysis/platform-facts.ts).
writeFileSync(join(dir, 'platform-facts.json'), `${JSON.stringify({ layers: { billing: ['clearml-billing'], redis: ['redis-shared'], server: ['clearml'] }, tenantLabel: 'clearml-tenancy/tenant' }, null, 2)}\n`);
write('server/clearml.yaml', [ns('clearml'), hr('clearml', 'clearml-enterprise'), np('clearml', 'deny', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
  np('clearml', 'tenants', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'clearml-tenancy/tenant', operator: 'Exists' }] } }], ports: [{ port: 8008 }, { port: 8081 }] }] }),
  np('clearml', 'web', { podSelector: { matchLabels: { app: 'webserver' } }, ingress: [{ from: [{ namespaceSelector: byName('ingress-nginx') }] }] })]);
write('server/billing.yaml', [ns('clearml-billing'), hr('clearml-billing', 'billing'), np('clearml-billing', 'only-clearml', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: byName('clearml') }] }] })]);
write('server/redis.yaml', [ns('redis-shared'), hr('redis-shared', 'redis'), np('redis-shared', 'only-clearml', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: byName('clearml') }] }] })]);
const open = process.argv[4] === 'open';
for (let i = 0; i < n; i++) {
  const t = `tenant-${String(i).padStart(4, '0')}`;
  write(`tenants/${t}/tenant.yaml`, [ns(t, { 'clearml-tenancy/tenant': t, 'pod-security.kubernetes.io/enforce': 'restricted' }), hr(t, 'clearml-agent'), hr(t, 'router'), job(t, 'bootstrap', { app: 'bootstrap' }), ...(open ? [] : [
    np(t, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np(t, 'same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
    np(t, 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }] }),
    np(t, 'to-clearml', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: byName('clearml') }], ports: [{ port: 8008 }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] }),
    np(t, 'router-from-ingress', { podSelector: { matchLabels: { app: 'router' } }, ingress: [{ from: [{ namespaceSelector: byName('ingress-nginx') }], ports: [{ port: 'http' }] }] })])]);
}
