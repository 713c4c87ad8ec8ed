import type { DeliveryHours } from '#engine';
import { AuditRepository, type ListReadAudit } from '../audit/audit.repository.js';
import { many, one, single, type Db } from '../db.js';
import { noteVisibleTo } from '../governance/case-note.repository.js';

export type KeyDates = Record<string, string | null>;

/** What effects need to know of a case row. */
export interface CaseSummary {
  id: string;
  reference: string;
  status: 'open' | 'closed' | 'erased';
  leadAgencyId: string;
  keyDates: KeyDates;
}

/** An agency taking part in a case, with its agency's calendar. */
export interface CaseParticipant {
  agencyId: string;
  role: string;
  country: string;
  timezone: string;
  /** `"always"`, days and hours, or null for the default office hours. */
  deliveryHours: DeliveryHours | null;
}

/** A case row as the detail view shows it. */
export interface CaseRecord {
  id: string;
  reference: string;
  status: string;
  subject: unknown;
  leadAgencyId: string;
  keyDates: KeyDates;
  lawfulBasis: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  erasedAt: Date | null;
}

/** A case of the same person opened recently (a possible repeat referral). */
export interface EarlierReferral {
  id: string;
  reference: string;
  status: string;
  createdAt: Date;
}

/** One line of the case list. */
export interface CaseListItem {
  id: string;
  reference: string;
  status: string;
  subject: unknown;
  leadAgencyId: string;
  keyDates: KeyDates;
  createdAt: Date;
  updatedAt: Date;
  pathways: Array<{ instanceId: string; key: string; version: number; state: unknown; status: string }>;
  openTasks: number;
  overdueTasks: number;
}

/** A SQL condition with its parameters (`$n` placeholders numbered by the caller). */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

export interface CaseListFilters {
  status?: 'open' | 'closed' | 'erased';
  pathway?: string;
  state?: string;
  agencyId?: string;
  overdue?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

/**
 * The participants of the case whose id is the SQL expression `caseId`, with their agencies'
 * calendars, as a JSON array (added order): the expression `context` selects, shared with the
 * one-statement read of a step (`StepRepository`).
 */
export function participantsOf(caseId: string): string {
  return `coalesce((SELECT json_agg(json_build_object('agencyId', p.agency_id, 'role', p.role, 'country', a.country, 'timezone', a.timezone, 'deliveryHours', a.delivery_hours)
                                  ORDER BY p.added_at, p.agency_id)
                          FROM case_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.case_id = ${caseId}), '[]')`;
}

/** Owner of `cases` and `case_reference_counters`. */
export const CaseRepository = {
  /** The next number of the year's case references (1, 2, …), counted in `case_reference_counters`. */
  async nextReferenceNumber(db: Db, year: number): Promise<number> {
    const counter = await single<{ last: number }>(
      db,
      `INSERT INTO case_reference_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = case_reference_counters.last + 1 RETURNING last`,
      [year],
    );
    return counter.last;
  },

  async insert(
    db: Db,
    row: { reference: string; subject: unknown; leadAgencyId: string; keyDates: KeyDates; lawfulBasis: string | null; createdBy: string },
  ): Promise<{ id: string; createdAt: Date }> {
    return single<{ id: string; createdAt: Date }>(
      db,
      `INSERT INTO cases (reference, subject, lead_agency_id, key_dates, lawful_basis, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at AS "createdAt"`,
      [row.reference, JSON.stringify(row.subject), row.leadAgencyId, JSON.stringify(row.keyDates), row.lawfulBasis, row.createdBy],
    );
  },

  /**
   * The case row with its participants (and their agencies' calendars), in one round trip;
   * `lock` locks the case row.
   */
  async context(db: Db, caseId: string, lock = false): Promise<{ case: CaseSummary; participants: CaseParticipant[] } | undefined> {
    const row = await one<CaseSummary & { participants: CaseParticipant[] }>(
      db,
      `SELECT c.id, c.reference, c.status, c.lead_agency_id AS "leadAgencyId", c.key_dates AS "keyDates",
              ${participantsOf('c.id')} AS participants
         FROM cases c WHERE c.id = $1${lock ? ' FOR NO KEY UPDATE OF c' : ''}`,
      [caseId],
    );
    if (!row) return undefined;
    const { participants, ...summary } = row;
    return { case: summary, participants };
  },

  async get(db: Db, caseId: string): Promise<CaseRecord | undefined> {
    return one<CaseRecord>(
      db,
      `SELECT id, reference, status, subject, lead_agency_id AS "leadAgencyId", key_dates AS "keyDates", lawful_basis AS "lawfulBasis",
              created_at AS "createdAt", updated_at AS "updatedAt", closed_at AS "closedAt", erased_at AS "erasedAt"
         FROM cases WHERE id = $1`,
      [caseId],
    );
  },

  /** Whether the case exists and `visible` (a condition on alias `c`, its placeholders from $2) holds for it. */
  async isVisible(db: Db, caseId: string, visible: SqlCondition): Promise<boolean> {
    const row = await one(db, `SELECT 1 FROM cases c WHERE c.id = $1 AND ${visible.sql}`, [caseId, ...visible.params]);
    return row !== undefined;
  },

  async leadAgencyOf(db: Db, caseId: string): Promise<string | undefined> {
    return (await one<{ leadAgencyId: string }>(db, 'SELECT lead_agency_id AS "leadAgencyId" FROM cases WHERE id = $1', [caseId]))?.leadAgencyId;
  },

  /** Locks the case row and returns its key dates. */
  async lockKeyDates(db: Db, caseId: string): Promise<KeyDates | undefined> {
    return (await one<{ keyDates: KeyDates }>(db, `SELECT key_dates AS "keyDates" FROM cases WHERE id = $1 FOR NO KEY UPDATE`, [caseId]))?.keyDates;
  },

  /** Merges `changes` into the key dates (null removes one) and returns the key dates now. */
  async mergeKeyDates(db: Db, caseId: string, changes: KeyDates): Promise<KeyDates | undefined> {
    const row = await one<{ keyDates: KeyDates }>(
      db,
      `UPDATE cases SET key_dates = (
          SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(key_dates || $2::jsonb) AS e(k, v) WHERE v <> 'null'::jsonb),
        updated_at = now() WHERE id = $1 RETURNING key_dates AS "keyDates"`,
      [caseId, JSON.stringify(changes)],
    );
    return row?.keyDates;
  },

  /** Sets the current lawful basis (its history is kept by LawfulBasisRepository in the same transaction). */
  async setLawfulBasis(db: Db, caseId: string, basis: string): Promise<void> {
    await many(db, `UPDATE cases SET lawful_basis = $2, updated_at = now() WHERE id = $1`, [caseId, basis]);
  },

  /** Locks the case row and returns what erasure needs to know of it. */
  async lockForErasure(db: Db, caseId: string): Promise<{ status: string; keyDates: KeyDates; erasedAt: Date | null } | undefined> {
    return one(db, `SELECT status, key_dates AS "keyDates", erased_at AS "erasedAt" FROM cases WHERE id = $1 FOR NO KEY UPDATE`, [caseId]);
  },

  /** Erasure: the subject goes; reference, dates, states and the lawful basis (no text) stay. */
  async erase(db: Db, caseId: string, at: Date): Promise<void> {
    await many(
      db,
      `UPDATE cases SET subject = '{}'::jsonb, status = 'erased', erased_at = $2, closed_at = coalesce(closed_at, $2), updated_at = $2 WHERE id = $1`,
      [caseId, at],
    );
  },

  async close(db: Db, caseId: string): Promise<void> {
    await many(db, `UPDATE cases SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, [caseId]);
  },

  /**
   * Cases of the same person (same name, and the same date of birth when both are known) opened in
   * the last 12 months and `visible` (a condition on alias `c`, its placeholders from $4).
   */
  async earlierReferrals(
    db: Db,
    caseId: string,
    subject: { name: string; dateOfBirth?: string },
    visible: SqlCondition,
  ): Promise<EarlierReferral[]> {
    return many<EarlierReferral>(
      db,
      `SELECT c.id, c.reference, c.status, c.created_at AS "createdAt" FROM cases c
        WHERE c.id <> $1 AND lower(c.subject->>'name') = lower($2)
          AND ($3::text IS NULL OR c.subject->>'dateOfBirth' IS NULL OR c.subject->>'dateOfBirth' = $3)
          AND c.created_at > now() - interval '12 months' AND ${visible.sql}
        ORDER BY c.created_at DESC LIMIT 5`,
      [caseId, subject.name, subject.dateOfBirth ?? null, ...visible.params],
    );
  },

  /**
   * A page of the cases `visible` (a condition on alias `c`, placeholders from $1) matching the
   * filters, newest first, with their pathways and the open and overdue tasks `visibleTasks`
   * (a condition on alias `t`, placeholders numbered by `visibleTasksFrom(n)`) lets the caller count;
   * `matched` counts the matching cases up to `cap` + 1 (more than `cap` tells the total is capped).
   * `audit` records the read (the cases shown) in the page's own statement.
   */
  async list(
    db: Db,
    visible: SqlCondition,
    visibleTasks: (first: number) => SqlCondition,
    f: CaseListFilters,
    readerAgencyId: string | null,
    cap: number,
    audit?: ListReadAudit,
  ): Promise<{ items: CaseListItem[]; matched: number }> {
    const params: unknown[] = [...visible.params];
    const where = [visible.sql];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status) add((n) => `c.status = ${n}`, f.status);
    if (f.pathway) add((n) => `EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.pathway_key = ${n} AND i.status = 'active')`, f.pathway);
    if (f.state) {
      add(
        (n) => `EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.status = 'active'
                 AND (i.state_value #>> '{}' = ${n} OR i.state_value::text LIKE '%"' || ${n} || '"%'))`,
        f.state,
      );
    }
    if (f.agencyId) add((n) => `EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.agency_id = ${n})`, f.agencyId);
    if (f.overdue) where.push(`EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now())`);
    if (f.q) {
      // Reference, the subject's name, or the text of a note the reader's agency may see (a restricted
      // note of another agency never makes a case match).
      params.push(f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`), readerAgencyId);
      const q = `$${params.length - 1}`;
      const agency = params.length;
      // Three index range scans (trigram GIN indexes, migration ListIndexes) joined by UNION, not one
      // OR the planner can only answer with a scan of every case and every note.
      where.push(`c.id IN (SELECT x.id FROM cases x WHERE x.reference ILIKE '%' || ${q} || '%' ESCAPE '\\'
        UNION SELECT x.id FROM cases x WHERE x.subject->>'name' ILIKE '%' || ${q} || '%' ESCAPE '\\'
        UNION SELECT n.case_id FROM case_notes n WHERE n.text ILIKE '%' || ${q} || '%' ESCAPE '\\' AND ${noteVisibleTo(agency)})`);
    }
    const clause = where.join(' AND ');
    const taskFilter = visibleTasks(params.length + 1);
    const page = `SELECT c.id, c.reference, c.status, CASE WHEN c.status = 'erased' THEN NULL ELSE c.subject END AS subject,
              c.lead_agency_id AS "leadAgencyId", c.key_dates AS "keyDates",
              c.created_at AS "createdAt", c.updated_at AS "updatedAt",
              coalesce((SELECT json_agg(json_build_object('instanceId', i.id, 'key', i.pathway_key, 'version', i.version,
                        'state', i.state_value, 'status', i.status) ORDER BY i.created_at)
                 FROM pathway_instances i WHERE i.case_id = c.id), '[]') AS pathways,
              (SELECT count(*)::int FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND ${taskFilter.sql}) AS "openTasks",
              (SELECT count(*)::int FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now() AND ${taskFilter.sql}) AS "overdueTasks"
         FROM cases c WHERE ${clause}
        ORDER BY c.created_at DESC, c.id LIMIT ${f.limit} OFFSET ${f.offset}`;
    // With `audit`, the page and its list-read record are one statement.
    const read = audit ? AuditRepository.auditedPage(page, [...params, ...taskFilter.params], audit, 'id') : { sql: page, params: [...params, ...taskFilter.params] };
    // Counting every match of a large list costs more than the page itself: count up to a cap. The
    // page and the count are independent reads: on a pool (no transaction) they run side by side.
    const [items, total] = await Promise.all([
      many<CaseListItem>(db, read.sql, read.params),
      single<{ total: number }>(db, `SELECT count(*)::int AS total FROM (SELECT 1 FROM cases c WHERE ${clause} LIMIT ${cap + 1}) s`, params),
    ]);
    return { items, matched: total.total };
  },

  /** Sets one key date of the case (an ISO string) unless it already has that value (H2, ConferenceKeyDate). */
  async setKeyDate(db: Db, caseId: string, name: string, value: string): Promise<void> {
    await many(
      db,
      `UPDATE cases SET key_dates = key_dates || jsonb_build_object($2::text, $3::text), updated_at = now()
        WHERE id = $1 AND key_dates->>$2 IS DISTINCT FROM $3`,
      [caseId, name, value],
    );
  },
};
