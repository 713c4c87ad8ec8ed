import type { TaskSpec } from '../../../engine/src/index.js';
import { many, type Db } from '../db.js';

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

/** What a running instance holds besides its snapshot: the open tasks of its states, its pending timers and their reminders. */
export interface InstanceHoldings {
  openTasks: OpenTaskRow[];
  pendingTimers: PendingTimerRow[];
  pendingReminders: PendingReminderRow[];
}

/** Reads an instance's open pathway tasks (not conference actions), pending timers and the pending reminders of those tasks. */
export async function loadHoldings(db: Db, instanceId: string): Promise<InstanceHoldings> {
  const openTasks = await many<OpenTaskRow>(
    db,
    `SELECT id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, created_at, spec
       FROM tasks WHERE instance_id = $1 AND status = 'open' AND state_id IS NOT NULL AND task_key IS NOT NULL
      ORDER BY created_at, id`,
    [instanceId],
  );
  const pendingTimers = await many<PendingTimerRow>(
    db,
    `SELECT id, timer_id, event, fire_at FROM timers WHERE instance_id = $1 AND status = 'pending' ORDER BY fire_at, id`,
    [instanceId],
  );
  const pendingReminders = await pendingRemindersOf(db, openTasks.map((t) => t.id));
  return { openTasks, pendingTimers, pendingReminders };
}

export async function pendingRemindersOf(db: Db, taskIds: string[]): Promise<PendingReminderRow[]> {
  if (taskIds.length === 0) return [];
  return many<PendingReminderRow>(
    db,
    `SELECT id, task_id, agency_id, kind, due_at FROM reminders
      WHERE task_id = ANY($1::uuid[]) AND status = 'pending' ORDER BY due_at, id`,
    [taskIds],
  );
}
