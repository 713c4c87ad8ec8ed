import type { ValidationError } from './types.js';
import { childPath, isPlainObject } from './validator-path.js';

/** Limits that keep validation fast on hostile input; real pathways stay far below them. */
export const JSON_LIMITS = {
  maxDepth: 100,
  maxValues: 50_000,
  maxArrayItems: 1_000,
  maxObjectKeys: 1_000,
  maxStringLength: 10_000,
} as const;

/** Keys that could reach `Object.prototype` in code that copies or merges a definition. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that the input is plain JSON of a sane size: no functions, class instances, accessors,
 * prototype keys, non-finite numbers, and within {@link JSON_LIMITS}. Stops descending into any
 * value that breaks a limit, so it never walks a huge or deep input in full.
 */
export function checkPlainJson(input: unknown): ValidationError[] {
  const errors: ValidationError[] = [];
  let values = 0;
  let truncated = false;

  const walk = (value: unknown, path: string, depth: number): void => {
    if (truncated) return;
    values += 1;
    if (values > JSON_LIMITS.maxValues) {
      truncated = true;
      errors.push({ path, message: `definition is too large (more than ${JSON_LIMITS.maxValues} values)` });
      return;
    }
    if (depth > JSON_LIMITS.maxDepth) {
      truncated = true;
      errors.push({ path, message: `definition is nested too deeply (more than ${JSON_LIMITS.maxDepth} levels)` });
      return;
    }
    switch (typeof value) {
      case 'string':
        if (value.length > JSON_LIMITS.maxStringLength) {
          errors.push({ path, message: `string is too long (more than ${JSON_LIMITS.maxStringLength} characters)` });
        }
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(value)) errors.push({ path, message: 'number must be finite' });
        return;
      case 'function':
        errors.push({ path, message: 'functions are not allowed: a definition never carries code, name a registry guard or action instead' });
        return;
      case 'undefined':
        errors.push({ path, message: 'undefined is not a JSON value' });
        return;
      case 'object':
        break;
      default:
        errors.push({ path, message: `${typeof value} is not a JSON value` });
        return;
    }
    if (value === null) return;
    if (Array.isArray(value)) {
      if (value.length > JSON_LIMITS.maxArrayItems) {
        errors.push({ path, message: `array is too long (${value.length} items, at most ${JSON_LIMITS.maxArrayItems})` });
        return;
      }
      for (let i = 0; i < value.length; i += 1) walk(value[i], childPath(path, i), depth + 1);
      return;
    }
    if (!isPlainObject(value)) {
      errors.push({ path, message: 'only plain JSON objects are allowed' });
      return;
    }
    const keys: string[] = [];
    // for-in with an early stop: Object.keys would copy a million-key object before we could refuse it.
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      keys.push(key);
      if (keys.length > JSON_LIMITS.maxObjectKeys) break;
    }
    if (keys.length > JSON_LIMITS.maxObjectKeys) {
      errors.push({ path, message: `object has too many keys (more than ${JSON_LIMITS.maxObjectKeys})` });
      return;
    }
    for (const key of keys) {
      const keyPath = childPath(path, key);
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push({ path: keyPath, message: `key "${key}" is not allowed` });
        continue;
      }
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !('value' in descriptor)) {
        errors.push({ path: keyPath, message: 'accessor properties are not allowed' });
        continue;
      }
      walk(descriptor.value, keyPath, depth + 1);
    }
  };

  walk(input, '$', 0);
  return errors;
}
