import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type pg from 'pg';
import type { AnyWorker, QueueConnection } from '../../libs/core/src/queue/queue-backend.js';
import { QUEUE, type JobPayloads } from '../../libs/core/src/queue/queue-registry.js';
import { deliverWebhook, webhookPayload } from '../../libs/notifications/src/index.js';

/**
 * Stands in for the worker's reminder delivery while the app has none: takes `reminder.send` jobs
 * off the real reminders queue, claims the pending row, and POSTs the contract's webhook body to
 * the agency. One hop (no notification row, no deliveries queue), so it flatters the real pipeline.
 */
export function startStandInReminderWorker(conn: QueueConnection, pool: pg.Pool, concurrency: number): AnyWorker {
  return conn.makeWorker(
    QUEUE.reminders,
    async (job: Job) => {
      const { reminderId, generation } = job.data as JobPayloads['reminder.send'];
      const { rows } = await pool.query<{
        task_id: string;
        case_id: string;
        reference: string;
        agency_id: string;
        webhook_url: string | null;
      }>(
        `UPDATE reminders r SET status = 'sent', sent_at = now(), updated_at = now()
           FROM agencies a, cases c
          WHERE r.id = $1 AND r.generation = $2 AND r.status = 'pending' AND a.id = r.agency_id AND c.id = r.case_id
          RETURNING r.task_id, r.case_id, c.reference, a.id AS agency_id, a.webhook_url`,
        [reminderId, generation],
      );
      const row = rows[0];
      if (!row?.webhook_url) return 'skipped';
      const body = webhookPayload({
        id: randomUUID(),
        kind: 'reminder',
        agencyId: row.agency_id,
        caseId: row.case_id,
        caseReference: row.reference,
        taskId: row.task_id,
        title: 'Reminder bench task',
        link: `http://127.0.0.1/cases/${row.case_id}?task=${row.task_id}`,
      });
      const result = await deliverWebhook({ url: row.webhook_url, body, deliveryId: reminderId });
      if (!result.ok) throw new Error(result.error ?? 'webhook failed');
      return 'sent';
    },
    { concurrency },
  );
}
