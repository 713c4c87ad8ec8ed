import { many, one, type Db } from '../db.js';
import { UNSETTLED_PAGE, unsettledParams, type UnsettledPage } from '../reconcile/reconcile.repository.js';

/** One delivery with what sending it needs: the notification, its agency and the case reference. */
export interface DeliveryToSend {
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

/** What one attempt to send a delivery came to. */
export interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

/** A delivery with what sending it needs (`DeliveryToSend`, plus agencyActive and withheld); `$2` the secret rotation window in hours. */
const SENDING = `SELECT d.id, d.channel, d.status, d.attempts, n.id AS "notificationId", n.kind, n.title, n.link,
              n.case_id AS "caseId", c.reference AS "caseReference", n.task_id AS "taskId", n.conference_id AS "conferenceId",
              n.due_at AS "dueAt", n.rule, n.agency_id AS "agencyId", a.email, a.webhook_url AS "webhookUrl",
              a.webhook_secret AS "webhookSecret", a.active AS "agencyActive",
              CASE WHEN a.webhook_secret_changed_at > now() - make_interval(hours => $2) THEN a.previous_webhook_secret END AS "previousWebhookSecret",
              a.locale, a.timezone, f.scheduled_at AS "conferenceAt",
              (c.status = 'erased' OR (c.lawful_basis = 'none' AND c.lead_agency_id <> n.agency_id)) AS "withheld",
              t.spec->'titles' AS titles
         FROM deliveries d
         JOIN notifications n ON n.id = d.notification_id
         JOIN cases c ON c.id = n.case_id
         JOIN agencies a ON a.id = n.agency_id
         LEFT JOIN conferences f ON f.id = n.conference_id
         LEFT JOIN tasks t ON t.id = n.task_id`;

/**
 * Owner of `deliveries` (one notification over one external channel): created with their
 * notification in the domain, their attempts recorded by the worker.
 */
export const DeliveryRepository = {
  /** One pending delivery per channel; returns their ids. */
  async insertForChannels(db: Db, notificationId: string, channels: string[]): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `INSERT INTO deliveries (notification_id, channel) SELECT $1, unnest($2::text[]) RETURNING id`,
      [notificationId, channels],
    );
    return rows.map((r) => r.id);
  },

  /** Pending deliveries for a batch of notifications, one per (notification, channel); returns them. */
  async insertMany(db: Db, rows: ReadonlyArray<{ notificationId: string; channel: string }>): Promise<Array<{ id: string; notificationId: string }>> {
    if (rows.length === 0) return [];
    return many<{ id: string; notificationId: string }>(
      db,
      `INSERT INTO deliveries (notification_id, channel) SELECT * FROM unnest($1::uuid[], $2::text[])
       RETURNING id, notification_id AS "notificationId"`,
      [rows.map((r) => r.notificationId), rows.map((r) => r.channel)],
    );
  },

  /**
   * The delivery with its notification, agency (and whether it is still active), case, conference
   * and task; the agency's previous webhook secret only within `rotationHours` of its change.
   */
  async forSending(db: Db, deliveryId: string, rotationHours: number): Promise<(DeliveryToSend & { agencyActive: boolean; withheld: boolean }) | undefined> {
    return one<DeliveryToSend & { agencyActive: boolean; withheld: boolean }>(
      db,
      `${SENDING}
        WHERE d.id = $1`,
      [deliveryId, rotationHours],
    );
  },

  /** `forSending` for a batch of deliveries, in one statement. */
  async forSendingMany(db: Db, deliveryIds: readonly string[], rotationHours: number): Promise<Array<DeliveryToSend & { agencyActive: boolean; withheld: boolean }>> {
    if (deliveryIds.length === 0) return [];
    return many<DeliveryToSend & { agencyActive: boolean; withheld: boolean }>(
      db,
      `${SENDING}
        WHERE d.id = ANY($1::uuid[])`,
      [deliveryIds, rotationHours],
    );
  },

  /** A delivery still to send whose agency was deactivated is `skipped`, never sent. */
  async skipForInactiveAgency(db: Db, deliveryId: string): Promise<void> {
    await many(
      db,
      `UPDATE deliveries SET status = 'skipped', last_error = 'the agency is inactive', next_attempt_at = NULL
        WHERE id = $1 AND status IN ('pending', 'retrying')`,
      [deliveryId],
    );
  },

  /** A delivery still to send about a case with no lawful basis any more (or erased) is `skipped`, never sent (docs/governance.md). */
  async skipWithheld(db: Db, deliveryId: string): Promise<void> {
    await many(
      db,
      `UPDATE deliveries SET status = 'skipped', last_error = 'withheld: no lawful basis for sharing', next_attempt_at = NULL
        WHERE id = $1 AND status IN ('pending', 'retrying')`,
      [deliveryId],
    );
  },

  async recordDelivered(db: Db, deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await many(
      db,
      `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL,
              next_attempt_at = NULL, delivered_at = now() WHERE id = $1`,
      [deliveryId, outcome.status ?? null],
    );
  },

  /** `recordDelivered` for a batch of deliveries, in one statement. */
  async recordDeliveredMany(db: Db, delivered: ReadonlyArray<{ id: string; status: number | null }>): Promise<void> {
    if (delivered.length === 0) return;
    await many(
      db,
      `UPDATE deliveries d SET status = 'delivered', attempts = d.attempts + 1, last_status = x.status, last_error = NULL,
              next_attempt_at = NULL, delivered_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS x(id, status) WHERE d.id = x.id`,
      [delivered.map((d) => d.id), delivered.map((d) => d.status)],
    );
  },

  /** A failed attempt: `retrying` with the next attempt's time, or `dead` when `retryInMs` is null (the last one). */
  async recordFailed(db: Db, deliveryId: string, outcome: AttemptOutcome, retryInMs: number | null): Promise<void> {
    await many(
      db,
      `UPDATE deliveries SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4,
              next_attempt_at = CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int / 1000.0) END
        WHERE id = $1 AND status <> 'delivered'`,
      [deliveryId, retryInMs === null ? 'dead' : 'retrying', outcome.status ?? null, (outcome.error ?? 'failed').slice(0, 500), retryInMs],
    );
  },

  /** Deliveries pending (due when created) or retrying (due at their next attempt) whose job is not waiting in the outbox (reconciler). */
  async unsettled(db: Db, page: UnsettledPage): Promise<Array<{ id: string; due: Date }>> {
    return many<{ id: string; due: Date }>(
      db,
      `SELECT id, due FROM (SELECT id, coalesce(next_attempt_at, created_at) AS due, 'delivery.' || id::text AS job_id
                              FROM deliveries WHERE status IN ('pending', 'retrying')) x WHERE ${UNSETTLED_PAGE}`,
      unsettledParams(page),
    );
  },

  /** Erasure: the case's deliveries keep their status and attempts, not their errors; those still to send are skipped. */
  async eraseForCase(db: Db, caseId: string): Promise<void> {
    await many(
      db,
      `UPDATE deliveries d SET last_error = CASE WHEN d.status IN ('pending', 'retrying') THEN 'the case was erased' ELSE NULL END,
              status = CASE WHEN d.status IN ('pending', 'retrying') THEN 'skipped' ELSE d.status END,
              next_attempt_at = CASE WHEN d.status IN ('pending', 'retrying') THEN NULL ELSE d.next_attempt_at END
         FROM notifications n WHERE n.id = d.notification_id AND n.case_id = $1`,
      [caseId],
    );
  },

  /**
   * CTE body: one pending delivery per external channel of each notification in CTE
   * `notifications` (its `id`, `agency_id`), webhook before email as `insertForChannels`; RETURNING id.
   */
  insertForNotificationsCte(notifications: string): string {
    return `INSERT INTO deliveries (notification_id, channel)
            SELECT n.id, ch.channel FROM ${notifications} n JOIN agencies a ON a.id = n.agency_id
             CROSS JOIN LATERAL (VALUES (1, 'webhook', a.webhook_url IS NOT NULL), (2, 'email', a.email IS NOT NULL)) AS ch(k, channel, present)
             WHERE ch.present ORDER BY n.id, ch.k
            RETURNING id`;
  },
};
