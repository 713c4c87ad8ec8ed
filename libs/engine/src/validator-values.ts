import { isValidDuration } from './duration.js';
import type { ValidationError } from './types.js';
import { childPath, describeValue, isNonEmptyString } from './validator-path.js';

/** Case key dates that `due.before`/`due.after` and `keyDateSet` may name. */
export const KNOWN_KEY_DATES = [
  'releaseDate',
  'referralDate',
  'sentenceEndDate',
  'licenceEndDate',
  'exitDate',
  'conferenceDate',
  // Set (any date: when the hold was placed) while a legal hold keeps the case from erasure (docs/governance.md).
  'legalHold',
] as const;

/** User roles that may send an event (a transition's `meta.roles`). */
export const USER_ROLES = ['case_manager', 'agency_staff', 'admin'] as const;

/** A participant role a task is assigned to, e.g. `probation` or `exit_programme`. */
export const PARTICIPANT_ROLE = /^[a-z][a-z0-9_-]{0,62}$/;

/** Pushes an error unless `value` is an ISO 8601 duration; `allowNegative` admits `-P3D`. */
export function checkDuration(
  value: unknown,
  path: string,
  errors: ValidationError[],
  opts: { allowNegative?: boolean } = {},
): void {
  if (typeof value !== 'string') {
    errors.push({ path, message: `must be an ISO 8601 duration such as "P5D", got ${describeValue(value)}` });
    return;
  }
  const negative = value.startsWith('-');
  if (negative && !opts.allowNegative) {
    errors.push({ path, message: `duration "${value}" must not be negative` });
    return;
  }
  const unsigned = negative ? value.slice(1) : value;
  if (!isValidDuration(unsigned)) {
    errors.push({ path, message: `"${value}" is not an ISO 8601 duration such as "P5D", "PT30S" or "P6M"` });
  }
}

/** Pushes an error unless `value` names one of {@link KNOWN_KEY_DATES}. */
export function checkKeyDate(value: unknown, path: string, errors: ValidationError[]): void {
  if (typeof value === 'string' && (KNOWN_KEY_DATES as readonly string[]).includes(value)) return;
  errors.push({
    path,
    message: `unknown key date ${describeValue(value)}; known key dates: ${KNOWN_KEY_DATES.join(', ')}`,
  });
}

/** Pushes an error unless `value` is `{ role: "<participant role>" }`. */
export function checkRoleRef(value: unknown, path: string, errors: ValidationError[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ path, message: 'must be an object such as { "role": "coordinator" }' });
    return;
  }
  const role: unknown = Object.hasOwn(value, 'role') ? (value as Record<string, unknown>).role : undefined;
  if (!isNonEmptyString(role)) {
    errors.push({ path: `${path}.role`, message: 'role is required (the participant role, e.g. "probation")' });
  } else if (!PARTICIPANT_ROLE.test(role)) {
    errors.push({ path: `${path}.role`, message: `role "${role}" must be lower case letters, digits, "_" or "-"` });
  }
  for (const key of Object.keys(value)) {
    if (key !== 'role') errors.push({ path: childPath(path, key), message: `unknown key "${key}" (only "role")` });
  }
}
