import type { TaskSpec } from '#engine';
import { many, type Db } from '../db.js';

// NOTE (issue #12): the writes below touch `tasks`, `timers` and `reminders`, whose owners are
// `tasks/task.repository.ts`, `timers/timer.repository.ts` and `reminders/reminder.repository.ts`
// (created on other branches). They are kept here, named for what a migration does, until they are
// re-homed in those files. The row types keep the tables' column names: the pure planner
// (`migration-changes.ts`) and its unit test read them as such.

export interface OpenTaskRow {
  id: string;
  state_id: string;
  task_key: string;
  title: string;
  assignee_role: string | null;
  assignee_agency_id: string | null;
  due_at: Date | null;
  created_at: Date;
  spec: TaskSpec | null;
}

export interface PendingTimerRow {
  id: string;
  timer_id: string;
  event: string;
  fire_at: Date;
}

export interface PendingReminderRow {
  id: string;
  task_id: string;
  agency_id: string;
  kind: string;
  due_at: Date;
}

/** What a pathway migration reads of an instance's tasks, timers and reminders (read-only: the writes go through each table's owner). */
export const MigrationRepository = {
  /** The instance's open pathway tasks (not conference actions), oldest first. */
  async openTasks(db: Db, instanceId: string): Promise<OpenTaskRow[]> {
    return many<OpenTaskRow>(
      db,
      `SELECT id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, created_at, spec
         FROM tasks WHERE instance_id = $1 AND status = 'open' AND state_id IS NOT NULL AND task_key IS NOT NULL
        ORDER BY created_at, id`,
      [instanceId],
    );
  },

  async pendingTimers(db: Db, instanceId: string): Promise<PendingTimerRow[]> {
    return many<PendingTimerRow>(
      db,
      `SELECT id, timer_id, event, fire_at FROM timers WHERE instance_id = $1 AND status = 'pending' ORDER BY fire_at, id`,
      [instanceId],
    );
  },

  async pendingRemindersOf(db: Db, taskIds: string[]): Promise<PendingReminderRow[]> {
    if (taskIds.length === 0) return [];
    return many<PendingReminderRow>(
      db,
      `SELECT id, task_id, agency_id, kind, due_at FROM reminders
        WHERE task_id = ANY($1::uuid[]) AND status = 'pending' ORDER BY due_at, id`,
      [taskIds],
    );
  },
};
