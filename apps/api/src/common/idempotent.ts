import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Db, IdempotencyService, OnceCall, RunOnce } from '#domain';
import type { AuthedRequest } from '../auth/auth.decorators.js';

/** What makes a request replayable: who sent it, the `Idempotency-Key` they gave, and what they asked. */
export interface Replayable {
  userId: string;
  key: string | undefined;
  request: { method: string; route: string | undefined; params: unknown; body: unknown; [more: string]: unknown };
  res: Response;
}

/** The caller's request as a {@link Replayable} (for `once`). */
export const ReplayableRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): Replayable => {
  const http = ctx.switchToHttp();
  const req = http.getRequest<AuthedRequest>();
  const header = req.headers['idempotency-key'];
  return {
    userId: req.actor!.userId,
    key: Array.isArray(header) ? header[0] : header,
    request: { method: req.method, route: (req.route as { path?: string } | undefined)?.path, params: req.params, body: req.body as unknown },
    res: http.getResponse<Response>(),
  };
});

/** OpenAPI for the header every creating or changing POST accepts. */
export const ApiIdempotent = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeated key (per user) returns the first response and changes nothing; the same key with a different request → 422',
  });

/**
 * Runs a creating or changing request as one unit of work, done once per `Idempotency-Key` of the
 * caller: the one mechanism behind every such POST (`IdempotencyService`, keys claimed before the
 * work). A replay answers `Idempotent-Replayed: true`; `beforeReplay` re-checks that the caller may
 * still see what it once got.
 */
export async function once<T>(
  idempotency: IdempotencyService,
  call: Replayable,
  work: (tx: Db) => Promise<T>,
  beforeReplay?: () => Promise<unknown>,
): Promise<T> {
  const result = await idempotency.run(call.userId, call.key, call.request, work, {
    beforeReplay: beforeReplay ? async () => void (await beforeReplay()) : undefined,
  });
  if (result.replayed) call.res.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}

/** The request's {@link once} as the `RunOnce` a use case takes. */
export function runOnce(idempotency: IdempotencyService, call: Replayable): RunOnce {
  return (work, beforeReplay) => once(idempotency, call, work, beforeReplay);
}

/**
 * The request's {@link OnceCall}: `once`, and the key (validated, with the request's hash) for a
 * use case that claims it in a write of its own, answering `Idempotent-Replayed: true` on a replay.
 */
export function onceCall(idempotency: IdempotencyService, call: Replayable): OnceCall {
  return {
    once: runOnce(idempotency, call),
    key: idempotency.keyRef(call.userId, call.key, call.request),
    markReplayed: () => void call.res.setHeader('Idempotent-Replayed', 'true'),
  };
}
