import { backoffDelay } from '#notifications';

const DEFAULT_BASE_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 10_000;

const positive = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
};

/**
 * Delivery timing knobs, read from the environment at start: `DELIVERY_BACKOFF_BASE_MS` (first
 * retry waits up to this long, doubling each time, default 5 s) and `DELIVERY_TIMEOUT_MS` (how long
 * a webhook receiver may take to answer, default 10 s). Tests shorten both.
 */
export function deliveryTiming(env: NodeJS.ProcessEnv = process.env): { baseMs: number; timeoutMs: number } {
  return {
    baseMs: positive(env.DELIVERY_BACKOFF_BASE_MS, DEFAULT_BASE_MS),
    timeoutMs: positive(env.DELIVERY_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
  };
}

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
