// A small JSON Schema (2020-12) validator for the keywords scenarios/scenario.schema.json uses, so a
// test can check library files against the published schema without a dependency. Unsupported
// keywords throw rather than pass silently.
type Schema = Record<string, unknown> | boolean;

const SUPPORTED = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties',
  'items', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'pattern',
  'minItems', 'uniqueItems', 'anyOf', 'allOf', 'not', 'if', 'then',
]);

export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '', errors);
  return errors;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(root: Schema, s: Schema, v: unknown, path: string, errors: string[]): void {
  if (s === true) return;
  if (s === false) {
    errors.push(`${path}: no value allowed`);
    return;
  }
  for (const k of Object.keys(s)) if (!SUPPORTED.has(k)) throw new Error(`unsupported schema keyword ${k} at ${path}`);
  if (typeof s.$ref === 'string') {
    const target = (s.$ref as string).replace(/^#\//, '').split('/').reduce<unknown>((o, key) => (o as Record<string, unknown>)[key], root);
    check(root, target as Schema, v, path, errors);
  }
  const t = typeOf(v);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${path}: not in enum`);
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push(`${path}: not the const`);
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${path}: below minimum`);
    if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${path}: above maximum`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errors.push(`${path}: not above exclusiveMinimum`);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) errors.push(`${path}: not below exclusiveMaximum`);
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) errors.push(`${path}: shorter than minLength`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${path}: does not match ${s.pattern}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${path}: fewer than minItems`);
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) errors.push(`${path}: items not unique`);
    if (s.items !== undefined) v.forEach((x, i) => check(root, s.items as Schema, x, `${path}[${i}]`, errors));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) errors.push(`${path}: missing required ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (k in props) check(root, props[k]!, x, `${path}.${k}`, errors);
      else if (s.additionalProperties !== undefined) check(root, s.additionalProperties as Schema, x, `${path}.${k}`, errors);
    }
  }
  if (s.anyOf !== undefined) {
    const ok = (s.anyOf as Schema[]).some((sub) => validateSub(root, sub, v));
    if (!ok) errors.push(`${path}: matches none of anyOf`);
  }
  if (s.allOf !== undefined) for (const sub of s.allOf as Schema[]) check(root, sub, v, path, errors);
  if (s.not !== undefined && validateSub(root, s.not as Schema, v)) errors.push(`${path}: matches a 'not' schema`);
  if (s.if !== undefined && validateSub(root, s.if as Schema, v) && s.then !== undefined) check(root, s.then as Schema, v, path, errors);
}

function validateSub(root: Schema, s: Schema, v: unknown): boolean {
  const e: string[] = [];
  check(root, s, v, '', e);
  return e.length === 0;
}
