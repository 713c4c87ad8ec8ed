import type { EngineFacts } from '#engine';
import type { Db } from '../db.js';
import { FactsRepository } from './facts.repository.js';

/** The facts guards read: key dates, this instance's tasks, who attended the latest conference, the lawful basis. */
export async function loadFacts(db: Db, caseId: string, instanceId: string | null, keyDates: Record<string, string | null>): Promise<EngineFacts> {
  const [tasks, caseFacts] = await Promise.all([
    instanceId ? FactsRepository.instanceTasks(db, instanceId) : Promise.resolve([]),
    FactsRepository.caseFacts(db, caseId),
  ]);
  return { keyDates, tasks, latestConferenceAttendedRoles: caseFacts.attended, lawfulBasis: caseFacts.lawfulBasis };
}
