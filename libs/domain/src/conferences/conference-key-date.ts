import { Injectable } from '@nestjs/common';
import type { Db } from '../db.js';
import { CaseRepository } from '../cases/case.repository.js';
import { KeyDateMoves } from '../cases/key-date-moves.js';
import { ConferenceRepository } from './conference.repository.js';

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
    const next = await ConferenceRepository.nextScheduledAt(tx, caseId);
    // No conference ahead: the date of the last one stays, as the record of when it was.
    if (!next) return [];
    await CaseRepository.setKeyDate(tx, caseId, CONFERENCE_KEY_DATE, new Date(next).toISOString());
    return (await this.moves.follow(tx, caseId, [CONFERENCE_KEY_DATE], now)).map(({ taskId, from, to }) => ({ taskId, from, to }));
  }
}
