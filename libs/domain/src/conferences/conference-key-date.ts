import { Injectable } from '@nestjs/common';
import { one, type Db } from '../db.js';
import { KeyDateMoves } from '../cases/key-date-moves.js';

/** The case key date that follows the next scheduled conference. */
export const CONFERENCE_KEY_DATE = 'conferenceDate';

/**
 * Keeps the case key date `conferenceDate` on the next scheduled conference, and everything counted
 * from it in step (`KeyDateMoves`, the mechanism every key date change uses).
 */
@Injectable()
export class ConferenceKeyDate {
  constructor(private readonly moves: KeyDateMoves) {}

  /** Returns the tasks whose due date changed. */
  async sync(tx: Db, caseId: string, now: Date): Promise<Array<{ taskId: string; from: Date | null; to: Date | null }>> {
    const next = await one<{ scheduled_at: Date }>(
      tx,
      `SELECT scheduled_at FROM conferences WHERE case_id = $1 AND status = 'scheduled'
        ORDER BY scheduled_at < now(), CASE WHEN scheduled_at >= now() THEN scheduled_at END ASC, scheduled_at DESC
        LIMIT 1`,
      [caseId],
    );
    // No conference ahead: the date of the last one stays, as the record of when it was.
    if (!next) return [];
    const value = new Date(next.scheduled_at).toISOString();
    await tx.query(
      `UPDATE cases SET key_dates = key_dates || jsonb_build_object($2::text, $3::text), updated_at = now()
        WHERE id = $1 AND key_dates->>$2 IS DISTINCT FROM $3`,
      [caseId, CONFERENCE_KEY_DATE, value],
    );
    return (await this.moves.follow(tx, caseId, [CONFERENCE_KEY_DATE], now)).map(({ taskId, from, to }) => ({ taskId, from, to }));
  }
}
