/*
 * Checked indexed access under `noUncheckedIndexedAccess` (the bench's copy of tests/support/defined.ts:
 * the bench is built without tests/): the element, or an error that says what was missing.
 */

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
