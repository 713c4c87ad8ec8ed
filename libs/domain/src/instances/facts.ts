import type { EngineFacts } from '../../../engine/src/index.js';
import { many, type Db } from '../db.js';

/** The facts guards read: key dates, this instance's tasks, who attended the latest conference. */
export async function loadFacts(db: Db, caseId: string, instanceId: string | null, keyDates: Record<string, string | null>): Promise<EngineFacts> {
  const [tasks, attended] = await Promise.all([
    instanceId
      ? many<{ stateId: string; key: string; status: 'open' | 'done' | 'cancelled' }>(
          db,
          `SELECT state_id AS "stateId", task_key AS key, status FROM tasks
            WHERE instance_id = $1 AND state_id IS NOT NULL`,
          [instanceId],
        )
      : Promise.resolve([]),
    many<{ role: string }>(
      db,
      `SELECT DISTINCT p.role FROM conference_invitees i
         JOIN case_participants p ON p.agency_id = i.agency_id AND p.case_id = $1
        WHERE i.attended AND i.conference_id = (
          SELECT id FROM conferences WHERE case_id = $1 AND status <> 'cancelled'
           ORDER BY scheduled_at DESC, created_at DESC LIMIT 1)`,
      [caseId],
    ),
  ]);
  return { keyDates, tasks, latestConferenceAttendedRoles: attended.map((r) => r.role) };
}
