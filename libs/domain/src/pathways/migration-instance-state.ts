import type { Db } from '../db.js';
import { MigrationRepository, type OpenTaskRow, type PendingReminderRow, type PendingTimerRow } from './migration.repository.js';

export type { OpenTaskRow, PendingReminderRow, PendingTimerRow } from './migration.repository.js';

/** What a running instance holds besides its snapshot: the open tasks of its states, its pending timers and their reminders. */
export interface InstanceHoldings {
  openTasks: OpenTaskRow[];
  pendingTimers: PendingTimerRow[];
  pendingReminders: PendingReminderRow[];
}

/** Reads an instance's open pathway tasks (not conference actions), pending timers and the pending reminders of those tasks. */
export async function loadHoldings(db: Db, instanceId: string): Promise<InstanceHoldings> {
  const openTasks = await MigrationRepository.openTasks(db, instanceId);
  const pendingTimers = await MigrationRepository.pendingTimers(db, instanceId);
  const pendingReminders = await MigrationRepository.pendingRemindersOf(db, openTasks.map((t) => t.id));
  return { openTasks, pendingTimers, pendingReminders };
}

export const pendingRemindersOf = (db: Db, taskIds: string[]): Promise<PendingReminderRow[]> => MigrationRepository.pendingRemindersOf(db, taskIds);
