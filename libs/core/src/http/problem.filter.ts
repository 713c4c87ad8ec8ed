import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './domain-error.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from './problem.js';

const STATUS_CODE: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Maps every error to RFC 9457 problem JSON. Unknown errors become a bare 500: no stack, no message. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) return problem(error.code, error.status, error.detail, error.extra);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail =
      typeof body === 'object' && body && 'message' in body && typeof body.message === 'string'
        ? body.message
        : error.message;
    return problem(STATUS_CODE[status] ?? 'error', status, sanitiseDetail(status, detail));
  }
  if (isConcurrencyFailure(error)) {
    return problem('conflict', 409, 'A concurrent change to the same records got in the way; nothing was saved. Try again.', { retryable: true });
  }
  const status = httpStatusOf(error);
  if (status && status >= 400 && status < 500) {
    // body-parser and friends: a malformed or oversized body.
    const detail =
      status === 413 ? 'Request body is too large' : status === 400 ? 'Request body is not valid JSON' : 'Bad request';
    return problem(STATUS_CODE[status] ?? 'bad_request', status, detail);
  }
  return problem('internal', 500, 'Something went wrong on our side. It has been logged.', { title: 'Internal error' });
}

/**
 * PostgreSQL gave up on this transaction because of another one (deadlock detected, serialization
 * failure): it rolled back whole, so the caller may simply retry. Said as a 409, not a 500.
 */
function isConcurrencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || !error) return false;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return code === '40P01' || code === '40001';
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error && 'status' in error && typeof error.status === 'number') return error.status;
  return undefined;
}

function sanitiseDetail(status: number, detail: string): string {
  // Nest's "Cannot GET /x" names the path; fine. Anything else from Nest is already user-facing.
  return status === 404 && !detail ? 'Not found' : detail;
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const p = toProblem(error);
    if (p.status >= 500) {
      // Message and error type only: request data may hold personal data.
      this.logger.error({ err: { type: (error as Error)?.name, message: (error as Error)?.message } }, 'unhandled error');
    }
    if (res.headersSent) return;
    sendProblem(res, p);
  }
}
