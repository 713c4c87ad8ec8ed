import { many, one, type Db } from '../db.js';

/** A participant as the case detail lists it, with its agency's name and kind. */
export interface ParticipantView {
  agencyId: string;
  agencyName: string;
  agencyKind: string;
  role: string;
  addedAt: Date;
}

/** Owner of `case_participants`. */
export const CaseParticipantRepository = {
  /** Adds the agencies in their roles in one statement. */
  async insertMany(db: Db, caseId: string, participants: ReadonlyArray<{ agencyId: string; role: string }>, addedBy: string): Promise<void> {
    await many(
      db,
      `INSERT INTO case_participants (case_id, agency_id, role, added_by)
       SELECT $1, a, r, $4 FROM unnest($2::uuid[], $3::text[]) AS t(a, r)`,
      [caseId, participants.map((p) => p.agencyId), participants.map((p) => p.role), addedBy],
    );
  },

  /** Adds the agency in the role; false when it already holds it. */
  async insert(db: Db, caseId: string, participant: { agencyId: string; role: string }, addedBy: string): Promise<boolean> {
    const inserted = await many(
      db,
      `INSERT INTO case_participants (case_id, agency_id, role, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [caseId, participant.agencyId, participant.role, addedBy],
    );
    return inserted.length > 0;
  },

  /** Removes the agency from the case in every role; returns the roles it held. */
  async remove(db: Db, caseId: string, agencyId: string): Promise<string[]> {
    const removed = await many<{ role: string }>(db, 'DELETE FROM case_participants WHERE case_id = $1 AND agency_id = $2 RETURNING role', [caseId, agencyId]);
    return removed.map((r) => r.role);
  },

  async forCase(db: Db, caseId: string): Promise<ParticipantView[]> {
    return many<ParticipantView>(
      db,
      `SELECT p.agency_id AS "agencyId", a.name AS "agencyName", a.kind AS "agencyKind", p.role, p.added_at AS "addedAt"
         FROM case_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.case_id = $1 ORDER BY p.added_at, a.name`,
      [caseId],
    );
  },

  /**
   * The first agency (by when it joined) holding `role` in the case that holds no copy of the task
   * yet (same instance, state and task key; only checked for tasks with a key).
   */
  async firstInRoleWithoutCopy(
    db: Db,
    caseId: string,
    role: string,
    task: { instanceId: string | null; stateId: string | null; taskKey: string | null },
  ): Promise<string | undefined> {
    const [row] = await many<{ agencyId: string }>(
      db,
      `SELECT p.agency_id AS "agencyId" FROM case_participants p
        WHERE p.case_id = $1 AND p.role = $2
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE $5::text IS NOT NULL AND t.case_id = $1 AND t.assignee_agency_id = p.agency_id AND t.status <> 'cancelled'
                            AND t.instance_id IS NOT DISTINCT FROM $3 AND t.state_id IS NOT DISTINCT FROM $4 AND t.task_key IS NOT DISTINCT FROM $5)
        ORDER BY p.added_at LIMIT 1`,
      [caseId, role, task.instanceId, task.stateId, task.taskKey],
    );
    return row?.agencyId;
  },

  /** Which of these agencies exist, and whether each is active (an inactive agency joins no new case). */
  async agencies(db: Db, agencyIds: readonly string[]): Promise<Array<{ id: string; active: boolean }>> {
    return many<{ id: string; active: boolean }>(db, 'SELECT id, active FROM agencies WHERE id = ANY($1::uuid[])', [agencyIds]);
  },

  /** True when the agency takes part in the case, in any role (H2, TaskService `reassign`). */
  async takesPart(db: Db, caseId: string, agencyId: string): Promise<boolean> {
    return (await one(db, `SELECT 1 FROM case_participants WHERE case_id = $1 AND agency_id = $2`, [caseId, agencyId])) !== undefined;
  },
};
