import { many, single, type Db } from '../db.js';

/** A note as the API shows it. `restrictedTo` is null for a note every agency of the case sees. */
export interface CaseNote {
  id: string;
  caseId: string;
  text: string;
  restrictedTo: string[] | null;
  authorUserId: string | null;
  authorAgencyId: string | null;
  authorName: string | null;
  createdAt: Date;
}

const COLUMNS = `n.id, n.case_id AS "caseId", n.text, n.restricted_to::text[] AS "restrictedTo", n.author_user_id AS "authorUserId",
  n.author_agency_id AS "authorAgencyId", u.name AS "authorName", n.created_at AS "createdAt"`;

/**
 * The one condition that decides whether a reader's agency may see a note (alias `n`, the agency the
 * placeholder `$<param>`): unrestricted, or restricted to a list that names it. Every read of notes
 * goes through it, so an endpoint cannot forget it.
 */
export const noteVisibleTo = (param: number) => `(n.restricted_to IS NULL OR $${param}::uuid = ANY(n.restricted_to))`;

/** Owner of `case_notes`. Every read takes the reader's agency: a restricted note is absent for others. */
export const CaseNoteRepository = {
  async insert(db: Db, note: { caseId: string; text: string; restrictedTo: string[] | null; userId: string; agencyId: string | null }): Promise<{ id: string }> {
    return single<{ id: string }>(
      db,
      `INSERT INTO case_notes (case_id, text, restricted_to, author_user_id, author_agency_id) VALUES ($1, $2, $3::uuid[], $4, $5) RETURNING id`,
      [note.caseId, note.text, note.restrictedTo, note.userId, note.agencyId],
    );
  },

  /** The case's notes the agency may see, newest first (`limit` of them, after `offset`). */
  async visible(db: Db, caseId: string, agencyId: string | null, page: { limit: number; offset: number }): Promise<CaseNote[]> {
    return many<CaseNote>(
      db,
      `SELECT ${COLUMNS} FROM case_notes n LEFT JOIN users u ON u.id = n.author_user_id
        WHERE n.case_id = $1 AND ${noteVisibleTo(2)}
        ORDER BY n.created_at DESC, n.id DESC LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
      [caseId, agencyId],
    );
  },

  /** One note of the case, if the agency may see it. */
  async visibleOne(db: Db, noteId: string, agencyId: string | null): Promise<CaseNote | undefined> {
    return (
      await many<CaseNote>(
        db,
        `SELECT ${COLUMNS} FROM case_notes n LEFT JOIN users u ON u.id = n.author_user_id WHERE n.id = $1 AND ${noteVisibleTo(2)}`,
        [noteId, agencyId],
      )
    )[0];
  },

  /**
   * Every note of the case, restricted ones of any agency included: only for the subject-access
   * export by the lead agency's case managers, which says so in the document.
   */
  async allForExport(db: Db, caseId: string): Promise<CaseNote[]> {
    return many<CaseNote>(db, `SELECT ${COLUMNS} FROM case_notes n LEFT JOIN users u ON u.id = n.author_user_id WHERE n.case_id = $1 ORDER BY n.created_at, n.id`, [caseId]);
  },

  /** Erasure: the case's notes are deleted; returns how many there were. */
  async eraseForCase(db: Db, caseId: string): Promise<number> {
    return (await many(db, `DELETE FROM case_notes WHERE case_id = $1 RETURNING id`, [caseId])).length;
  },
};
