import { many, one, type Db } from '../db.js';

/** SQL expression: the state tasks of the instance whose id is the SQL expression `instanceId`, as a JSON array. */
export function instanceTasksOf(instanceId: string): string {
  return `coalesce((SELECT json_agg(json_build_object('stateId', t.state_id, 'key', t.task_key, 'status', t.status))
                      FROM tasks t WHERE t.instance_id = ${instanceId} AND t.state_id IS NOT NULL), '[]')`;
}

/**
 * SQL expression: the roles (in the case whose id is the SQL expression `caseId`) of the agencies
 * that attended the case's latest conference not cancelled, as a text array.
 */
export function attendedRolesOf(caseId: string): string {
  return `ARRAY(SELECT DISTINCT p.role FROM conference_invitees i
                  JOIN case_participants p ON p.agency_id = i.agency_id AND p.case_id = ${caseId}
                 WHERE i.attended AND i.conference_id = (
                   SELECT id FROM conferences WHERE case_id = ${caseId} AND status <> 'cancelled'
                    ORDER BY scheduled_at DESC, created_at DESC LIMIT 1))`;
}

/** Read-only: the facts guards read, from the tables that hold them (their owners write them). */
export const FactsRepository = {
  /** The instance's state tasks: state, task key and status. */
  async instanceTasks(db: Db, instanceId: string): Promise<Array<{ stateId: string; key: string; status: 'open' | 'done' | 'cancelled' }>> {
    return many(
      db,
      `SELECT state_id AS "stateId", task_key AS key, status FROM tasks
        WHERE instance_id = $1 AND state_id IS NOT NULL`,
      [instanceId],
    );
  },

  /**
   * The roles (in this case) of the agencies that attended the case's latest conference not
   * cancelled, and the case's current lawful basis: one round trip.
   */
  async caseFacts(db: Db, caseId: string): Promise<{ attended: string[]; lawfulBasis: string | null }> {
    const row = await one<{ attended: string[]; lawfulBasis: string | null }>(
      db,
      `SELECT (SELECT lawful_basis FROM cases WHERE id = $1) AS "lawfulBasis", ${attendedRolesOf('$1')} AS attended`,
      [caseId],
    );
    return { attended: row?.attended ?? [], lawfulBasis: row?.lawfulBasis ?? null };
  },
};
