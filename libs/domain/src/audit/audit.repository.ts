import { many, single, type Db } from '../db.js';

/** One entry of the audit log, as written. */
export interface AuditRecordInput {
  userId: string | null;
  agencyId: string | null;
  action: string;
  caseId: string | null;
  resource: string | null;
  resourceId: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
}

/** One entry of the audit log, as read. */
export interface AuditLogEntry {
  id: string;
  at: Date;
  userId: string | null;
  agencyId: string | null;
  action: string;
  caseId: string | null;
  resource: string | null;
  resourceId: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
}

export interface AuditSearch {
  caseId?: string;
  userId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Owner of `audit_log`. */
export const AuditRepository = {
  async insert(db: Db, entry: AuditRecordInput): Promise<void> {
    await many(
      db,
      `INSERT INTO audit_log (user_id, agency_id, action, case_id, resource, resource_id, detail, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.userId,
        entry.agencyId,
        entry.action,
        entry.caseId,
        entry.resource,
        entry.resourceId,
        entry.detail ? JSON.stringify(entry.detail) : null,
        entry.requestId,
      ],
    );
  },

  /** Several entries in one statement (a list read records one entry per case shown). */
  async insertMany(db: Db, entries: readonly AuditRecordInput[]): Promise<void> {
    if (entries.length === 0) return;
    await many(
      db,
      `INSERT INTO audit_log (user_id, agency_id, action, case_id, resource, resource_id, detail, request_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::text[])`,
      [
        entries.map((e) => e.userId),
        entries.map((e) => e.agencyId),
        entries.map((e) => e.action),
        entries.map((e) => e.caseId),
        entries.map((e) => e.resource),
        entries.map((e) => e.resourceId),
        entries.map((e) => (e.detail ? JSON.stringify(e.detail) : null)),
        entries.map((e) => e.requestId),
      ],
    );
  },

  /** A page of entries matching the filters, newest first, and how many match in all. */
  async search(db: Db, q: AuditSearch): Promise<{ items: AuditLogEntry[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.caseId) add('case_id = ?', q.caseId);
    if (q.userId) add('user_id = ?', q.userId);
    if (q.action) add('action = ?', q.action);
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, total] = await Promise.all([
      many<AuditLogEntry>(
        db,
        `SELECT id::text, at, user_id AS "userId", agency_id AS "agencyId", action, case_id AS "caseId",
                resource, resource_id AS "resourceId", detail, request_id AS "requestId"
           FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      ),
      single<{ total: number }>(db, `SELECT count(*)::int AS total FROM audit_log ${clause}`, params),
    ]);
    return { items, total: total.total };
  },
};
