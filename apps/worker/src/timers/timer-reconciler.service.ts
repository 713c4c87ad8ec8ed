import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QueueService } from '../../../../libs/core/src/queue/queue.service.js';
import { QUEUE } from '../../../../libs/core/src/queue/queue-registry.js';
import { reminderJobId, timerJobId } from '../../../../libs/domain/src/outbox/outbox.js';

/**
 * PostgreSQL is the source of truth for what must fire and when. At start, every pending timer and
 * reminder whose job is missing from the queue (lost Redis, restored backup, a failed job) is
 * scheduled again under the same job id.
 */
@Injectable()
export class TimerReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(TimerReconciler.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: QueueService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const restored = await this.reconcile();
    if (restored.timers + restored.reminders > 0) this.logger.log({ restored }, 'reconciled jobs from PostgreSQL');
  }

  async reconcile(): Promise<{ timers: number; reminders: number }> {
    const timers = (await this.ds.query(
      `SELECT t.id, t.instance_id, t.timer_id, t.event, t.revision, t.fire_at FROM timers t
        WHERE t.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = 'timer.' || t.id::text AND o.relayed_at IS NULL)`,
    )) as Array<{ id: string; instance_id: string; timer_id: string; event: string; revision: number; fire_at: Date }>;
    let restoredTimers = 0;
    for (const t of timers) {
      const id = timerJobId(t.id);
      if (await this.ensure(QUEUE.timers, id)) continue;
      await this.queues.add(
        'timer.fire',
        { instanceId: t.instance_id, timerRowId: t.id, timerId: t.timer_id, event: t.event, revision: t.revision },
        { jobId: id, delay: Math.max(0, new Date(t.fire_at).getTime() - Date.now()) },
      );
      restoredTimers++;
    }
    const reminders = (await this.ds.query(
      `SELECT r.id, r.generation, r.due_at FROM reminders r WHERE r.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = 'reminder.' || r.id::text || '.' || r.generation AND o.relayed_at IS NULL)`,
    )) as Array<{ id: string; generation: number; due_at: Date }>;
    let restoredReminders = 0;
    for (const r of reminders) {
      const id = reminderJobId(r.id, r.generation);
      if (await this.ensure(QUEUE.reminders, id)) continue;
      await this.queues.add(
        'reminder.send',
        { reminderId: r.id, generation: r.generation },
        { jobId: id, delay: Math.max(0, new Date(r.due_at).getTime() - Date.now()) },
      );
      restoredReminders++;
    }
    return { timers: restoredTimers, reminders: restoredReminders };
  }

  /** True when a live job exists; a finished or failed one is removed so it can be added again. */
  private async ensure(queue: (typeof QUEUE)[keyof typeof QUEUE], jobId: string): Promise<boolean> {
    const job = await this.queues.queue(queue).getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed' || state === 'unknown') {
      await job.remove().catch(() => undefined);
      return false;
    }
    return true;
  }
}
