import { many, single, type Db } from '../db.js';

/** One audit entry about a pathway, with who did it (read model over `audit_log` and `users`; no writes here). */
export interface PathwayHistoryRow {
  id: string;
  at: Date;
  action: string;
  caseId: string | null;
  resource: string | null;
  resourceId: string | null;
  detail: Record<string, unknown> | null;
  userId: string | null;
  userName: string | null;
  userEmail: string | null;
}

// Keys are [a-z0-9-]: no LIKE wildcards to escape.
const WHERE = `(a.resource = 'pathway' AND (a.resource_id = $1 OR a.resource_id LIKE $1 || '@%'))
            OR (a.resource = 'instance' AND a.action LIKE 'pathway.migrat%' AND a.detail->>'key' = $1)`;

/** The audit trail of a pathway: its versions' changes and the migrations of its instances. */
export const PathwayHistoryRepository = {
  async page(db: Db, key: string, page: { limit: number; offset: number }): Promise<PathwayHistoryRow[]> {
    return many<PathwayHistoryRow>(
      db,
      `SELECT a.id::text AS id, a.at, a.action, a.case_id AS "caseId", a.resource, a.resource_id AS "resourceId", a.detail,
              a.user_id AS "userId", u.name AS "userName", u.email AS "userEmail"
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
        WHERE ${WHERE}
        ORDER BY a.at DESC, a.id DESC LIMIT $2 OFFSET $3`,
      [key, page.limit, page.offset],
    );
  },

  async count(db: Db, key: string): Promise<number> {
    return (await single<{ n: number }>(db, `SELECT count(*)::int AS n FROM audit_log a WHERE ${WHERE}`, [key])).n;
  },
};
