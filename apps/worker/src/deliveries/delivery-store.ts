import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one } from '../../../../libs/domain/src/db.js';
import { SECRET_ROTATION_HOURS } from '../../../../libs/domain/src/identity/agency.service.js';

/** One delivery with what sending it needs: the notification, its agency and the case reference. */
export interface DeliveryRow {
  id: string;
  channel: 'webhook' | 'email';
  status: 'pending' | 'delivered' | 'retrying' | 'dead';
  attempts: number;
  notificationId: string;
  kind: string;
  title: string;
  link: string;
  caseId: string;
  caseReference: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: Date | null;
  rule: Record<string, unknown> | null;
  agencyId: string;
  email: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** The secret before the last change, only within the rotation window (SECRET_ROTATION_HOURS). */
  previousWebhookSecret: string | null;
  locale: string;
  timezone: string;
  conferenceAt: Date | null;
  /** The task's title per language, when its definition gives them. */
  titles: Record<string, string> | null;
}

export interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Reads deliveries and records each attempt; short statements, no transaction held across I/O. */
@Injectable()
export class DeliveryStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The delivery and what sending it needs; undefined when there is nothing to send. A delivery to
   * an agency deactivated since is recorded as `skipped` here, at send time, and never sent.
   */
  async load(deliveryId: string): Promise<DeliveryRow | undefined> {
    const row = await one<DeliveryRow & { agencyActive: boolean }>(
      this.ds.manager,
      `SELECT d.id, d.channel, d.status, d.attempts, n.id AS "notificationId", n.kind, n.title, n.link,
              n.case_id AS "caseId", c.reference AS "caseReference", n.task_id AS "taskId", n.conference_id AS "conferenceId",
              n.due_at AS "dueAt", n.rule, n.agency_id AS "agencyId", a.email, a.webhook_url AS "webhookUrl",
              a.webhook_secret AS "webhookSecret", a.active AS "agencyActive",
              CASE WHEN a.webhook_secret_changed_at > now() - make_interval(hours => $2) THEN a.previous_webhook_secret END AS "previousWebhookSecret",
              a.locale, a.timezone, f.scheduled_at AS "conferenceAt",
              t.spec->'titles' AS titles
         FROM deliveries d
         JOIN notifications n ON n.id = d.notification_id
         JOIN cases c ON c.id = n.case_id
         JOIN agencies a ON a.id = n.agency_id
         LEFT JOIN conferences f ON f.id = n.conference_id
         LEFT JOIN tasks t ON t.id = n.task_id
        WHERE d.id = $1`,
      [deliveryId, SECRET_ROTATION_HOURS],
    );
    if (row && !row.agencyActive && (row.status === 'pending' || row.status === 'retrying')) {
      await this.ds.query(
        `UPDATE deliveries SET status = 'skipped', last_error = 'the agency is inactive', next_attempt_at = NULL
          WHERE id = $1 AND status IN ('pending', 'retrying')`,
        [deliveryId],
      );
      return undefined;
    }
    if (!row) return undefined;
    const { agencyActive: _active, ...delivery } = row;
    return delivery;
  }

  async delivered(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await this.ds.query(
      `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL,
              next_attempt_at = NULL, delivered_at = now() WHERE id = $1`,
      [deliveryId, outcome.status ?? null],
    );
  }

  /** Records a failed attempt: `retrying` with the next attempt's time, or `dead` after the last one. */
  async failed(deliveryId: string, outcome: AttemptOutcome, retryInMs: number | null): Promise<void> {
    await this.ds.query(
      `UPDATE deliveries SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4,
              next_attempt_at = CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int / 1000.0) END
        WHERE id = $1 AND status <> 'delivered'`,
      [deliveryId, retryInMs === null ? 'dead' : 'retrying', outcome.status ?? null, (outcome.error ?? 'failed').slice(0, 500), retryInMs],
    );
  }
}
