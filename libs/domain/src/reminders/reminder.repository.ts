import { many, one, type CteInput, type Db } from '../db.js';
import { UNSETTLED_PAGE, unsettledParams, type UnsettledPage } from '../reconcile/reconcile.repository.js';

/** What a reminder hangs on: a task (its reminders), or a conference itself (`taskId` unset). */
export interface ReminderOwner {
  taskId?: string;
  conferenceId?: string;
}

/** A reminder to store; `skipped` ones are only kept for the record. */
export interface ReminderRecord {
  agencyId: string;
  kind: string;
  dueAt: Date;
  rule: Record<string, unknown> & { offset: string };
  skipped?: boolean;
}

/** A reminder as its dispatcher reads it. */
export interface Reminder {
  id: string;
  caseId: string;
  taskId: string | null;
  conferenceId: string | null;
  agencyId: string;
  kind: string;
  status: string;
  generation: number;
  dueAt: Date;
  rule: Record<string, unknown>;
}

/** A reminder job's identity: the row and its generation (the job id carries both). */
export interface ReminderJobRef {
  id: string;
  generation: number;
}

/** `$1` is the task id, or the conference id (the conference's own reminders, not its tasks'). */
/** A task's reminder a one-statement write schedules (`insertCte`), its id chosen by the writer. */
export interface PlannedReminderRow {
  id: string;
  case_id: string;
  task_id: string;
  agency_id: string;
  kind: string;
  due_at: string;
  rule: Record<string, unknown>;
  status: 'pending' | 'skipped';
}

const ownedBy = (owner: ReminderOwner) => (owner.taskId ? 'task_id = $1' : 'conference_id = $1 AND task_id IS NULL');

/** Owner of `reminders`: rows are the source of truth; their jobs go through the outbox (ReminderWriter). */
export const ReminderRepository = {
  async insert(db: Db, caseId: string, owner: ReminderOwner, planned: readonly ReminderRecord[]): Promise<Array<ReminderJobRef & { dueAt: Date; status: string }>> {
    if (planned.length === 0) return [];
    return many<ReminderJobRef & { dueAt: Date; status: string }>(
      db,
      `INSERT INTO reminders (case_id, task_id, conference_id, agency_id, kind, due_at, rule, status)
       SELECT $1, $2, $3, * FROM unnest($4::uuid[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::text[])
       RETURNING id, generation, due_at AS "dueAt", status`,
      [
        caseId,
        owner.taskId ?? null,
        owner.conferenceId ?? null,
        planned.map((p) => p.agencyId),
        planned.map((p) => p.kind),
        planned.map((p) => p.dueAt.toISOString()),
        planned.map((p) => JSON.stringify(p.rule)),
        planned.map((p) => (p.skipped ? 'skipped' : 'pending')),
      ],
    );
  },

  /** The owner's pending reminders, locked, in id order. */
  async lockPending(db: Db, owner: ReminderOwner): Promise<Array<{ id: string; agencyId: string; kind: string; offset: string; dueAt: Date }>> {
    return many<{ id: string; agencyId: string; kind: string; offset: string; dueAt: Date }>(
      db,
      `SELECT id, agency_id AS "agencyId", kind, rule->>'offset' AS offset, due_at AS "dueAt" FROM reminders
        WHERE status = 'pending' AND ${ownedBy(owner)}
        ORDER BY id FOR NO KEY UPDATE`,
      [owner.taskId ?? owner.conferenceId],
    );
  },

  /** True when the owner has a reminder (any status) for this agency, kind, offset and time. */
  async exists(db: Db, owner: ReminderOwner, plan: ReminderRecord): Promise<boolean> {
    const rows = await many(
      db,
      `SELECT 1 FROM reminders WHERE ${ownedBy(owner)}
          AND agency_id = $2 AND kind = $3 AND rule->>'offset' = $4 AND due_at = $5 LIMIT 1`,
      [owner.taskId ?? owner.conferenceId, plan.agencyId, plan.kind, plan.rule.offset, plan.dueAt.toISOString()],
    );
    return rows.length > 0;
  },

  /** Moves pending reminders to new times, each to its next generation. */
  async move(db: Db, moves: ReadonlyArray<{ id: string; dueAt: Date }>): Promise<Array<ReminderJobRef & { dueAt: Date }>> {
    if (moves.length === 0) return [];
    return many<ReminderJobRef & { dueAt: Date }>(
      db,
      `UPDATE reminders r SET due_at = m.due_at, generation = r.generation + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::timestamptz[]) AS m(id, due_at)
        WHERE r.id = m.id AND r.status = 'pending'
        RETURNING r.id, r.generation, r.due_at AS "dueAt"`,
      [moves.map((m) => m.id), moves.map((m) => m.dueAt.toISOString())],
    );
  },

  /**
   * Cancels the pending reminders with these ids, of these tasks, or of a conference itself;
   * `reason` is kept in their rule. Returns what was cancelled.
   */
  async cancelPending(
    db: Db,
    which: { ids: readonly string[] } | { taskIds: readonly string[] } | { conferenceId: string },
    reason?: string,
  ): Promise<ReminderJobRef[]> {
    const [condition, value] =
      'ids' in which
        ? ['id = ANY($1::uuid[])', which.ids]
        : 'taskIds' in which
          ? ['task_id = ANY($1::uuid[])', which.taskIds]
          : ['conference_id = $1 AND task_id IS NULL', which.conferenceId];
    if (Array.isArray(value) && value.length === 0) return [];
    return many<ReminderJobRef>(
      db,
      `UPDATE reminders SET status = 'cancelled', updated_at = now(),
              rule = CASE WHEN $2::text IS NULL THEN rule ELSE rule || jsonb_build_object('cancelled', $2::text) END
        WHERE ${condition} AND status = 'pending' RETURNING id, generation`,
      [value, reason ?? null],
    );
  },

  /** The reminder, locked for dispatch. */
  async lockForDispatch(db: Db, reminderId: string): Promise<Reminder | undefined> {
    return one<Reminder>(
      db,
      `SELECT id, case_id AS "caseId", task_id AS "taskId", conference_id AS "conferenceId", agency_id AS "agencyId",
              kind, status, generation, due_at AS "dueAt", rule
         FROM reminders WHERE id = $1 FOR NO KEY UPDATE`,
      [reminderId],
    );
  },

  /** The reminders, locked for dispatch in id order (a batch of due reminders; no deadlock between batches). */
  async lockManyForDispatch(db: Db, reminderIds: readonly string[]): Promise<Reminder[]> {
    return many<Reminder>(
      db,
      `SELECT id, case_id AS "caseId", task_id AS "taskId", conference_id AS "conferenceId", agency_id AS "agencyId",
              kind, status, generation, due_at AS "dueAt", rule
         FROM reminders WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
      [reminderIds],
    );
  },

  /** Marks each reminder `sent` or `skipped`, in one statement. */
  async markDispatched(db: Db, outcomes: ReadonlyArray<{ id: string; status: 'sent' | 'skipped' }>): Promise<void> {
    if (outcomes.length === 0) return;
    await many(
      db,
      `UPDATE reminders r SET status = x.status, updated_at = now(), sent_at = CASE WHEN x.status = 'sent' THEN now() ELSE r.sent_at END
         FROM unnest($1::uuid[], $2::text[]) AS x(id, status) WHERE r.id = x.id`,
      [outcomes.map((o) => o.id), outcomes.map((o) => o.status)],
    );
  },

  async markSkipped(db: Db, reminderId: string): Promise<void> {
    await many(db, `UPDATE reminders SET status = 'skipped', updated_at = now() WHERE id = $1`, [reminderId]);
  },

  async markSent(db: Db, reminderId: string): Promise<void> {
    await many(db, `UPDATE reminders SET status = 'sent', sent_at = now(), updated_at = now() WHERE id = $1`, [reminderId]);
  },

  /** The offsets a conference's own reminders were planned with (every status), sorted. */
  async conferenceOffsets(db: Db, conferenceId: string): Promise<string[]> {
    const rows = await many<{ offset: string }>(
      db,
      `SELECT DISTINCT rule->>'offset' AS offset FROM reminders WHERE conference_id = $1 AND task_id IS NULL ORDER BY 1`,
      [conferenceId],
    );
    return rows.map((r) => r.offset);
  },

  /** Pending reminders in due order whose job is not waiting in the outbox (reconciler). */
  async unsettled(db: Db, page: UnsettledPage): Promise<Array<ReminderJobRef & { due: Date }>> {
    return many<ReminderJobRef & { due: Date }>(
      db,
      `SELECT id, generation, due FROM (SELECT id, generation, due_at AS due, 'reminder.' || id::text || '.' || generation AS job_id
                                          FROM reminders WHERE status = 'pending') x WHERE ${UNSETTLED_PAGE}`,
      unsettledParams(page),
    );
  },

  /**
   * Pending reminders of these tasks due at the very moment one of the same kind was already sent
   * to the same agency are `skipped` (a pathway migration must not send them twice). Returns them.
   * For libs/domain/src/pathways/migration-writer.ts (`skipAlreadySent`).
   */
  async skipAlreadySent(db: Db, taskIds: readonly string[]): Promise<ReminderJobRef[]> {
    if (taskIds.length === 0) return [];
    return many<ReminderJobRef>(
      db,
      `UPDATE reminders n SET status = 'skipped', updated_at = now()
        WHERE n.task_id = ANY($1::uuid[]) AND n.status = 'pending'
          AND EXISTS (SELECT 1 FROM reminders s WHERE s.task_id = n.task_id AND s.status = 'sent'
                       AND s.kind = n.kind AND s.agency_id = n.agency_id AND s.due_at = n.due_at)
        RETURNING n.id, n.generation`,
      [taskIds],
    );
  },

  /** CTE body: cancels the pending reminders of the tasks in CTE `tasks` (its `id`); RETURNING id, generation. */
  cancelForTasksCte(tasks: string): string {
    return `UPDATE reminders SET status = 'cancelled', updated_at = now()
             WHERE task_id IN (SELECT id FROM ${tasks}) AND status = 'pending'
             RETURNING id, generation`;
  },

  /** CTE body: inserts the plan's `reminders` ({@link PlannedReminderRow}; generation 1). */
  insertCte({ plan, gate }: CteInput): string {
    return `INSERT INTO reminders (id, case_id, task_id, agency_id, kind, due_at, rule, status)
            SELECT id, case_id, task_id, agency_id, kind, due_at, rule, status
              FROM jsonb_to_recordset(${plan}->'reminders')
                   AS x(id uuid, case_id uuid, task_id uuid, agency_id uuid, kind text, due_at timestamptz, rule jsonb, status text)
             WHERE ${gate}`;
  },
};
