/**
 * A small subset of JSON Schema (draft-07), enough to describe the tenant files once and get from that
 * one description the TypeScript type ({@link FromSchema}), the validation ({@link validateSchema}) and
 * the `schema/*.schema.json` file editors read.
 *
 * Supported keywords: `type` (object, array, string, number, integer, boolean), `properties`,
 * `required`, `additionalProperties: false`, `enum`, `pattern`, `minLength`, `maxLength`, `minimum`,
 * `maximum`, `exclusiveMinimum`, `items`, `uniqueItems`, `minItems`, `maxItems`, `maxProperties`; plus the annotations `title`,
 * `description`, `default`, `examples` and `patternErrorMessage` (the message editors based on
 * vscode-json-languageservice show for a pattern mismatch; here it is the "what is allowed" text).
 * Anything else is not interpreted, so schemas written with this type stay inside the subset.
 */
import { Problems } from '../core/problems';
import { nearestName } from '../core/typos';

interface Annotations {
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
}

export interface StringSchema extends Annotations {
  readonly type: 'string';
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly patternErrorMessage?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface NumberSchema extends Annotations {
  readonly type: 'number' | 'integer';
  readonly enum?: readonly number[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
}

export interface BooleanSchema extends Annotations {
  readonly type: 'boolean';
}

export interface ArraySchema extends Annotations {
  readonly type: 'array';
  readonly items: JsonSchema;
  readonly uniqueItems?: boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface ObjectSchema extends Annotations {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly maxProperties?: number;
}

/** A schema of the subset. */
export type JsonSchema = StringSchema | NumberSchema | BooleanSchema | ArraySchema | ObjectSchema;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectFromSchema<P, R extends PropertyKey> = Simplify<
  { readonly [K in keyof P & R]: FromSchema<P[K]> } & { readonly [K in Exclude<keyof P, R>]?: FromSchema<P[K]> }
>;

/** The TypeScript type of the values a schema (declared `as const`) accepts. */
export type FromSchema<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'number' | 'integer' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : S extends { readonly type: 'array'; readonly items: infer I }
          ? readonly FromSchema<I>[]
          : S extends { readonly type: 'object'; readonly properties: infer P }
            ? ObjectFromSchema<P, S extends { readonly required: readonly (infer R extends PropertyKey)[] } ? R : never>
            : unknown;

/** Joins a field path: `a` + `b` = `a.b`; the document itself has the empty path. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** How the document itself is named in problems. */
export const DOCUMENT_PATH = '(document)';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TYPE_TEXT: Readonly<Record<JsonSchema['type'], string>> = {
  object: 'a mapping of fields (key: value)',
  array: 'a list',
  string: 'a text string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function hasType(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** The bounds of a number schema for the type message (` from 1 to 1000`, ` of at least 0`, ...); '' without bounds. */
function boundsText(schema: NumberSchema): string {
  const { minimum: min, maximum: max, exclusiveMinimum: above } = schema;
  if (schema.enum) return '';
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  const parts = [
    ...(min !== undefined ? [`at least ${min}`] : []),
    ...(above !== undefined ? [`more than ${above}`] : []),
    ...(max !== undefined ? [`at most ${max}`] : []),
  ];
  return parts.length === 0 ? '' : ` ${min !== undefined || max !== undefined ? 'of ' : ''}${parts.join(' and ')}`;
}

function typeMessage(schema: JsonSchema, value: unknown): string {
  let message = `must be ${TYPE_TEXT[schema.type]}`;
  if (schema.type === 'number' || schema.type === 'integer') message += boundsText(schema);
  if ((schema.type === 'number' || schema.type === 'integer') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    message += ' (write it without quotes)';
  }
  if (schema.type === 'boolean' && typeof value === 'string') message += ' (without quotes)';
  if (schema.type === 'string' && typeof value === 'number') message += ` (put it in quotes: "${value}")`;
  return message;
}

/**
 * Checks `value` against `schema`, adding one problem per violation (all of them, not the first).
 * `path` is the field path of `value` ('' for the document).
 */
export function validateSchema(schema: JsonSchema, value: unknown, problems: Problems, path = ''): void {
  const where = path === '' ? DOCUMENT_PATH : path;
  if (!hasType(schema, value)) {
    problems.add(where, value, typeMessage(schema, value));
    return;
  }
  switch (schema.type) {
    case 'string': {
      const s = value as string;
      if (schema.enum && !schema.enum.includes(s)) problems.add(where, s, `must be one of: ${schema.enum.join(', ')}`);
      if (schema.minLength !== undefined && s.length < schema.minLength) {
        problems.add(where, s, schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
      }
      if (schema.maxLength !== undefined && s.length > schema.maxLength) problems.add(where, s, `must have at most ${schema.maxLength} characters (it has ${s.length})`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(s)) {
        problems.add(where, s, schema.patternErrorMessage ?? `must match the pattern ${schema.pattern}`);
      }
      return;
    }
    case 'number':
    case 'integer': {
      const n = value as number;
      if (schema.enum && !schema.enum.includes(n)) problems.add(where, n, `must be one of: ${schema.enum.join(', ')}`);
      if (schema.minimum !== undefined && n < schema.minimum) problems.add(where, n, `must be at least ${schema.minimum}`);
      if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) problems.add(where, n, `must be more than ${schema.exclusiveMinimum}`);
      if (schema.maximum !== undefined && n > schema.maximum) problems.add(where, n, `must be at most ${schema.maximum}`);
      return;
    }
    case 'boolean':
      return;
    case 'array': {
      const list = value as unknown[];
      if (schema.minItems !== undefined && list.length < schema.minItems) {
        problems.add(where, list, `must have at least ${schema.minItems} ${schema.minItems === 1 ? 'entry' : 'entries'}`);
      }
      if (schema.maxItems !== undefined && list.length > schema.maxItems) {
        problems.add(where, list, `must have at most ${schema.maxItems} ${schema.maxItems === 1 ? 'entry' : 'entries'} (it has ${list.length})`);
        return; // the entries of a list this long are not looked at one by one
      }
      const seen: string[] = [];
      list.forEach((item, i) => {
        validateSchema(schema.items, item, problems, childPath(path, i));
        if (schema.uniqueItems) {
          const key = JSON.stringify(item);
          const first = seen.indexOf(key);
          if (first >= 0) problems.add(childPath(path, i), item, `is listed twice (also at ${childPath(path, first)}); each entry must be unique`);
          seen.push(key);
        }
      });
      return;
    }
    case 'object': {
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object).length;
      if (schema.maxProperties !== undefined && keys > schema.maxProperties) {
        problems.add(where, `(${keys} fields)`, `must have at most ${schema.maxProperties} ${schema.maxProperties === 1 ? 'field' : 'fields'} (it has ${keys})`);
        return;
      }
      for (const key of schema.required ?? []) {
        if (object[key] === undefined) problems.add(childPath(path, key), undefined, 'is required');
        else if (object[key] === null) problems.add(childPath(path, key), null, `is null; it is required: give ${TYPE_TEXT[schema.properties[key]?.type] ?? 'a value'}`);
      }
      for (const [key, v] of Object.entries(object)) {
        // Own fields only: `__proto__`, `constructor` and the like are unknown fields, not Object.prototype's.
        const property = Object.prototype.hasOwnProperty.call(schema.properties, key) ? schema.properties[key] : undefined;
        if (!property) {
          if (schema.additionalProperties === false) {
            const near = nearestName(key, Object.keys(schema.properties));
            problems.add(childPath(path, key), v, `is not a field here; ${near !== undefined ? `did you mean ${near}? ` : ''}allowed: ${Object.keys(schema.properties).join(', ')}`);
          }
          continue;
        }
        if (v === null && (schema.required ?? []).includes(key)) continue; // reported as required above
        validateSchema(property, v, problems, childPath(path, key));
      }
      return;
    }
  }
}

