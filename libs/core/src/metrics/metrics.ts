import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Convene's Prometheus metrics, one registry per process (`GET /metrics` serves it). Names follow
 * Prometheus conventions: base units (seconds), `_total` for counters. Labels are bounded sets
 * (route templates, queue names, channels, outcomes) — never ids or anything a user typed.
 */
export const metricsRegistry = new Registry();

const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export const httpRequestDuration = new Histogram({
  name: 'convene_http_request_duration_seconds',
  help: 'HTTP request durations by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const queueJobs = new Gauge({
  name: 'convene_queue_jobs',
  help: 'Jobs per queue and state (waiting, delayed, active, failed), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

export const outboxUnrelayed = new Gauge({
  name: 'convene_outbox_unrelayed',
  help: 'Outbox rows committed but not yet relayed to the queue, read at scrape time',
  registers: [metricsRegistry],
});

export const deliveriesTotal = new Counter({
  name: 'convene_deliveries_total',
  help: 'Delivery attempts of notifications by channel and outcome (delivered, retried, dead)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const timerLateness = new Histogram({
  name: 'convene_timer_lateness_seconds',
  help: 'Pathway timers: time fired minus time due',
  buckets: LATENESS_BUCKETS,
  registers: [metricsRegistry],
});

export const reminderLateness = new Histogram({
  name: 'convene_reminder_lateness_seconds',
  help: 'Reminders: time turned into a notification minus time due',
  buckets: LATENESS_BUCKETS,
  registers: [metricsRegistry],
});

export const reconcilerRepairs = new Counter({
  name: 'convene_reconciler_repairs_total',
  help: 'Jobs the reconciler re-armed from PostgreSQL because the queue had lost, failed or stalled them, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** Seconds between two instants, never negative (a job picked up early is not "late"). */
export const secondsLate = (firedAt: Date, dueAt: Date) => Math.max(0, (firedAt.getTime() - dueAt.getTime()) / 1000);
