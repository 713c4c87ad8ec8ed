/*
 * Checked access for tests under `noUncheckedIndexedAccess` (bench/support/defined.ts is the bench's copy):
 * each returns the value or throws an error that says what was missing (instead of a later "cannot read
 * properties of undefined").
 */

/** `value`, or an error naming `what` when it is undefined or null. */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be defined, got ${String(value)}`);
  return value;
}

/** The element at `index` of `list` (negative counts from the end); throws when there is none. */
export function at<T>(list: readonly T[], index: number, what = 'list'): T {
  const value = list.at(index);
  if (value === undefined) throw new Error(`${what}: no element at index ${index} (length ${list.length})`);
  return value;
}

/** The first element of `list`; throws when it is empty. */
export function firstOf<T>(list: readonly T[], what = 'list'): T {
  return at(list, 0, what);
}
