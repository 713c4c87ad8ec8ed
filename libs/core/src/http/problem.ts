import { ERROR_TITLE, type FieldError } from './domain-error.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

const TYPE_BASE = 'https://convene.dev/problems/';

/** `code`: an `ErrorCode` (which has a title) or any other problem code. */
export function problem(code: string, status: number, detail: string, extra: Record<string, unknown> = {}): Problem {
  const title = (ERROR_TITLE as Record<string, string>)[code] ?? 'Error';
  return { type: TYPE_BASE + code.replace(/_/g, '-'), title, status, detail, ...extra };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
