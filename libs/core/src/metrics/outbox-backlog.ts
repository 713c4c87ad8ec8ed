/**
 * How many outbox rows wait for the relay. Core reads no tables: the domain provides this function
 * under `OUTBOX_BACKLOG` (its outbox repository), and the metrics collector calls it at scrape time.
 */
export type OutboxBacklog = () => Promise<number>;

export const OUTBOX_BACKLOG = Symbol('OUTBOX_BACKLOG');
