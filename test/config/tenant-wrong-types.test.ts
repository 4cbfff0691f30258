/**
 * A tenant file with a value of the wrong type anywhere gives problems in the shared list (file, field, value,
 * what is allowed), all at once; no check throws on its own (they used to, e.g. `ssoDomains: x` or `quota: null`).
 */
import YAML from 'yaml';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { ConfigError, Problem } from '../../lib/core/problems';
import { resolveTenants } from '../../lib/tenant/tenants';
import { TENANT_SCHEMA } from '../../lib/config/tenant-schema';
import { JsonSchema } from '../../lib/config/json-schema';

const platform = resolvePlatform(platformProps);
const BASE = { name: 'acme', admin: { name: 'A', email: 'a@acme.com' }, sessions: { startingPort: 31010 } };
const WRONG: unknown[] = [null, 1, -1, 1.5, 'x', true, [], {}, [1], ['x'], [null], [{}], { a: 1 }];
/**
 * Every field of the schema, leaves and objects, by walking TENANT_SCHEMA: a new field is covered
 * without editing this test.
 */
function schemaFields(schema: JsonSchema, keys: readonly string[] = []): string[][] {
  if (schema.type !== 'object') return [];
  return Object.entries(schema.properties).flatMap(([key, child]) => [[...keys, key], ...schemaFields(child, [...keys, key])]);
}
/** Field paths joined with "/" (MIG profiles such as 1g.5gb hold dots). */
const FIELDS = schemaFields(TENANT_SCHEMA).map((keys) => keys.join('/'));

function withValue(name: string, port: number, path: string, value: unknown): string {
  const t: any = { ...structuredClone(BASE), name, sessions: { startingPort: port }, ...(path.startsWith('limitRange') ? { quota: { cpu: '4' } } : {}) };
  const keys = path.split(path.includes('/') ? '/' : '.');
  let at = t;
  for (const k of keys.slice(0, -1)) at = at[k] !== null && typeof at[k] === 'object' && !Array.isArray(at[k]) ? at[k] : (at[k] = {});
  at[keys.at(-1)!] = value;
  return YAML.stringify(t);
}

/** The problems of two tenant files with the same wrong value; throws when a check crashes instead. */
function problemsOf(path: string, value: unknown): readonly Problem[] {
  try {
    resolveTenants([{ file: 'tenants/acme.yaml', text: withValue('acme', 31010, path, value) }, { file: 'tenants/globex.yaml', text: withValue('globex', 31100, path, value) }], platform);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw new Error(`${path}: ${JSON.stringify(value)} crashed a check: ${(e as Error).message}`);
  }
}

describe('tenant files with values of the wrong type', () => {
  test('the fields come from the schema: every leaf and object, the nested stream session ones too', () => {
    expect(FIELDS).toEqual(expect.arrayContaining(['router/streamSession', 'router/streamSession/routerAddress', 'router/streamSession/portRange', 'router/streamSession/portRange/start',
      'router/streamSession/portRange/end', 'quota/gpus', 'limitRange/defaultMemory', 'limitRange/defaultRequestCpu', 'quota/mig', 'quota/mig/1g.5gb']));
  });

  test.each(FIELDS)('%s: problems, never a crash', (path) => {
    for (const value of WRONG) expect(() => problemsOf(path, value)).not.toThrow();
  });

  test('ssoDomains that is not a list, and a null quota, are reported for both files', () => {
    for (const [path, value] of [['ssoDomains', 'x'], ['quota', null]] as const) {
      const problems = problemsOf(path, value);
      expect(problems.map((p) => [p.file, p.path])).toEqual(expect.arrayContaining([['tenants/acme.yaml', path], ['tenants/globex.yaml', path]]));
      expect(problems.find((p) => p.path === path)?.value).toEqual(value);
    }
  });
});
