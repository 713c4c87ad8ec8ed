import type { TaskSpec } from '../../../engine/src/index.js';
import { many, single, type Db } from '../db.js';

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

/** What a pathway migration reads and writes of an instance's tasks, timers and reminders. */
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

  /** Done and cancelled tasks of a renamed state move with it. */
  async moveSettledTasks(db: Db, instanceId: string, fromStateId: string, toStateId: string): Promise<void> {
    await many(db, `UPDATE tasks SET state_id = $3, updated_at = now() WHERE instance_id = $1 AND state_id = $2 AND status <> 'open'`, [
      instanceId,
      fromStateId,
      toStateId,
    ]);
  },

  /** Cancels the open ones of these tasks; returns the ids it cancelled. */
  async cancelOpenTasks(db: Db, taskIds: string[]): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'open' RETURNING id`,
      [taskIds],
    );
    return rows.map((r) => r.id);
  },

  /** A kept task moves to its new state id, title, rules and due date. */
  async moveKeptTask(db: Db, task: { taskId: string; stateId: string; title: string; spec: unknown; dueAt: string | null }): Promise<void> {
    await many(db, `UPDATE tasks SET state_id = $2, title = $3, spec = $4, due_at = $5, updated_at = now() WHERE id = $1`, [
      task.taskId,
      task.stateId,
      task.title,
      JSON.stringify(task.spec),
      task.dueAt,
    ]);
  },

  /** Cancels an instance's pending rows of a timer; returns their ids. */
  async cancelPendingTimers(db: Db, instanceId: string, timerId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE timers SET status = 'cancelled', settled_at = now()
        WHERE instance_id = $1 AND timer_id = $2 AND status = 'pending' RETURNING id`,
      [instanceId, timerId],
    );
    return rows.map((r) => r.id);
  },

  /** Sets a timer for the instance's revision (the same timer and revision again moves its time); returns the row id. */
  async setTimer(db: Db, timer: { instanceId: string; timerId: string; event: string; fireAt: string; revision: number }): Promise<string> {
    const row = await single<{ id: string }>(
      db,
      `INSERT INTO timers (instance_id, timer_id, event, fire_at, revision) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, timer_id, revision) DO UPDATE SET fire_at = EXCLUDED.fire_at
       RETURNING id`,
      [timer.instanceId, timer.timerId, timer.event, timer.fireAt, timer.revision],
    );
    return row.id;
  },

  /**
   * Skips pending reminders of these tasks that one already sent covers (same kind, agency and
   * time); returns them, for their queue jobs to be removed.
   */
  async skipAlreadySentReminders(db: Db, taskIds: string[]): Promise<Array<{ id: string; generation: number }>> {
    return many<{ id: string; generation: number }>(
      db,
      `UPDATE reminders n SET status = 'skipped', updated_at = now()
        WHERE n.task_id = ANY($1::uuid[]) AND n.status = 'pending'
          AND EXISTS (SELECT 1 FROM reminders s WHERE s.task_id = n.task_id AND s.status = 'sent'
                       AND s.kind = n.kind AND s.agency_id = n.agency_id AND s.due_at = n.due_at)
        RETURNING n.id, n.generation`,
      [taskIds],
    );
  },
};
