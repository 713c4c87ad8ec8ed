import { many, type Db } from '../db.js';

/** Owner of `cases`. */
export const CaseRepository = {
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
