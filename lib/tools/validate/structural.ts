/**
 * Checks a value against an OpenAPI v3 (structural) schema the way the Kubernetes API server does
 * with `kubectl apply --validate=strict`: types, required fields, enums, patterns, lengths and bounds,
 * and unknown fields rejected unless the schema keeps them (`x-kubernetes-preserve-unknown-fields`,
 * `additionalProperties`). `x-kubernetes-int-or-string` takes an integer or a string.
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */

/** The subset of OpenAPI v3 schema the API server's structural schemas use. */
export interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly nullable?: boolean;
  readonly anyOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
}

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = patterns.get(pattern);
  if (!r) {
    r = new RegExp(pattern);
    patterns.set(pattern, r);
  }
  return r;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fieldPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/**
 * Appends one message per problem to `errors`, each starting with the field path.
 * `strict` off skips the unknown-field check (for `anyOf`/`oneOf` branches, which only add value checks).
 */
export function checkValue(value: unknown, schema: Schema, path: string, errors: string[], strict = true): void {
  if (value === null || value === undefined) {
    if (!schema.nullable) errors.push(`${path}: must not be null`);
    return;
  }
  const actual = typeOf(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') errors.push(`${path}: must be an integer or a string, not ${actual}`);
  } else if (schema.type) {
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      errors.push(`${path}: must be of type ${schema.type}, not ${actual}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !regex(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match the pattern ${schema.pattern}`);
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) errors.push(`${path}: is ${length} characters long, at most ${schema.maxLength} allowed`);
    if (schema.minLength !== undefined && length < schema.minLength) errors.push(`${path}: is ${length} characters long, at least ${schema.minLength} required`);
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) errors.push(`${path}: ${JSON.stringify(value)} is not an RFC 3339 date-time`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} is less than the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} is more than the maximum ${schema.maximum}`);
    if ((schema.format === 'int32' || schema.format === 'int64') && !Number.isInteger(value)) errors.push(`${path}: ${value} is not an integer`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: has ${value.length} items, at most ${schema.maxItems} allowed`);
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: has ${value.length} items, at least ${schema.minItems} required`);
    if (schema.items) value.forEach((item, i) => checkValue(item, schema.items!, `${path}[${i}]`, errors, strict));
  } else if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (obj[name] === undefined) errors.push(`${fieldPath(path, name)}: is required`);
    const keep = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    for (const [key, v] of Object.entries(obj)) {
      const child = schema.properties?.[key];
      if (child) checkValue(v, child, fieldPath(path, key), errors, strict);
      else if (typeof schema.additionalProperties === 'object') checkValue(v, schema.additionalProperties, fieldPath(path, key), errors, strict);
      else if (strict && !keep && !(embedded && ['apiVersion', 'kind', 'metadata'].includes(key)) && (schema.properties || schema.type === 'object')) {
        errors.push(`${fieldPath(path, key)}: unknown field`);
      }
    }
  }
  for (const sub of schema.allOf ?? []) checkValue(value, sub, path, errors, false);
  if (schema.anyOf) {
    const passing = schema.anyOf.filter((sub) => passes(value, sub));
    if (passing.length === 0) errors.push(`${path}: matches none of the allowed forms (anyOf)`);
  }
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((sub) => passes(value, sub));
    if (passing.length !== 1) errors.push(`${path}: must match exactly one of the allowed forms (oneOf), matches ${passing.length}`);
  }
}

function passes(value: unknown, schema: Schema): boolean {
  const errors: string[] = [];
  checkValue(value, schema, '', errors, false);
  return errors.length === 0;
}
