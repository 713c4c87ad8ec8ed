import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { SQL_STATE, isConcurrencyFailure, sqlStateOf } from '../database/sql-state.js';
import { isConnectionLoss } from '../database/connection-loss.js';
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
    // PostgreSQL gave up on this transaction because of another one (deadlock, serialization
    // failure): it rolled back whole, so the same request may simply be sent again.
    return problem('conflict', 409, 'A concurrent change to the same records got in the way; nothing was saved. Try again.', { retryable: true });
  }
  if (isConnectionLoss(error)) {
    // The database connection went away under the request (failover, restart, terminated backend):
    // nothing was committed; the same request may be sent again in a moment.
    return problem('unavailable', 503, 'The database connection was interrupted; nothing was saved. Try again.', { retryable: true });
  }
  if (sqlStateOf(error) === SQL_STATE.uniqueViolation) {
    // Duplicates a user can cause are refused with their own message before they reach here; one
    // that gets this far lost a race with a concurrent request creating the same record.
    return problem('conflict', 409, 'A concurrent request created the same record; nothing was saved. Reload and check.');
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
    const sqlState = sqlStateOf(error);
    if (p.status === 409 && sqlState) this.logger.warn({ err: describeError(error, sqlState) }, 'transaction lost a race with a concurrent one');
    if (p.status >= 500 && p.status !== 503) this.logger.error({ err: describeError(error, sqlState) }, 'unhandled error');
    if (p.status === 503) this.logger.warn({ err: describeError(error, sqlState) }, 'database connection lost under a request');
    if (res.headersSent) return;
    if (p.status === 503) res.setHeader('Retry-After', '1');
    sendProblem(res, p);
  }
}

/**
 * What the log may say about an error. Request data may hold personal data, and PostgreSQL's
 * messages can quote the offending value ('invalid input syntax for type uuid: "…"'), so a database
 * error is described by its SQLSTATE and the schema objects involved, never by its message.
 */
function describeError(error: unknown, sqlState: string | undefined): Record<string, unknown> {
  const e = (error ?? {}) as { name?: string; message?: string; driverError?: Record<string, unknown> } & Record<string, unknown>;
  if (!sqlState) return { type: e.name, message: e.message };
  const source = e.driverError ?? e;
  return { type: e.name, sqlState, table: source.table, column: source.column, constraint: source.constraint, routine: source.routine };
}
