import { many, single, type CteInput, type Db } from '../db.js';

/** One entry of a case's event log (`case_events`), as written. */
export interface CaseEventInput {
  caseId: string;
  type: string;
  /** The pathway instance the event belongs to; null for case-level events. */
  instanceId?: string | null;
  actorUserId?: string | null;
  actorAgencyId?: string | null;
  /** Stored as JSON; undefined and null are stored as SQL NULL. */
  data?: unknown;
  fromState?: unknown;
  toState?: unknown;
  revision?: number | null;
}

/** A `case_events` row of a one-statement write (`appendCte`); JSON columns as JSON (null: SQL NULL). */
export interface PlannedCaseEvent {
  case_id: string;
  instance_id: string | null;
  type: string;
  data: unknown;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  from_state: unknown;
  to_state: unknown;
  revision: number | null;
}

/** Owner of `case_events`: the one place the event log is written. */
export const CaseEventRepository = {
  /** Appends one event to the case's log. */
  async append(db: Db, event: CaseEventInput): Promise<void> {
    await CaseEventRepository.appendMany(db, [event]);
  },

  /** Appends several events in one statement, in the order given. */
  async appendMany(db: Db, events: readonly CaseEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    await many(
      db,
      `INSERT INTO case_events (case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision)
       SELECT case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::jsonb[], $9::int[])
              WITH ORDINALITY AS e(case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision, n)
        ORDER BY n`,
      [
        events.map((e) => e.caseId),
        events.map((e) => e.instanceId ?? null),
        events.map((e) => e.type),
        events.map((e) => json(e.data)),
        events.map((e) => e.actorUserId ?? null),
        events.map((e) => e.actorAgencyId ?? null),
        events.map((e) => json(e.fromState)),
        events.map((e) => json(e.toState)),
        events.map((e) => e.revision ?? null),
      ],
    );
  },

  /** How many times the task was reassigned (its `task.reassigned` events): numbers each reassignment's notice (H2, TaskService). */
  async countTaskReassignments(db: Db, taskId: string): Promise<number> {
    return (
      await single<{ n: number }>(db, `SELECT count(*)::int AS n FROM case_events WHERE type = 'task.reassigned' AND data->>'taskId' = $1`, [taskId])
    ).n;
  },

  /** Erasure: every event's data goes (who caused a system step stays); types, states, revisions and times stay. */
  async eraseDataForCase(db: Db, caseId: string): Promise<void> {
    await many(
      db,
      `UPDATE case_events SET data = CASE WHEN data ? 'system' THEN jsonb_build_object('system', data->'system') ELSE NULL END
        WHERE case_id = $1 AND data IS NOT NULL`,
      [caseId],
    );
  },

  /** CTE body: appends the plan's `events` ({@link PlannedCaseEvent}, in order) when the gate holds. */
  appendCte({ plan, gate }: CteInput): string {
    return `INSERT INTO case_events (case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision)
            SELECT case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision
              FROM ROWS FROM (jsonb_to_recordset(${plan}->'events')
                     AS (case_id uuid, instance_id uuid, type text, data jsonb, actor_user_id uuid, actor_agency_id uuid, from_state jsonb, to_state jsonb, revision int))
                   WITH ORDINALITY AS e(case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision, n)
             WHERE ${gate} ORDER BY n`;
  },
};
