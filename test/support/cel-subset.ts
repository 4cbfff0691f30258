/**
 * A tiny evaluator for the subset of CEL that the product's admission policies use, so tests can run the
 * policy's expressions against admission requests instead of only reading their text: string literals,
 * lists of them, field paths on `object` and `request`, `has(path)`, `in`, `==`, `!=`, `!`, `&&`, `||`,
 * parentheses and the string methods `startsWith` and `endsWith`. Anything else is an error (so a policy
 * that grows beyond the subset fails its tests instead of being misread).
 */
type Value = string | boolean | undefined | readonly string[] | Readonly<Record<string, unknown>>;

const TOKEN = /\s*(?:('(?:[^'\\]|\\.)*')|(&&|\|\||==|!=|[!()[\],.])|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(expression);
    if (!m) throw new Error(`CEL subset: cannot read "${expression.slice(start)}"`);
    tokens.push(m[1] ?? m[2] ?? m[3]);
  }
  return tokens;
}

/** Evaluates `expression` with the variables `vars` (e.g. `{ object, request }`); returns a boolean. */
export function evaluateCel(expression: string, vars: Readonly<Record<string, unknown>>): boolean {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`CEL subset: expected "${want}", got "${t}" in ${expression}`);
    return t;
  };
  const asBool = (v: Value): boolean => {
    if (typeof v !== 'boolean') throw new Error(`CEL subset: ${JSON.stringify(v)} is not a boolean in ${expression}`);
    return v;
  };
  const asString = (v: Value): string => {
    if (typeof v !== 'string') throw new Error(`CEL subset: ${JSON.stringify(v)} is not a string in ${expression}`);
    return v;
  };
  // path: identifier (. identifier)* ; evaluates to undefined when a field is absent (has() tests that).
  const path = (): { value: Value; present: boolean } => {
    const root = take();
    if (!(root in vars)) throw new Error(`CEL subset: unknown variable "${root}" in ${expression}`);
    let value: unknown = vars[root];
    let present = true;
    while (peek() === '.' && tokens[i + 2] !== '(') {
      take('.');
      const field = take();
      if (value !== null && typeof value === 'object' && field in (value as object)) value = (value as Record<string, unknown>)[field];
      else {
        value = undefined;
        present = false;
      }
    }
    return { value: value as Value, present };
  };
  const primary = (): Value => {
    const t = peek();
    if (t === '(') {
      take('(');
      const v = or();
      take(')');
      return v;
    }
    if (t === '!') {
      take('!');
      return !asBool(primary());
    }
    if (t === '[') {
      take('[');
      const items: string[] = [];
      while (peek() !== ']') {
        items.push(asString(primary()));
        if (peek() === ',') take(',');
      }
      take(']');
      return items;
    }
    if (t.startsWith("'")) {
      take();
      return t.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (t === 'has') {
      take('has');
      take('(');
      const p = path();
      take(')');
      return p.present;
    }
    let { value } = path();
    while (peek() === '.') {
      take('.');
      const method = take();
      take('(');
      const arg = asString(or());
      take(')');
      const self = asString(value);
      if (method === 'startsWith') value = self.startsWith(arg);
      else if (method === 'endsWith') value = self.endsWith(arg);
      else throw new Error(`CEL subset: unknown method "${method}" in ${expression}`);
    }
    return value;
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op === '==' || op === '!=') {
      take();
      const right = primary();
      return op === '==' ? left === right : left !== right;
    }
    if (op === 'in') {
      take('in');
      const list = primary();
      if (!Array.isArray(list)) throw new Error(`CEL subset: "in" needs a list in ${expression}`);
      return list.includes(asString(left));
    }
    return left;
  };
  const and = (): Value => {
    let v = comparison();
    while (peek() === '&&') {
      take('&&');
      const right = comparison();
      v = asBool(v) && asBool(right);
    }
    return v;
  };
  function or(): Value {
    let v = and();
    while (peek() === '||') {
      take('||');
      const right = and();
      v = asBool(v) || asBool(right);
    }
    return v;
  }
  const result = or();
  if (i !== tokens.length) throw new Error(`CEL subset: unread "${tokens.slice(i).join(' ')}" in ${expression}`);
  return asBool(result);
}
