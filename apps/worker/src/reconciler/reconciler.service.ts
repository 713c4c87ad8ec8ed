import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock, JOB_QUEUE, type JobName, type JobPayloads, QueueService, reconcilerRepairs } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Db, deliveryJobId, DeliveryRepository, JOB_OPTIONS, ReconcileRepository, reminderJobId, ReminderRepository, timerJobId } from '#domain';

export type RepairKind = 'timer' | 'reminder' | 'delivery';
export type Repairs = Record<RepairKind, number>;

/** A row that must become a job: what the queue should hold for it. */
interface Armed<J extends JobName = JobName> {
  job: J;
  jobId: string;
  payload: JobPayloads[J];
  dueAt: Date;
}

/** Rows looked at per kind and pass: a pass stays short however large the backlog. */
const SWEEP_LIMIT = 500;
/** Rows re-armed per statement when the queue lost everything. */
const REARM_BATCH = 1000;
/** Job states in which the queue will still run the job by itself. */
const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

const none = (): Repairs => ({ timer: 0, reminder: 0, delivery: 0 });

/**
 * PostgreSQL is the source of truth for everything that must happen; the queue only carries it.
 * The reconciler proves that continuously, in every worker process, one pass at a time (an advisory
 * lock): at start, every `RECONCILE_INTERVAL_MS`, and as soon as the queue backend answers again
 * after an outage.
 *
 * - **The queue lost its data** (Redis failover, restart without persistence: its epoch marker is
 *   gone), and at start: every pending timer and reminder and every unsettled delivery is added
 *   again, in bulk and under its usual job id (a job the queue still holds is left as it is), then
 *   a new marker is written.
 * - **Every pass** sweeps what should have run by now and has not — pending timers and reminders
 *   and deliveries pending or retrying more than one interval past their time — and re-arms those
 *   whose job is missing, finished or failed (BullMQ gave up: stalled too often, retries spent on an
 *   unreachable database). A job still waiting, delayed or running is left alone.
 *
 * Re-arming is harmless: processors re-read the row and do nothing when it has moved on, and a
 * delivery keeps its id, so a receiver sees at most the same `X-Convene-Delivery` again.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reconciler');
  private interval?: NodeJS.Timeout;
  private running?: Promise<Repairs>;
  private again = false;
  private atStart = true;
  private stopListening?: () => void;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopListening = this.queues.connection.link.onRestored(() => void this.run());
    this.interval = setInterval(() => void this.run(), this.config.reconcileIntervalMs);
    this.interval.unref();
    await this.run();
  }

  onApplicationShutdown(): void {
    clearInterval(this.interval);
    this.stopListening?.();
  }

  /** One pass now (or right after the one running); never throws — failures are logged and retried next time. */
  run(): Promise<Repairs> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      const total = none();
      try {
        do {
          this.again = false;
          const repaired = await this.pass();
          for (const kind of Object.keys(total) as RepairKind[]) total[kind] += repaired[kind];
        } while (this.again);
      } catch (error) {
        this.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'reconciler pass failed; will retry');
      } finally {
        this.running = undefined;
      }
      return total;
    })();
    return this.running;
  }

  /** One pass; returns what it re-armed, by kind. */
  async pass(): Promise<Repairs> {
    // With the queue down there is nothing to repair into; the link calls back when it answers.
    if (!(await this.queues.ping())) return none();
    const result = await this.ds.transaction(async (tx) => {
      // One pass at a time across every worker process.
      if (!(await ReconcileRepository.tryLockPass(tx))) return undefined;
      const lost = (await this.queues.connection.epoch()) === undefined;
      // At start too: whatever happened while no worker ran (a flushed Redis, a job removed by hand) is healed at once.
      const everything = lost || this.atStart;
      const repairs = everything ? await this.rearmEverything(tx) : none();
      if (lost) await this.queues.connection.markEpoch();
      const swept = await this.sweep(tx);
      for (const kind of Object.keys(repairs) as RepairKind[]) repairs[kind] += swept[kind];
      return { repairs, lost, everything };
    });
    if (!result) return none();
    this.atStart = false;
    const { repairs, lost, everything } = result;
    // At start, re-adding jobs the queue still holds changes nothing: only a sweep's or a data loss's count as repairs.
    if (!everything || lost) for (const kind of Object.keys(repairs) as RepairKind[]) if (repairs[kind] > 0) reconcilerRepairs.inc({ kind }, repairs[kind]);
    if (lost || (!everything && repairs.timer + repairs.reminder + repairs.delivery > 0)) {
      this.logger.log({ repairs, queueDataLost: lost }, lost ? 're-armed every pending job: the queue had lost its data' : 're-armed jobs the queue had lost');
    }
    return repairs;
  }

  /** The queue lost its data: everything pending is added again (existing job ids are kept as they are). */
  private async rearmEverything(tx: Db): Promise<Repairs> {
    const repairs = none();
    for (const kind of Object.keys(repairs) as RepairKind[]) {
      let after: Date | undefined;
      let afterId = '';
      for (;;) {
        const rows = await this.unsettled(tx, kind, { after, afterId, limit: REARM_BATCH });
        if (rows.length === 0) break;
        await this.arm(rows);
        repairs[kind] += rows.length;
        after = rows[rows.length - 1]!.dueAt;
        afterId = rows[rows.length - 1]!.rowId;
        if (rows.length < REARM_BATCH) break;
      }
    }
    return repairs;
  }

  /** Rows overdue by more than one interval whose job is not going to run: armed again. */
  private async sweep(tx: Db): Promise<Repairs> {
    const repairs = none();
    const graceMs = this.config.reconcileIntervalMs;
    for (const kind of Object.keys(repairs) as RepairKind[]) {
      const overdue = await this.unsettled(tx, kind, { before: new Date(this.clock.now().getTime() - graceMs), limit: SWEEP_LIMIT });
      const stranded: Array<Armed & { rowId: string }> = [];
      for (const row of overdue) if (!(await this.live(row))) stranded.push(row);
      await this.arm(stranded);
      repairs[kind] = stranded.length;
    }
    return repairs;
  }

  /**
   * Unsettled rows of one kind in due order, whose job is not still waiting in the outbox:
   * pending timers and reminders, deliveries pending (due when created) or retrying (due at their
   * next attempt). `before` keeps the overdue ones; `after`/`afterId` pages through all of them.
   */
  private async unsettled(
    tx: Db,
    kind: RepairKind,
    opts: { before?: Date; after?: Date; afterId?: string; limit: number },
  ): Promise<Array<Armed & { rowId: string }>> {
    if (kind === 'timer') {
      const rows = await ReconcileRepository.unsettledTimers(tx, opts);
      return rows.map((t) => ({
        rowId: t.id,
        job: 'timer.fire',
        jobId: timerJobId(t.id),
        payload: { instanceId: t.instanceId, timerRowId: t.id, timerId: t.timerId, event: t.event, revision: t.revision },
        dueAt: t.due,
      }));
    }
    if (kind === 'reminder') {
      const rows = await ReminderRepository.unsettled(tx, opts);
      return rows.map((r) => ({ rowId: r.id, job: 'reminder.send', jobId: reminderJobId(r.id, r.generation), payload: { reminderId: r.id, generation: r.generation }, dueAt: r.due }));
    }
    const rows = await DeliveryRepository.unsettled(tx, opts);
    return rows.map((d) => ({ rowId: d.id, job: 'delivery.send', jobId: deliveryJobId(d.id), payload: { deliveryId: d.id }, dueAt: d.due }));
  }

  /** True when the queue holds a job for the row that it will still run; a finished or failed one is removed. */
  private async live(row: Armed): Promise<boolean> {
    const job = await this.queues.queue(JOB_QUEUE[row.job]).getJob(row.jobId);
    if (!job) return false;
    if (LIVE_STATES.has(await job.getState())) return true;
    await job.remove().catch(() => undefined);
    return false;
  }

  /** Adds the jobs under their usual ids and options, due when their rows say. */
  private async arm(rows: Armed[]): Promise<void> {
    const now = this.clock.now().getTime();
    const byQueue = new Map<string, Parameters<QueueService['addBulk']>[1]>();
    for (const row of rows) {
      const queue = JOB_QUEUE[row.job];
      if (!byQueue.has(queue)) byQueue.set(queue, []);
      byQueue.get(queue)!.push({
        name: row.job,
        data: row.payload,
        opts: { ...JOB_OPTIONS[row.job], jobId: row.jobId, delay: Math.max(0, new Date(row.dueAt).getTime() - now) },
      });
    }
    for (const [queue, jobs] of byQueue) await this.queues.addBulk(queue as Parameters<QueueService['addBulk']>[0], jobs);
  }
}
