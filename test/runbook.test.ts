/**
 * Puts the runbook beside the output: every setting of its "Install ClearML Chart" overrides, its
 * GPU operator flags and its Redis install must be found in what synth writes, with secrets turned into
 * references. The runbook is read from ../shared/spec (beside the repository, as in CI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { renderOutput } from '../lib/synth';
import { platform } from '../main';

const RUNBOOK = join(__dirname, '..', '..', 'shared', 'spec', 'multi-tenant-service-on-kubernetes.md');

/** The first fenced block after `heading` and `marker`, dedented and with the markdown escapes undone. */
function codeBlock(markdown: string, heading: string, marker: string): string {
  const from = markdown.indexOf(marker, markdown.indexOf(heading));
  const start = markdown.indexOf('```', from) + 3;
  const end = markdown.indexOf('```', start);
  return markdown
    .slice(start, end)
    .split('\n')
    .map((l) => l.replace(/^ {3}/, ''))
    .join('\n')
    .replace(/\\\\/g, '\\');
}

/** The runbook's two known YAML defects, repaired so the block parses (the output must not copy them). */
function repairRunbookYaml(block: string): string {
  return block
    .replace(/^(\s*- name: CLEARML__billing__enabled):$/m, '$1')
    .replace(/^\s+(- name: CLEARML__services__workers__resource_usages__supervisor_company)$/m, '    $1');
}

function objectsOf(files: Map<string, string>): any[] {
  return [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJS()));
}

/** Placeholders of the runbook and the value the example platform gives them. */
const SSO = platform.server.sso!;
const PLACEHOLDERS: Record<string, string> = {
  BASE_DOMAIN: platform.baseDomain,
  SSO_CLIENT_ID: SSO.clientId,
  SSO_CLIENT_URL: SSO.baseUrl,
  SSO_CLIENT_AUTHORIZE_URL: SSO.authorizeUrl,
  SSO_CLIENT_ACCESS_TOKEN_URL: SSO.accessTokenUrl,
  SSO_CLIENT_AUDIENCE: SSO.audience,
  SUPERVISOR_USER_EMAIL: platform.server.supervisor.email,
};
/** Runbook values that are secrets: they must arrive as references. */
const SECRET_VALUES = /^(<SSO_CLIENT_SECRET>|<SUPERVISOR_USER_KEY>|<SUPERVISOR_USER_SECRET>|<allegroaienterprise_DockerHub_TOKEN>|jdhfKmsd1|sdkWoq23)$/;

function substitute(value: string): string {
  return value.replace(/<([A-Z_]+)>/g, (m, name) => {
    if (!(name in PLACEHOLDERS)) throw new Error(`no example value for runbook placeholder ${m}`);
    return PLACEHOLDERS[name];
  });
}

/** Compares a runbook env value with ours the way the apiserver reads them (JSON lists by content). */
function sameSetting(runbook: string, ours: string): boolean {
  if (runbook === ours) return true;
  try {
    return JSON.stringify(JSON.parse(runbook)) === JSON.stringify(JSON.parse(ours));
  } catch {
    return false;
  }
}

const describeWithRunbook = existsSync(RUNBOOK) ? describe : describe.skip;
if (!existsSync(RUNBOOK)) process.stderr.write(`runbook not found at ${RUNBOOK}: the runbook walk is skipped\n`);

describeWithRunbook('the runbook beside dist/', () => {
  const markdown = existsSync(RUNBOOK) ? readFileSync(RUNBOOK, 'utf8') : '';
  const objects = objectsOf(renderOutput({ platform, tenantsDir: join(__dirname, '..', 'tenants') }));
  const release = (namespace: string, name: string) => objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === namespace && o.metadata.name === name);

  test('every apiserver variable of "Install ClearML Chart" is set, equal, or a Secret reference', () => {
    const runbook = YAML.parse(repairRunbookYaml(codeBlock(markdown, '## Install ClearML Chart', 'overrides.yaml')));
    const ours: any[] = release('clearml', 'clearml').spec.values.apiserver.extraEnvs;
    const mismatches: string[] = [];
    for (const { name, value } of runbook.apiserver.extraEnvs as Array<{ name: string; value: string }>) {
      const mine = ours.find((e) => e.name === name);
      if (!mine) mismatches.push(`${name}: missing`);
      else if (SECRET_VALUES.test(value)) {
        if (!mine.valueFrom?.secretKeyRef || 'value' in mine) mismatches.push(`${name}: must be a secretKeyRef, is ${JSON.stringify(mine)}`);
      } else if (!sameSetting(substitute(value), mine.value)) mismatches.push(`${name}: runbook ${JSON.stringify(substitute(value))}, ours ${JSON.stringify(mine.value)}`);
    }
    expect(mismatches).toEqual([]);
    expect(runbook.apiserver.extraEnvs.length).toBe(28);
  });

  test('every other value of "Install ClearML Chart" is in the release values, the token as valuesFrom', () => {
    const runbook = YAML.parse(repairRunbookYaml(codeBlock(markdown, '## Install ClearML Chart', 'overrides.yaml')));
    const ours = release('clearml', 'clearml');
    const leaves: Array<[string, unknown]> = [];
    const walk = (node: unknown, path: string[]) => {
      if (node && typeof node === 'object' && !Array.isArray(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      else if (path.join('.') !== 'apiserver.extraEnvs') leaves.push([path.join('.'), node]);
    };
    walk(runbook, []);
    expect(leaves.length).toBeGreaterThan(10);
    for (const [path, value] of leaves) {
      if (typeof value === 'string' && SECRET_VALUES.test(value)) {
        expect(ours.spec.valuesFrom).toContainEqual(expect.objectContaining({ kind: 'Secret', targetPath: path }));
      } else {
        const mine = path.split('.').reduce((o: any, k) => o?.[k], ours.spec.values);
        expect([path, mine]).toEqual([path, typeof value === 'string' ? substitute(value) : value]);
      }
    }
  });

  test('the GPU operator flags and namespace', () => {
    const command = codeBlock(markdown, '## Enabling Dynamic MIG GPUs', '2. Install the NVIDIA GPU operator');
    const gpu = release('gpu-operator', 'gpu-operator');
    expect(command).toMatch(/-n gpu-operator/);
    const flags = [...command.matchAll(/--set ([\w.]+)=(\w+)/g)];
    expect(flags.length).toBe(2);
    for (const [, path, value] of flags) {
      const mine = path.split('.').reduce((o: any, k) => o?.[k], gpu.spec.values);
      expect([path, String(mine)]).toEqual([path, value]);
    }
  });

  test('shared Redis: namespace, chart version, password by reference', () => {
    const command = codeBlock(markdown, '## Shared Redis installation', '3. Install Redis');
    const version = /--version=(\S+)/.exec(command)![1];
    const redis = release('redis-shared', 'redis');
    // The chart comes from Bitnami's OCI registry (charts.bitnami.com no longer lists 17.8.3): the version is the OCIRepository's tag.
    const source = objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === redis.spec.chartRef.name);
    expect(source.spec.ref).toEqual({ tag: version });
    expect(redis.spec.values.auth.existingSecret).toBe('redis-shared-auth');
  });

  test('the CDMO release', () => {
    const cdmo = release('cdmo-operator', 'cdmo');
    expect(cdmo.spec.chart.spec.chart).toBe('clearml-dynamic-mig-operator');
    expect(cdmo.spec.valuesFrom).toContainEqual(expect.objectContaining({ targetPath: 'imageCredentials.password' }));
  });

  test('the platform namespaces isolate as the runbook asks, without its 0.0.0.0/0', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.namespace === 'clearml' && p.metadata.name === 'default-deny-ingress')).toBeDefined();
    const billing = policies.find((p) => p.metadata.namespace === 'clearml-billing');
    expect(billing.spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } });
    const ingressPeers = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []));
    expect(ingressPeers.filter((peer: any) => peer.ipBlock)).toEqual([]);
  });

  test('the agent overrides of "Install ClearML Agent Chart" are acme\'s agent values, secrets as references', () => {
    const runbook = YAML.parse(codeBlock(markdown, '### Install ClearML Agent Chart', '1. Prepare the `overrides.yaml`'));
    const ours = release('acme', 'clearml-agent');
    const values = ours.spec.values;
    // The TODO keys become the bootstrap's Secret; the registry token and the Redis password references.
    expect(runbook.clearml).toEqual({ agentk8sglueKey: '-', agentk8sglueSecret: '-' });
    expect(values.clearml).toEqual({ existingAgentk8sglueSecret: 'clearml-agent-credentials' });
    expect(ours.spec.valuesFrom).toContainEqual(expect.objectContaining({ kind: 'Secret', targetPath: 'imageCredentials.password' }));
    const tenant = (v: unknown) => (typeof v === 'string' ? v.replace(/<BASE_DOMAIN>/g, platform.baseDomain).replace(/<TENANT_NAMESPACE>/g, 'acme') : v);
    const glue = runbook.agentk8sglue;
    for (const { name, value } of glue.extraEnvs as Array<{ name: string; value: string }>) {
      const mine = values.agentk8sglue.extraEnvs.find((e: any) => e.name === name);
      if (SECRET_VALUES.test(value)) expect([name, mine.valueFrom?.secretKeyRef?.name]).toEqual([name, 'redis-shared-auth']);
      else expect([name, mine?.value]).toEqual([name, value]);
    }
    for (const key of Object.keys(glue).filter((k) => k !== 'extraEnvs')) {
      expect([key, values.agentk8sglue[key]]).toEqual([key, typeof glue[key] === 'object' ? glue[key] : tenant(glue[key])]);
    }
    expect(values.sessions).toEqual(Object.fromEntries(Object.entries(runbook.sessions).map(([k, v]) => [k, tenant(v)])));
  });

  test('the router overrides of "Install the App Gateway Router Chart": the in-cluster apiserver, keys from the bootstrap Secret', () => {
    const runbook = YAML.parse(codeBlock(markdown, '### Install the App Gateway Router Chart', '1. Prepare the `overrides.yaml`'));
    const ours = release('acme', 'clearml-ttr');
    expect(ours.spec.values.clearml.apiServerUrlReference).toBe(runbook.clearml.apiServerUrlReference.replace(/^<|>$/g, ''));
    expect(ours.spec.values.ingress).toEqual({ enabled: runbook.ingress.enabled, hostName: 'acme-apps.clearml.example.com' });
    expect(ours.spec.valuesFrom.map((v: any) => v.targetPath).sort()).toEqual(['clearml.apiserverKey', 'clearml.apiserverSecret', 'imageCredentials.password']);
  });
});
