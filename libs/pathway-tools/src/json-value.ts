/** Small helpers for comparing and printing definition fragments, which are plain JSON. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** JSON with object keys sorted, so two equal fragments compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

/** Turns `undefined` into `null` and sorts keys, giving a value safe to put in a JSON result. */
export function normalise(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // What is left is no JSON value (a bigint, a symbol or a function): its own string form.
  const other: unknown = value;
  return String(other);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

const TOKEN = /^[A-Za-z0-9_.:#+\-/]+$/;

/**
 * Short human text for a definition value: durations and ids bare, titles quoted, due dates
 * relative to key dates spelled out (`P6M before releaseDate`).
 */
export function showValue(value: unknown, opts: { quote?: boolean } = {}): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return !opts.quote && TOKEN.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => showValue(v)).join(', ')}]`;
  const obj = value as Record<string, unknown>;
  if (typeof obj.offset === 'string' && (typeof obj.before === 'string' || typeof obj.after === 'string')) {
    return typeof obj.before === 'string' ? `${obj.offset} before ${obj.before}` : `${obj.offset} after ${String(obj.after)}`;
  }
  if (typeof obj.type === 'string' && Object.keys(obj).every((k) => k === 'type' || k === 'params')) {
    return obj.params === undefined ? obj.type : `${obj.type}${stableJson(obj.params)}`;
  }
  return stableJson(value);
}
