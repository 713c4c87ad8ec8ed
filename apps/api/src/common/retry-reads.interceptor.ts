import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { retry, throwError, timer, type Observable } from 'rxjs';
import { isConnectionLoss } from '#core';

const ATTEMPTS = 3;

/**
 * A read whose database connection was taken away (a terminated backend, a failover) is run again
 * on a fresh connection, up to twice: reads change nothing, so the caller just gets its answer. A
 * write that loses its connection answers 503 with `retryable: true` instead — its transaction
 * rolled back whole, and the client resends it (with its `Idempotency-Key`).
 */
@Injectable()
export class RetryReadsOnConnectionLoss implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const method = context.switchToHttp().getRequest<Request>().method;
    if (method !== 'GET' && method !== 'HEAD') return next.handle();
    return next.handle().pipe(
      retry({
        count: ATTEMPTS - 1,
        delay: (error: unknown, attempt) => (isConnectionLoss(error) ? timer(25 * attempt) : throwError(() => error)),
      }),
    );
  }
}
