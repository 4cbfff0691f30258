import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUANTITY_PATTERN } from '../../lib/core/quantity';
import { JsonSchema } from '../../lib/config/json-schema';
import { TENANT_SCHEMA, TenantSpec, tenantJsonSchema, tenantJsonSchemaText } from '../../lib/config/tenant-schema';
import { MAX_CLUSTER_NAME, SINGLE_CLUSTER_NAME } from '../../lib/platform/cluster-settings';
import { ResolvedPlatform, resolvePlatform } from '../../lib/platform/platform';
import { resolveTenants } from '../../lib/tenant/tenants';
import { platform as single } from '../../main';
import { platform as two } from '../../examples/two-clusters';

describe('tenant schema', () => {
  test('the committed schema/tenant.schema.json is the generated one (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'tenant.schema.json'), 'utf8');
    expect(committed).toEqual(tenantJsonSchemaText());
  });

  test('is a draft-07 JSON Schema with the fields of the file format', () => {
    const schema = tenantJsonSchema();
    expect(schema).toHaveProperty('$schema', 'http://json-schema.org/draft-07/schema#');
    expect(schema).toHaveProperty('required', ['name', 'admin', 'sessions']);
    expect(Object.keys(TENANT_SCHEMA.properties)).toEqual(['name', 'namespace', 'admin', 'state', 'credentialsGeneration', 'login', 'ssoDomains', 'features', 'excludeFeatures', 'allowedUsers', 'queues', 'sessions', 'router', 'agent', 'quota', 'limitRange', 'clusters']);
    expect(schema).toHaveProperty('properties.sessions.properties.startingPort', expect.objectContaining({ minimum: 1, maximum: 65535 }));
    expect(schema).toHaveProperty('properties.quota.properties.cpu.pattern', QUANTITY_PATTERN);
    // Editors offer every MIG profile; which ones a tenant may use depends on its GPU model.
    expect(Object.keys((schema as any).properties.quota.properties.mig.properties)).toEqual(expect.arrayContaining(['3g.20gb', '3g.40gb', '1g.18gb']));
  });

  test('item 13: fails when a string, list or number of the schema has no bound', () => {
    // GIVEN every field of the schema, walked
    const unbounded: string[] = [];
    const walk = (schema: JsonSchema, path: string): void => {
      switch (schema.type) {
        case 'string':
          if (schema.enum === undefined && schema.maxLength === undefined) unbounded.push(`${path}: string without maxLength`);
          return;
        case 'number':
        case 'integer':
          if (schema.enum === undefined && schema.maximum === undefined) unbounded.push(`${path}: number without maximum`);
          return;
        case 'array':
          if (schema.maxItems === undefined) unbounded.push(`${path}: list without maxItems`);
          walk(schema.items, `${path}[]`);
          return;
        case 'object':
          if (schema.additionalProperties !== false && schema.maxProperties === undefined) unbounded.push(`${path}: open mapping without maxProperties`);
          for (const [key, property] of Object.entries(schema.properties)) walk(property, path === '' ? key : `${path}.${key}`);
          return;
        case 'boolean':
          return;
      }
    };
    walk(TENANT_SCHEMA, '');
    // THEN none is unbounded (a field added later needs its bound too)
    expect(unbounded).toEqual([]);
  });

  test('the tenant files point editors at the schema', () => {
    const dir = join(__dirname, '..', '..', 'tenants');
    const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect([name, readFileSync(join(dir, name), 'utf8').split('\n')[0]]).toEqual([name, '# yaml-language-server: $schema=../schema/tenant.schema.json']);
    }
  });

  test('TenantSpec is derived from the schema (checked by `tsc --noEmit`)', () => {
    // A minimal file type-checks; required fields, enums and readonly are enforced by the compiler.
    const minimal: TenantSpec = { name: 'acme', admin: { name: 'A', email: 'a@acme.com' }, sessions: { startingPort: 31010 } };
    const full: TenantSpec = {
      ...minimal,
      namespace: 'acme',
      ssoDomains: ['acme.com'],
      features: ['experiments'],
      excludeFeatures: ['app_management'],
      allowedUsers: 10,
      queues: { default: { maxPods: 10, requiredResources: 0.5 }, gpuFractions: [1, 0.5], gpuModel: 'H200-141GB', maxPods: 10 },
      sessions: { portMode: false, externalIP: '0.0.0.0', startingPort: 31010, maxServices: 10 },
      router: { hostName: 'acme-apps.example.com' },
      agent: { imageTag: 't', defaultContainerImage: 'python:3.9', debugMode: false, maxResources: 3 },
    };
    // @ts-expect-error admin is required
    const noAdmin: TenantSpec = { name: 'acme', sessions: { startingPort: 31010 } };
    // @ts-expect-error not a GPU model
    const badModel: TenantSpec = { ...minimal, queues: { gpuModel: 'V100' } };
    // @ts-expect-error not a feature
    const badFeature: TenantSpec = { ...minimal, features: ['flying'] };
    // @ts-expect-error unknown field
    const extra: TenantSpec = { ...minimal, admins: [] };
    // @ts-expect-error fields are readonly
    minimal.name = 'other';
    expect([full, noAdmin, badModel, badFeature, extra].length).toBe(5);
  });
});

describe("the tenant field clusters: what the schema says is what the checks do (README \"Several clusters\")", () => {
  const clusters = (TENANT_SCHEMA.properties as any).clusters;
  const tenant = (extra: string) => `name: acme\nadmin: { name: A, email: admin@acme.example }\nsessions: { startingPort: 31010 }\n${extra}`;
  const problems = (platform: ResolvedPlatform, text: string): string[] => {
    try {
      resolveTenants([{ file: 'tenants/acme.yaml', text }], platform);
      return [];
    } catch (e: any) {
      return e.problems.map((p: any) => `${p.path}: ${p.message}`);
    }
  };

  test('a name is at most as long as a cluster name may be', () => {
    expect(clusters.items.maxLength).toBe(MAX_CLUSTER_NAME);
    expect(clusters.items.patternErrorMessage).toContain(`at most ${MAX_CLUSTER_NAME} characters`);
    expect(problems(resolvePlatform(two), tenant(`clusters: [${'a'.repeat(MAX_CLUSTER_NAME + 1)}]\n`))).toEqual([expect.stringMatching(/^clusters\[0\]: .*at most 40 characters/)]);
  });

  test("the default is the platform's defaultWorkerCluster, and a platform of one cluster takes its name or none", () => {
    expect(clusters.description).toContain('defaultWorkerCluster');
    expect(clusters.description).not.toMatch(/the first of its clusters/);
    expect(clusters.description).toContain(`"${SINGLE_CLUSTER_NAME}"`);
    const p = resolvePlatform(single);
    expect(problems(p, tenant(`clusters: [${SINGLE_CLUSTER_NAME}]\n`))).toEqual([]);
    expect(problems(p, tenant('clusters: [gpu-east]\n'))).toEqual([`clusters[0]: is not a cluster of the platform; allowed: ${SINGLE_CLUSTER_NAME}`]);
  });

  test('the ports must be apart from those of the tenants of the same cluster only; the control plane keeps the bootstrap and the admin credentials', () => {
    expect(clusters.description).toMatch(/the control plane keeps its bootstrap Job, ledger and admin credentials/i);
    expect(clusters.description).toMatch(/NodePort range/);
    const sessions = (TENANT_SCHEMA.properties as any).sessions;
    expect(sessions.description).toMatch(/another tenant's in the same cluster/);
    expect((TENANT_SCHEMA.properties as any).router.properties.streamSession.properties.portRange.description).toMatch(/of every tenant in the same cluster/);
  });
});
