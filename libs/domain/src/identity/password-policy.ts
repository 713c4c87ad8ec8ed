import { DomainError, type FieldError } from '#core';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Rules for a new password (NIST SP 800-63B style: length over composition rules). It may not
 * contain the owner's email local part or a word of their name (3+ letters): those are the first
 * guesses of anyone who knows them. Existing passwords (the bootstrap admin's too) keep working.
 */
export function passwordProblems(password: string, owner: { email: string; name: string }, path = '$.password'): FieldError[] {
  const problems: FieldError[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push({ path, message: `at least ${PASSWORD_MIN_LENGTH} characters` });
  if (password.length > PASSWORD_MAX_LENGTH) problems.push({ path, message: `at most ${PASSWORD_MAX_LENGTH} characters` });
  const lower = password.normalize('NFKC').toLowerCase();
  const local = owner.email.split('@')[0]!.toLowerCase();
  if (local.length >= 3 && lower.includes(local)) problems.push({ path, message: 'must not contain your email address' });
  const words = owner.name
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
  if (words.some((w) => lower.includes(w))) problems.push({ path, message: 'must not contain your name' });
  return problems;
}

export function assertPasswordAcceptable(password: string, owner: { email: string; name: string }, path?: string): void {
  const errors = passwordProblems(password, owner, path);
  if (errors.length) throw new DomainError('unprocessable', 'The new password is too weak', { errors });
}
