/**
 * How a delivery (one notification over one channel) is retried. BullMQ counts attempts; the
 * delay between them comes from the custom strategy named here, which the delivery worker
 * registers (exponential with full jitter, see `backoffDelay`).
 */
export const DELIVERY_BACKOFF_STRATEGY = 'convene-delivery';

export const DELIVERY_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: DELIVERY_BACKOFF_STRATEGY },
} as const;
