import { many, one, single, type CteInput, type Db } from '../db.js';
import type { RuleLike } from './notification-why.js';

/** A notification to write: `link` already resolved, `rule` stored as JSON. */
export interface NotificationRecord {
  caseId: string;
  agencyId: string;
  kind: string;
  title: string;
  link: string;
  taskId: string | null;
  conferenceId: string | null;
  reminderId: string | null;
  dueAt: Date | null;
  rule: Record<string, unknown>;
  dedupeKey: string;
}

/** A notification a one-statement write creates (`insertCte`), its id chosen by the writer. */
export interface PlannedNotification {
  id: string;
  case_id: string;
  agency_id: string;
  kind: string;
  title: string;
  link: string;
  task_id: string | null;
  due_at: string | null;
  rule: Record<string, unknown>;
  dedupe_key: string;
}

/**
 * Nothing is written about a case that was erased, or, while it has no lawful basis (`none`,
 * consent withdrawn), to any agency but the lead: a condition on the case id and agency id given.
 */
const withheld = (caseId: string, agencyId: string) =>
  `EXISTS (SELECT 1 FROM cases c WHERE c.id = ${caseId}
             AND (c.status = 'erased' OR (c.lawful_basis = 'none' AND c.lead_agency_id <> ${agencyId})))`;

/** A notification as its agency's inbox lists it, with the caller's own read state. */
export interface InboxNotification {
  id: string;
  kind: string;
  title: string;
  link: string;
  caseId: string;
  caseReference: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: Date | null;
  createdAt: Date;
  readAt: Date | null;
  rule: RuleLike | null;
}

/** An SQL condition with its parameters (e.g. `AccessService.caseFilter` on the alias `c`). */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

/**
 * Owner of `notifications` and `notification_reads`. Visibility conditions on the case (alias `c`)
 * come from the access rules; their placeholders start at `$3` (after agency and user).
 */
export const NotificationRepository = {
  /**
   * Inserts the notification unless its dedupe key was used, or the case has no lawful basis any
   * more (`none`, consent withdrawn) and the agency is not the lead, or the case was erased; returns
   * its id and its agency's external channels (email, webhook), or undefined when nothing was written.
   */
  async insert(db: Db, n: NotificationRecord): Promise<{ id: string; email: string | null; webhookUrl: string | null } | undefined> {
    return one<{ id: string; email: string | null; webhookUrl: string | null }>(
      db,
      `WITH n AS (
         INSERT INTO notifications (case_id, agency_id, kind, title, link, task_id, conference_id, reminder_id, due_at, rule, dedupe_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
          WHERE NOT ${withheld('$1', '$2')}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, agency_id)
       SELECT n.id, a.email, a.webhook_url AS "webhookUrl" FROM n JOIN agencies a ON a.id = n.agency_id`,
      [n.caseId, n.agencyId, n.kind, n.title, n.link, n.taskId, n.conferenceId, n.reminderId, n.dueAt, JSON.stringify(n.rule), n.dedupeKey],
    );
  },

  /**
   * `insert` for a batch, in one statement, with the same conditions per row (dedupe key, lawful
   * basis, erased case); returns each notification written with its dedupe key and its agency's channels.
   */
  async insertMany(db: Db, rows: readonly NotificationRecord[]): Promise<Array<{ id: string; dedupeKey: string; email: string | null; webhookUrl: string | null }>> {
    if (rows.length === 0) return [];
    return many<{ id: string; dedupeKey: string; email: string | null; webhookUrl: string | null }>(
      db,
      `WITH n AS (
         INSERT INTO notifications (case_id, agency_id, kind, title, link, task_id, conference_id, reminder_id, due_at, rule, dedupe_key)
         SELECT x.* FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::uuid[],
                                $9::timestamptz[], $10::jsonb[], $11::text[])
                  AS x(case_id, agency_id, kind, title, link, task_id, conference_id, reminder_id, due_at, rule, dedupe_key)
          WHERE NOT ${withheld('x.case_id', 'x.agency_id')}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, agency_id, dedupe_key)
       SELECT n.id, n.dedupe_key AS "dedupeKey", a.email, a.webhook_url AS "webhookUrl" FROM n JOIN agencies a ON a.id = n.agency_id`,
      [
        rows.map((n) => n.caseId),
        rows.map((n) => n.agencyId),
        rows.map((n) => n.kind),
        rows.map((n) => n.title),
        rows.map((n) => n.link),
        rows.map((n) => n.taskId),
        rows.map((n) => n.conferenceId),
        rows.map((n) => n.reminderId),
        rows.map((n) => (n.dueAt ? new Date(n.dueAt).toISOString() : null)),
        rows.map((n) => JSON.stringify(n.rule)),
        rows.map((n) => n.dedupeKey),
      ],
    );
  },

  /**
   * A page of the agency's inbox (visible cases only), newest first; `unreadOnly` keeps the user's
   * unread ones. `total` and `unread` are counted up to `cap` + 1 (more than `cap` tells the figure
   * is capped), like the case list's total: counting every notification costs more than the page.
   */
  async inbox(
    db: Db,
    q: { agencyId: string; userId: string; cases: SqlFilter; unreadOnly: boolean; limit: number; offset: number; cap: number },
  ): Promise<{ items: InboxNotification[]; total: number; unread: number }> {
    const visible = `n.agency_id = $1 AND ${q.cases.sql}`;
    const params = [q.agencyId, q.userId, ...q.cases.params];
    const mine = `FROM notifications n JOIN cases c ON c.id = n.case_id
      LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2`;
    const filter = q.unreadOnly ? `${visible} AND r.read_at IS NULL` : visible;
    const capped = (where: string) => `(SELECT count(*)::int FROM (SELECT 1 ${mine} WHERE ${where} LIMIT ${q.cap + 1}) s)`;
    const [items, counts] = await Promise.all([
      many<InboxNotification>(
        db,
        `SELECT n.id, n.kind, n.title, n.link, n.case_id AS "caseId", c.reference AS "caseReference", n.task_id AS "taskId",
                n.conference_id AS "conferenceId", n.due_at AS "dueAt", n.created_at AS "createdAt", r.read_at AS "readAt", n.rule
           ${mine}
          WHERE ${filter} ORDER BY n.created_at DESC, n.id LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      ),
      single<{ total: number; unread: number }>(
        db,
        q.unreadOnly
          ? `SELECT t AS total, t AS unread FROM ${capped(filter)} AS x(t)`
          : `SELECT ${capped(visible)} AS total, ${capped(`${visible} AND r.read_at IS NULL`)} AS unread`,
        params,
      ),
    ]);
    return { items, total: counts.total, unread: counts.unread };
  },

  /** True when the notification went to the agency and its case is visible (`cases` placeholders from `$3`). */
  async isVisible(db: Db, notificationId: string, agencyId: string, cases: SqlFilter): Promise<boolean> {
    const row = await one(
      db,
      `SELECT n.id FROM notifications n JOIN cases c ON c.id = n.case_id
        WHERE n.id = $1 AND n.agency_id = $2 AND ${cases.sql}`,
      [notificationId, agencyId, ...cases.params],
    );
    return row !== undefined;
  },

  /** Marks the notification read for the user; the first read counts (its time is returned either way). */
  async markRead(db: Db, notificationId: string, userId: string): Promise<{ id: string; readAt: Date }> {
    return single<{ id: string; readAt: Date }>(
      db,
      `WITH ins AS (
         INSERT INTO notification_reads (notification_id, user_id) VALUES ($1, $2)
         ON CONFLICT (user_id, notification_id) DO NOTHING RETURNING notification_id, read_at)
       SELECT notification_id AS id, read_at AS "readAt" FROM ins
       UNION ALL
       SELECT notification_id, read_at FROM notification_reads WHERE notification_id = $1 AND user_id = $2
       LIMIT 1`,
      [notificationId, userId],
    );
  },

  /** Marks every visible notification of the agency read for the user; returns how many were unread. */
  async markAllRead(db: Db, agencyId: string, userId: string, cases: SqlFilter): Promise<number> {
    const rows = await many(
      db,
      `INSERT INTO notification_reads (notification_id, user_id)
       SELECT n.id, $2 FROM notifications n JOIN cases c ON c.id = n.case_id
        WHERE n.agency_id = $1 AND ${cases.sql}
       ON CONFLICT (user_id, notification_id) DO NOTHING RETURNING notification_id`,
      [agencyId, userId, ...cases.params],
    );
    return rows.length;
  },

  /** Erasure: titles and rules of the case's notifications go; returns their ids (emails written for them are deleted too). */
  async eraseForCase(db: Db, caseId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(db, `UPDATE notifications SET title = '(erased)', rule = NULL WHERE case_id = $1 RETURNING id`, [caseId]);
    return rows.map((r) => r.id);
  },

  /**
   * CTE body: the plan's `notifications` ({@link PlannedNotification}) under the same conditions as
   * `insert` (dedupe key unused, not withheld); RETURNING id, agency_id of those written.
   */
  insertCte({ plan, gate }: CteInput): string {
    return `INSERT INTO notifications (id, case_id, agency_id, kind, title, link, task_id, due_at, rule, dedupe_key)
            SELECT id, case_id, agency_id, kind, title, link, task_id, due_at, rule, dedupe_key
              FROM jsonb_to_recordset(${plan}->'notifications')
                   AS x(id uuid, case_id uuid, agency_id uuid, kind text, title text, link text, task_id uuid, due_at timestamptz, rule jsonb, dedupe_key text)
             WHERE ${gate} AND NOT ${withheld('x.case_id', 'x.agency_id')}
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id, agency_id`;
  },
};
