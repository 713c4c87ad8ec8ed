import { many, single, type CteInput, type Db } from '../db.js';

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

/** A list read: the cases a page showed, and the ids of each case's rows on it. */
export interface ListReadInput {
  userId: string | null;
  agencyId: string | null;
  action: string;
  resource: string;
  caseIds: string[];
  idsByCase: Record<string, string[]>;
  requestId: string | null;
}

/** Who reads a list, as `AuditRepository.auditedPage` records it. */
export interface ListReadAudit {
  userId: string | null;
  agencyId: string | null;
  action: string;
  resource: string;
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

  /**
   * A list read as one row: `case_ids` names every case the page showed (in order), `detail.ids`
   * maps each of those cases to the ids of its rows shown. Read back as one entry per case.
   */
  async insertListRead(db: Db, entry: ListReadInput): Promise<void> {
    await many(
      db,
      `INSERT INTO audit_log (user_id, agency_id, action, case_ids, resource, detail, request_id)
       VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7)`,
      [entry.userId, entry.agencyId, entry.action, entry.caseIds, entry.resource, JSON.stringify({ ids: entry.idsByCase }), entry.requestId],
    );
  },

  /**
   * `page` (a SELECT whose rows carry `id` and the case's id in `caseColumn` — `id` when the rows
   * are cases —, placeholders $1…$n of `params`) as one
   * statement that also writes its list-read record: a data-modifying CTE inserts the row
   * `insertListRead` would, so auditing a list costs no round trip of its own. The rows come back in
   * the page's order (a materialised CTE is scanned in the order it was filled); an empty page
   * writes nothing.
   */
  auditedPage(page: string, params: readonly unknown[], audit: ListReadAudit, caseColumn = '"caseId"'): { sql: string; params: unknown[] } {
    const n = params.length;
    // When the rows are the cases themselves, `case_ids` says it all (and the JSON would cost a third of the insert).
    const cases = caseColumn === 'id';
    const detail = cases ? 'NULL::jsonb' : `jsonb_build_object('ids', jsonb_object_agg(g.case_id, g.ids))`;
    const groups = cases
      ? `SELECT p.id AS case_id FROM page p`
      : `SELECT p.${caseColumn} AS case_id, jsonb_agg(p.id) AS ids FROM page p WHERE p.${caseColumn} IS NOT NULL GROUP BY 1`;
    return {
      sql: `WITH page AS MATERIALIZED (${page}),
        audited AS (
          INSERT INTO audit_log (user_id, agency_id, action, case_ids, resource, detail, request_id)
          SELECT $${n + 1}::uuid, $${n + 2}::uuid, $${n + 3}, array_agg(g.case_id), $${n + 4}, ${detail}, $${n + 5}
            FROM (${groups}) g
          HAVING count(*) > 0)
        SELECT * FROM page`,
      params: [...params, audit.userId, audit.agencyId, audit.action, audit.resource, audit.requestId],
    };
  },

  /**
   * A page of entries matching the filters, newest first, and how many match in all. A list read's
   * row is expanded into one entry per case it showed (id `<row>.<k>`, `detail.ids` and — when the
   * case had one row shown — `resourceId` of that case; for a list of cases, `resourceId` is the
   * case and `detail` null), so the log reads as if written row by row. `matched` counts the
   * entries up to `cap` + 1.
   */
  async search(db: Db, q: AuditSearch, cap: number): Promise<{ items: AuditLogEntry[]; matched: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.caseId) add('(a.case_id = ? OR a.case_ids @> ARRAY[?::uuid]) AND x.case_id = ?', q.caseId);
    if (q.userId) add('a.user_id = ?', q.userId);
    if (q.action) add('a.action = ?', q.action);
    if (q.from) add('a.at >= ?', q.from);
    if (q.to) add('a.at < ?', q.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const from = `FROM audit_log a
      CROSS JOIN LATERAL unnest(CASE WHEN a.case_ids IS NULL THEN ARRAY[a.case_id] ELSE a.case_ids END) WITH ORDINALITY AS x(case_id, k)`;
    const [items, total] = await Promise.all([
      many<AuditLogEntry>(
        db,
        `SELECT CASE WHEN a.case_ids IS NULL THEN a.id::text ELSE a.id || '.' || x.k END AS id,
                a.at, a.user_id AS "userId", a.agency_id AS "agencyId", a.action, x.case_id AS "caseId", a.resource,
                CASE WHEN a.case_ids IS NULL THEN a.resource_id
                     WHEN a.detail IS NULL THEN x.case_id::text
                     WHEN jsonb_array_length(a.detail -> 'ids' -> (x.case_id::text)) = 1 THEN a.detail -> 'ids' -> (x.case_id::text) ->> 0
                END AS "resourceId",
                CASE WHEN a.case_ids IS NULL OR a.detail IS NULL THEN a.detail ELSE jsonb_build_object('ids', a.detail -> 'ids' -> (x.case_id::text)) END AS detail,
                a.request_id AS "requestId"
           ${from} ${clause} ORDER BY a.at DESC, a.id DESC, x.k LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      ),
      // Counted up to `cap` + 1 (more than `cap` tells the total is capped): the log only grows.
      single<{ total: number }>(db, `SELECT count(*)::int AS total FROM (SELECT 1 ${from} ${clause} LIMIT ${cap + 1}) s`, params),
    ]);
    return { items, matched: total.total };
  },

  /** CTE body: the plan's `audit` entries ({@link AuditRecordInput} as JSON). */
  insertCte({ plan, gate }: CteInput): string {
    return `INSERT INTO audit_log (user_id, agency_id, action, case_id, resource, resource_id, detail, request_id)
            SELECT "userId", "agencyId", action, "caseId", resource, "resourceId", detail, "requestId"
              FROM jsonb_to_recordset(${plan}->'audit')
                   AS x("userId" uuid, "agencyId" uuid, action text, "caseId" uuid, resource text, "resourceId" text, detail jsonb, "requestId" text)
             WHERE ${gate}`;
  },
};
