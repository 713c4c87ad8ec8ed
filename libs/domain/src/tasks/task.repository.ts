import type { TaskSpec } from '#engine';
import { AuditRepository, type ListReadAudit } from '../audit/audit.repository.js';
import { many, one, single, type CteInput, type Db } from '../db.js';

/** A task as the API shows it; `status` is `overdue` for an open task past its due date. */
export interface TaskView {
  id: string;
  caseId: string;
  caseReference: string;
  title: string;
  taskKey: string | null;
  stateId: string | null;
  instanceId: string | null;
  conferenceId: string | null;
  assigneeRole: string;
  assigneeAgencyId: string | null;
  dueAt: Date | null;
  status: string;
  outcome: string | null;
  note: string | null;
  acknowledgedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
}

/**
 * An SQL condition on a table alias whose `$n` placeholders start at `first` (the access rules:
 * `AccessService.caseFilter` on `cases`, `taskFilter` on `tasks`).
 */
export type SqlCondition = (alias: string, first: number) => { sql: string; params: unknown[] };

/** What the caller may see: a condition on the case (`c`) and one on the task (`t`). */
export interface TaskVisibility {
  cases: SqlCondition;
  tasks: SqlCondition;
}

export type TaskStatusFilter = 'open' | 'overdue' | 'done' | 'cancelled';

/** What re-planning a task's reminders needs: its spec and where it came from. */
export interface TaskPlanning {
  caseId: string;
  spec: TaskSpec | null;
  pathwayKey: string | null;
  version: number | null;
  stateId: string | null;
  conferenceId: string | null;
}

const TASK_COLUMNS = `t.id, t.case_id AS "caseId", c.reference AS "caseReference", t.title, t.task_key AS "taskKey",
  t.state_id AS "stateId", t.instance_id AS "instanceId", t.conference_id AS "conferenceId",
  t.assignee_role AS "assigneeRole", t.assignee_agency_id AS "assigneeAgencyId", t.due_at AS "dueAt",
  CASE WHEN t.status = 'open' AND t.due_at < now() THEN 'overdue' ELSE t.status END AS status,
  t.outcome, t.note, t.acknowledged_at AS "acknowledgedAt", t.completed_at AS "completedAt", t.created_at AS "createdAt"`;

/** A task a one-statement write opens (`openCte`), its id chosen by the writer. */
export interface PlannedTask {
  id: string;
  case_id: string;
  instance_id: string;
  state_id: string;
  task_key: string;
  title: string;
  assignee_role: string;
  assignee_agency_id: string | null;
  due_at: string | null;
  spec: TaskSpec;
}

/** Owner of `tasks`: the one place tasks are written. */
export const TaskRepository = {
  /** Opens one task per agency (null: unassigned); returns them in insertion order. */
  async open(
    db: Db,
    task: { caseId: string; instanceId: string | null; conferenceId: string | null; stateId: string | null; spec: TaskSpec; dueAt: Date | null },
    agencyIds: ReadonlyArray<string | null>,
  ): Promise<Array<{ id: string; agencyId: string | null }>> {
    return many<{ id: string; agencyId: string | null }>(
      db,
      `INSERT INTO tasks (case_id, instance_id, conference_id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, spec)
       SELECT $1, $2, $3, $4, $5, $6, $7, agency, $8, $9 FROM unnest($10::uuid[]) AS agency
       RETURNING id, assignee_agency_id AS "agencyId"`,
      [
        task.caseId,
        task.instanceId,
        task.conferenceId,
        task.stateId,
        task.spec.key,
        task.spec.title,
        task.spec.assignee.role,
        task.dueAt,
        JSON.stringify(task.spec),
        agencyIds,
      ],
    );
  },

  /** Cancels the open tasks of a state (the pathway left it); returns their ids. */
  async cancelOpenOfState(db: Db, instanceId: string, stateId: string, taskKey: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE tasks SET status = 'cancelled', updated_at = now()
        WHERE instance_id = $1 AND state_id = $2 AND task_key = $3 AND status = 'open' RETURNING id`,
      [instanceId, stateId, taskKey],
    );
    return rows.map((r) => r.id);
  },

  /** Cancels every open task of an instance; returns their ids. */
  async cancelOpenOfInstance(db: Db, instanceId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE tasks SET status = 'cancelled', updated_at = now()
        WHERE instance_id = $1 AND status = 'open' RETURNING id`,
      [instanceId],
    );
    return rows.map((r) => r.id);
  },

  /**
   * A page of the tasks the caller may see, with a total counted up to `cap` (+1 tells there are
   * more). Without a status, cancelled tasks are left out. `audit` records the read in the page's statement.
   */
  async inbox(
    db: Db,
    visible: TaskVisibility,
    f: { status?: TaskStatusFilter; caseId?: string; agencyId?: string; limit: number; offset: number },
    cap: number,
    audit?: ListReadAudit,
  ): Promise<{ items: TaskView[]; matched: number }> {
    const cases = visible.cases('c', 1);
    const params = [...cases.params];
    const tasks = visible.tasks('t', params.length + 1);
    params.push(...tasks.params);
    const where = [cases.sql, tasks.sql];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status === 'open') where.push(`t.status = 'open'`);
    else if (f.status === 'overdue') where.push(`t.status = 'open' AND t.due_at < now()`);
    else if (f.status === 'done') where.push(`t.status = 'done'`);
    else if (f.status === 'cancelled') where.push(`t.status = 'cancelled'`);
    else where.push(`t.status <> 'cancelled'`);
    if (f.caseId) add((n) => `t.case_id = ${n}`, f.caseId);
    if (f.agencyId) add((n) => `t.assignee_agency_id = ${n}`, f.agencyId);
    const clause = where.join(' AND ');
    const order = f.status === 'done' ? 't.completed_at DESC' : 't.due_at ASC NULLS LAST, t.created_at';
    const page = `SELECT ${TASK_COLUMNS} FROM tasks t JOIN cases c ON c.id = t.case_id
        WHERE ${clause} ORDER BY ${order}, t.id LIMIT ${f.limit} OFFSET ${f.offset}`;
    // With `audit`, the page and its list-read record are one statement.
    const read = audit ? AuditRepository.auditedPage(page, params, audit) : { sql: page, params };
    const items = await many<TaskView>(db, read.sql, read.params);
    // Counting every match of a large inbox costs more than the page itself: count up to a cap.
    const total = await single<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t JOIN cases c ON c.id = t.case_id WHERE ${clause} LIMIT ${cap + 1}) s`,
      params,
    );
    return { items, matched: total.n };
  },

  /** The task if the caller may see it; `lock` locks its row. */
  async get(db: Db, taskId: string, visible: TaskVisibility, opts: { lock?: boolean } = {}): Promise<TaskView | undefined> {
    const cases = visible.cases('c', 2);
    const tasks = visible.tasks('t', 2 + cases.params.length);
    return one<TaskView>(
      db,
      `SELECT ${TASK_COLUMNS} FROM tasks t JOIN cases c ON c.id = t.case_id
        WHERE t.id = $1 AND ${cases.sql} AND ${tasks.sql}${opts.lock ? ' FOR NO KEY UPDATE OF t' : ''}`,
      [taskId, ...cases.params, ...tasks.params],
    );
  },

  /** The first acknowledgement counts. */
  async acknowledge(db: Db, taskId: string, userId: string): Promise<void> {
    await many(
      db,
      `UPDATE tasks SET acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2), updated_at = now() WHERE id = $1`,
      [taskId, userId],
    );
  },

  async complete(db: Db, taskId: string, done: { outcome: string | null; note: string | null; userId: string }): Promise<void> {
    await many(
      db,
      `UPDATE tasks SET status = 'done', outcome = $2, note = $3, completed_at = now(), completed_by = $4, updated_at = now() WHERE id = $1`,
      [taskId, done.outcome, done.note, done.userId],
    );
  },

  /** A due date set by hand: later moves of the key date it was counted from leave it alone. */
  async setDueByHand(db: Db, taskId: string, dueAt: Date): Promise<void> {
    await many(db, `UPDATE tasks SET due_at = $2, due_set_by_hand = true, updated_at = now() WHERE id = $1`, [taskId, dueAt]);
  },

  /** Hands the task to another agency, which has not acknowledged it yet. */
  async reassign(db: Db, taskId: string, agencyId: string): Promise<void> {
    await many(
      db,
      `UPDATE tasks SET assignee_agency_id = $2, acknowledged_at = NULL, acknowledged_by = NULL, updated_at = now() WHERE id = $1`,
      [taskId, agencyId],
    );
  },

  /** The task's spec and origin (pathway instance or conference), for planning its reminders. */
  async planning(db: Db, taskId: string): Promise<TaskPlanning | undefined> {
    return one<TaskPlanning>(
      db,
      `SELECT t.case_id AS "caseId", t.spec, i.pathway_key AS "pathwayKey", i.version, t.state_id AS "stateId", t.conference_id AS "conferenceId"
         FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id WHERE t.id = $1`,
      [taskId],
    );
  },

  /** The actions agreed at a conference (the tasks its minutes opened), in order. */
  async conferenceActions(db: Db, conferenceId: string): Promise<Array<{ taskId: string; title: string; agencyId: string | null; dueAt: Date | null; status: string }>> {
    return many<{ taskId: string; title: string; agencyId: string | null; dueAt: Date | null; status: string }>(
      db,
      `SELECT id AS "taskId", title, assignee_agency_id AS "agencyId", due_at AS "dueAt", status
         FROM tasks WHERE conference_id = $1 ORDER BY created_at, id`,
      [conferenceId],
    );
  },

  // ---- For libs/domain/src/cases (H1): participants added and removed, key dates moved ----

  /**
   * Open pathway tasks of the case waiting for `role` without an agency go to `agencyId`; returns
   * them with their origin (case.service `addParticipant`).
   */
  async assignWaitingForRole(
    db: Db,
    caseId: string,
    role: string,
    agencyId: string,
  ): Promise<Array<{ id: string; dueAt: Date | null; spec: TaskSpec; pathwayKey: string; version: number; stateId: string }>> {
    return many<{ id: string; dueAt: Date | null; spec: TaskSpec; pathwayKey: string; version: number; stateId: string }>(
      db,
      `UPDATE tasks t SET assignee_agency_id = $3, updated_at = now()
         FROM pathway_instances i
        WHERE t.case_id = $1 AND t.assignee_role = $2 AND t.assignee_agency_id IS NULL AND t.status = 'open' AND i.id = t.instance_id
        RETURNING t.id, t.due_at AS "dueAt", t.spec, i.pathway_key AS "pathwayKey", i.version, t.state_id AS "stateId"`,
      [caseId, role, agencyId],
    );
  },

  /** Another agency in the same role takes the task over (its acknowledgement is kept; case.service `removeParticipant`). */
  async handOver(db: Db, taskId: string, agencyId: string): Promise<void> {
    await many(db, 'UPDATE tasks SET assignee_agency_id = $2, updated_at = now() WHERE id = $1', [taskId, agencyId]);
  },

  /** Cancels one task whatever its status (case.service `removeParticipant`). */
  async cancel(db: Db, taskId: string): Promise<void> {
    await many(db, `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = $1`, [taskId]);
  },

  /** A due date that follows its key date (key-date-moves `follow`). */
  async setDueAt(db: Db, taskId: string, dueAt: Date | null): Promise<void> {
    await many(db, `UPDATE tasks SET due_at = $2, updated_at = now() WHERE id = $1`, [taskId, dueAt]);
  },

  // ---- For libs/domain/src/pathways/migration-writer.ts (H3): an instance migrated to a new version ----

  /** Done and cancelled tasks of a renamed state move with it. */
  async moveSettledToState(db: Db, instanceId: string, fromStateId: string, toStateId: string): Promise<void> {
    await many(db, `UPDATE tasks SET state_id = $3, updated_at = now() WHERE instance_id = $1 AND state_id = $2 AND status <> 'open'`, [
      instanceId,
      fromStateId,
      toStateId,
    ]);
  },

  /** Cancels those of these tasks still open; returns their ids. */
  async cancelOpen(db: Db, taskIds: readonly string[]): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'open' RETURNING id`,
      [taskIds],
    );
    return rows.map((r) => r.id);
  },

  /** A task kept by a migration: its new state, title, spec and due date. */
  async updateKept(db: Db, kept: { taskId: string; stateId: string; title: string; spec: TaskSpec; dueAt: Date | string | null }): Promise<void> {
    await many(db, `UPDATE tasks SET state_id = $2, title = $3, spec = $4, due_at = $5, updated_at = now() WHERE id = $1`, [
      kept.taskId,
      kept.stateId,
      kept.title,
      JSON.stringify(kept.spec),
      kept.dueAt,
    ]);
  },

  /**
   * Erasure: task notes and outcomes go; a conference action's title (free text from the minutes)
   * becomes a placeholder, in the task and its spec. Definition titles, dates and states stay.
   */
  async eraseForCase(db: Db, caseId: string): Promise<void> {
    await many(
      db,
      `UPDATE tasks SET note = NULL, outcome = NULL,
              title = CASE WHEN instance_id IS NULL THEN 'Conference action (erased)' ELSE title END,
              spec = CASE WHEN instance_id IS NULL AND spec IS NOT NULL THEN (spec - 'titles') || '{"title": "Conference action (erased)"}'::jsonb ELSE spec END
        WHERE case_id = $1`,
      [caseId],
    );
  },

  /**
   * CTE body: cancels the open tasks of the plan's instance named by `cancelTasks` ({state_id,
   * task_key}), as `cancelOpenOfState` does one by one; RETURNING their ids.
   */
  cancelOfStatesCte({ plan, gate }: CteInput): string {
    return `UPDATE tasks t SET status = 'cancelled', updated_at = now()
              FROM jsonb_to_recordset(${plan}->'cancelTasks') AS x(state_id text, task_key text)
             WHERE t.instance_id = (${plan}->'instance'->>'id')::uuid AND t.state_id = x.state_id AND t.task_key = x.task_key
               AND t.status = 'open' AND ${gate}
             RETURNING t.id`;
  },

  /** CTE body: opens the plan's `tasks` ({@link PlannedTask}). */
  openCte({ plan, gate }: CteInput): string {
    return `INSERT INTO tasks (id, case_id, instance_id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, spec)
            SELECT id, case_id, instance_id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, spec
              FROM jsonb_to_recordset(${plan}->'tasks')
                   AS x(id uuid, case_id uuid, instance_id uuid, state_id text, task_key text, title text, assignee_role text, assignee_agency_id uuid, due_at timestamptz, spec jsonb)
             WHERE ${gate}`;
  },
};
