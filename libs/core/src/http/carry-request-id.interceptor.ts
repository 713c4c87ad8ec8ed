import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { RequestContext, saneRequestId } from '../logging/request-context.js';

/**
 * Makes the request id pino-http gave the request (`req.id`, also in its logs and the
 * `X-Request-Id` header) the current one while its handler runs, so the jobs it schedules through
 * the outbox carry it. Nest binds the handler to the async context in which `handle()` is called.
 */
@Injectable()
export class CarryRequestId implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const id = context.switchToHttp().getRequest<{ id?: unknown }>().id;
    return RequestContext.run(saneRequestId(typeof id === 'number' ? String(id) : id), () => next.handle());
  }
}
