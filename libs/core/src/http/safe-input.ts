import type { FieldError } from './domain-error.js';

/** Deeper than any pathway definition (ours nest about 11 levels) and shallow enough to walk safely. */
export const MAX_INPUT_DEPTH = 64;
const MAX_ERRORS = 20;

const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored, if it cannot: PostgreSQL refuses NUL in text (22021) and in jsonb
 * (22P05), and an unpaired UTF-16 surrogate is not Unicode at all (jsonb: 22P02). JSON lets a
 * client send both as `\u0000` and `\ud800`.
 */
export function unstorableText(text: string): string | undefined {
  if (NUL.test(text)) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates (not valid Unicode)';
  return undefined;
}

/**
 * Every string (values and field names) of a parsed request part that could not be stored, with
 * the path zod would give it (`$.subject.name`, `$.participants[0].role`), and nesting deeper than
 * {@link MAX_INPUT_DEPTH}. The walk is bounded by that depth, so a 10,000-level body costs nothing.
 */
export function unsafeInputErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, '$', 0, errors);
  return errors;
}

function walk(value: unknown, path: string, depth: number, errors: FieldError[]): void {
  if (errors.length >= MAX_ERRORS) return;
  if (typeof value === 'string') {
    const message = unstorableText(value);
    if (message) errors.push({ path, message });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_INPUT_DEPTH) {
    errors.push({ path, message: `nested too deeply (at most ${MAX_INPUT_DEPTH} levels)` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, errors));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const message = unstorableText(key);
    // The offending name is not echoed back: the error names the object that holds it.
    if (message) errors.push({ path, message: `field names ${message}` });
    else walk(item, `${path}.${key}`, depth + 1, errors);
  }
}
