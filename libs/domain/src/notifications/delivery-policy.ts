/**
 * How a delivery (one notification over one channel) is retried. The delivery row counts the
 * attempts and decides when one is the last (`DELIVERY_MAX_ATTEMPTS`: then it is `dead`, shown on
 * the case); BullMQ only carries the job, with the delay between attempts from the custom strategy
 * named here (exponential with full jitter, see `backoffDelay`). A job BullMQ gives up on for its
 * own reasons (stalled too often, a worker killed twice) leaves its row due, and the reconciler
 * arms it again.
 */
export const DELIVERY_BACKOFF_STRATEGY = 'convene-delivery';

export const DELIVERY_MAX_ATTEMPTS = 8;

export const DELIVERY_JOB_OPTIONS = {
  attempts: DELIVERY_MAX_ATTEMPTS,
  backoff: { type: DELIVERY_BACKOFF_STRATEGY },
} as const;
