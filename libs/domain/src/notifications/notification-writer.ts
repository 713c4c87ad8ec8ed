import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import { one, type Db } from '../db.js';
import { deliveryJobId, enqueue, type OutboxMessage } from '../outbox/outbox.js';

export interface NotificationInput {
  caseId: string;
  agencyId: string;
  kind: string;
  title: string;
  taskId?: string | null;
  conferenceId?: string | null;
  reminderId?: string | null;
  dueAt?: Date | null;
  /** Why it was sent: pathway, version, state, task, offset… shown to the recipient on request. */
  rule: Record<string, unknown>;
  /** Makes creation idempotent: the same key never creates a second notification. */
  dedupeKey: string;
}

/**
 * Creates an in-app notification and one delivery per external channel the agency has (webhook,
 * email), each relayed to the deliveries queue through the outbox. Messages carry a link, never
 * case content.
 */
@Injectable()
export class NotificationWriter {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  linkFor(input: { caseId: string; taskId?: string | null; conferenceId?: string | null }): string {
    const base = `${this.config.publicUrl}/cases/${input.caseId}`;
    if (input.taskId) return `${base}?task=${input.taskId}`;
    if (input.conferenceId) return `${base}?conference=${input.conferenceId}`;
    return base;
  }

  /** Returns the notification id, or undefined when the dedupe key was already used. */
  async create(tx: Db, input: NotificationInput): Promise<string | undefined> {
    const created = await one<{ id: string; email: string | null; webhook_url: string | null }>(
      tx,
      `WITH n AS (
         INSERT INTO notifications (case_id, agency_id, kind, title, link, task_id, conference_id, reminder_id, due_at, rule, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, agency_id)
       SELECT n.id, a.email, a.webhook_url FROM n JOIN agencies a ON a.id = n.agency_id`,
      [
        input.caseId,
        input.agencyId,
        input.kind,
        input.title,
        this.linkFor(input),
        input.taskId ?? null,
        input.conferenceId ?? null,
        input.reminderId ?? null,
        input.dueAt ?? null,
        JSON.stringify(input.rule),
        input.dedupeKey,
      ],
    );
    if (!created) return undefined;
    const channels = [created.webhook_url ? 'webhook' : null, created.email ? 'email' : null].filter(
      (c): c is string => c !== null,
    );
    if (channels.length > 0) {
      const rows = (await tx.query(
        `INSERT INTO deliveries (notification_id, channel) SELECT $1, unnest($2::text[]) RETURNING id`,
        [created.id, channels],
      )) as Array<{ id: string }>;
      const messages: OutboxMessage[] = rows.map((r) => ({
        kind: 'add',
        job: 'delivery.send',
        jobId: deliveryJobId(r.id),
        payload: { deliveryId: r.id },
      }));
      await enqueue(tx, messages);
    }
    return created.id;
  }
}
