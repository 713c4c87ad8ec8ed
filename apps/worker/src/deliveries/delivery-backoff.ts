import { backoffDelay } from '#notifications';

/** A failed attempt that should be retried after `retryDelayMs` (already recorded on the delivery row). */
export class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

/**
 * BullMQ backoff strategy: the delay the processor chose and recorded (so `next_attempt_at` on the
 * row is the truth), else exponential with full jitter from `attemptsMade`.
 */
export function deliveryBackoffStrategy(baseMs: number) {
  return (attemptsMade: number, _type?: string, err?: Error): number => {
    // Duck-typed: the error may come from another realm under test runners.
    const chosen = (err as { retryDelayMs?: unknown } | undefined)?.retryDelayMs;
    return typeof chosen === 'number' && chosen >= 0 ? chosen : backoffDelay(attemptsMade, { baseMs });
  };
}
