import { JsonSchema, validateSchema } from '../../lib/config/json-schema';
import { Problems } from '../../lib/core/problems';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z]+$', patternErrorMessage: 'must be lower-case letters', maxLength: 5 },
    color: { type: 'string', enum: ['red', 'blue'] },
    count: { type: 'integer', minimum: 1, maximum: 3 },
    ratio: { type: 'number', exclusiveMinimum: 0 },
    on: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, minItems: 1 },
    inner: { type: 'object', additionalProperties: false, required: ['x'], properties: { x: { type: 'integer' } } },
  },
} as const satisfies JsonSchema;

function problemsOf(value: unknown) {
  const problems = new Problems('f.yaml');
  validateSchema(SCHEMA, value, problems);
  return problems.all.map((p) => ({ path: p.path, value: p.value, message: p.message }));
}

describe('validateSchema', () => {
  test('accepts a valid value', () => {
    expect(problemsOf({ name: 'abc', color: 'red', count: 2, ratio: 0.5, on: true, tags: ['a'], inner: { x: 1 } })).toEqual([]);
  });

  test('reports every problem at once, each with its path and value', () => {
    // GIVEN a value breaking every keyword
    const value = { color: 'green', count: 4, ratio: 0, on: 'yes', tags: ['a', '', 'a'], inner: { y: 1 }, other: 1, name2: 'x' };
    // WHEN / THEN
    expect(problemsOf(value)).toEqual([
      { path: 'name', value: undefined, message: 'is required' },
      { path: 'color', value: 'green', message: 'must be one of: red, blue' },
      { path: 'count', value: 4, message: 'must be at most 3' },
      { path: 'ratio', value: 0, message: 'must be more than 0' },
      { path: 'on', value: 'yes', message: 'must be true or false (without quotes)' },
      { path: 'tags[1]', value: '', message: 'must not be empty' },
      { path: 'tags[2]', value: 'a', message: 'is listed twice (also at tags[0]); each entry must be unique' },
      { path: 'inner.x', value: undefined, message: 'is required' },
      { path: 'inner.y', value: 1, message: 'is not a field here; allowed: x' },
      { path: 'other', value: 1, message: 'is not a field here; allowed: name, color, count, ratio, on, tags, inner' },
      { path: 'name2', value: 'x', message: 'is not a field here; did you mean name? allowed: name, color, count, ratio, on, tags, inner' },
    ]);
  });

  test('uses patternErrorMessage and checks maxLength', () => {
    expect(problemsOf({ name: 'ABCDEF' })).toEqual([
      { path: 'name', value: 'ABCDEF', message: 'must have at most 5 characters (it has 6)' },
      { path: 'name', value: 'ABCDEF', message: 'must be lower-case letters' },
    ]);
  });

  test('fails when a whole number is quoted, with a hint', () => {
    expect(problemsOf({ name: 'a', count: '2' })).toEqual([{ path: 'count', value: '2', message: 'must be a whole number from 1 to 3 (write it without quotes)' }]);
  });

  test('fails when a number has a fraction where a whole number is needed', () => {
    expect(problemsOf({ name: 'a', count: 1.5 })).toEqual([{ path: 'count', value: 1.5, message: 'must be a whole number from 1 to 3' }]);
  });

  test('a wrong type names the bounds the schema has', () => {
    expect(problemsOf({ name: 'a', count: 'ten' })).toEqual([{ path: 'count', value: 'ten', message: 'must be a whole number from 1 to 3' }]);
    expect(problemsOf({ name: 'a', ratio: 'half' })).toEqual([{ path: 'ratio', value: 'half', message: 'must be a number more than 0' }]);
    expect(problemsOf({ name: 'a', inner: { x: 'one' } })).toEqual([{ path: 'inner.x', value: 'one', message: 'must be a whole number' }]);
    const one = (schema: JsonSchema, value: unknown) => {
      const problems = new Problems('f.yaml');
      validateSchema(schema, value, problems);
      return problems.all.map((p) => p.message);
    };
    expect(one({ type: 'integer', minimum: 0 }, 'x')).toEqual(['must be a whole number of at least 0']);
    expect(one({ type: 'integer', maximum: 9 }, 'x')).toEqual(['must be a whole number of at most 9']);
  });

  test('an unknown field that is a typo of a known one: did you mean ...? (edit distance 2 or only the case differs)', () => {
    const typos = (value: Record<string, unknown>) => problemsOf({ name: 'a', ...value }).map((p) => `${p.path}: ${p.message.replace(/ allowed: .*$/, '')}`);
    expect(typos({ colour: 'red', COUNT: 1, ratoi: 1, tgs: ['a'], Inner: { x: 1 } })).toEqual([
      'colour: is not a field here; did you mean color?',
      'COUNT: is not a field here; did you mean count?',
      'ratoi: is not a field here; did you mean ratio?',
      'tgs: is not a field here; did you mean tags?',
      'Inner: is not a field here; did you mean inner?',
    ]);
    // far from every field, or too short to tell: no guess
    expect(typos({ weight: 1, q: 1, zz: 1 })).toEqual(['weight: is not a field here;', 'q: is not a field here;', 'zz: is not a field here;']);
  });

  test('fails when a list is empty below minItems', () => {
    expect(problemsOf({ name: 'a', tags: [] })).toEqual([{ path: 'tags', value: [], message: 'must have at least 1 entry' }]);
  });

  test('item 13: fails when a list has more entries than maxItems or a mapping more fields than maxProperties', () => {
    const bounded = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'integer' }, maxItems: 2 },
        counts: { type: 'object', properties: {}, maxProperties: 1 },
      },
    } as const satisfies JsonSchema;
    const problems = new Problems('f.yaml');
    validateSchema(bounded, { list: [1, 2, 'x'], counts: { a: 1, b: 2 } }, problems);
    expect(problems.all.map((p) => ({ path: p.path, value: p.value, message: p.message }))).toEqual([
      { path: 'list', value: [1, 2, 'x'], message: 'must have at most 2 entries (it has 3)' },
      { path: 'counts', value: '(2 fields)', message: 'must have at most 1 field (it has 2)' },
    ]);
  });

  test('fails when the document is not a mapping', () => {
    expect(problemsOf(['a'])).toEqual([{ path: '(document)', value: ['a'], message: 'must be a mapping of fields (key: value)' }]);
    expect(problemsOf(null)).toEqual([{ path: '(document)', value: null, message: 'must be a mapping of fields (key: value)' }]);
  });
});
