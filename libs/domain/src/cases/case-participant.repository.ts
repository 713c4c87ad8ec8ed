import { one, type Db } from '../db.js';

/** Owner of `case_participants`. */
export const CaseParticipantRepository = {
  /** True when the agency takes part in the case, in any role (H2, TaskService `reassign`). */
  async takesPart(db: Db, caseId: string, agencyId: string): Promise<boolean> {
    return (await one(db, `SELECT 1 FROM case_participants WHERE case_id = $1 AND agency_id = $2`, [caseId, agencyId])) !== undefined;
  },
};
