import type { EngineFacts } from '#engine';
import type { Db } from '../db.js';
import { FactsRepository } from './facts.repository.js';

/** The facts guards read: key dates, this instance's tasks, who attended the latest conference. */
export async function loadFacts(db: Db, caseId: string, instanceId: string | null, keyDates: Record<string, string | null>): Promise<EngineFacts> {
  const [tasks, attended] = await Promise.all([
    instanceId ? FactsRepository.instanceTasks(db, instanceId) : Promise.resolve([]),
    FactsRepository.latestConferenceAttendedRoles(db, caseId),
  ]);
  return { keyDates, tasks, latestConferenceAttendedRoles: attended };
}
