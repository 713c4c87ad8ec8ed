import { AsyncLocalStorage } from 'node:async_hooks';

/** What a request id may look like (from `X-Request-Id`, else a UUID): safe in logs and job data. */
export const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const storage = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The request id of the work in progress, carried across every `await`: set for an HTTP request by
 * `CarryRequestId` (the id pino-http gave it) and for a job by the worker host (the id in its data).
 * The outbox reads it when it writes a job, so the id travels from the request into every job the
 * request schedules — and into the jobs those jobs schedule.
 */
export const RequestContext = {
  /** Runs `fn` with `requestId` as the current request id (without one: as it is). */
  run<T>(requestId: string | undefined, fn: () => T): T {
    return requestId === undefined ? fn() : storage.run({ requestId }, fn);
  },

  /** The current request id, if there is one. */
  get requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};

/** A request id when `value` is a sane one, else undefined (never logs or forwards anything else). */
export function saneRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : undefined;
}
