import type { SqlCondition } from '../cases/case.repository.js';
import { many, type Db } from '../db.js';

/**
 * Read-only aggregates for the case managers' dashboard. Each query takes the caller's visibility
 * as SQL conditions (AccessService: `cases` alias `c`, `tasks` alias `t`) numbered from the
 * placeholder it is given, so the figures only ever count what the caller may see one by one.
 * It owns no table: it writes nothing.
 */
export interface OpenCasesByStep {
  pathway: string;
  /** The newest version among them: its titles name the state. */
  version: number;
  state: unknown;
  cases: number;
}

export interface AgencyTaskLoad {
  agencyId: string;
  agencyName: string | null;
  open: number;
  overdue: number;
  dueSoon: number;
}

export interface UpcomingConference {
  id: string;
  caseId: string;
  caseReference: string;
  scheduledAt: Date;
  durationMinutes: number;
  location: string | null;
}

export interface WeeklyOverdue {
  week: number;
  agencyId: string;
  overdue: number;
}

export interface StepDuration {
  pathway: string;
  version: number;
  state: unknown;
  medianDays: number;
  p90Days: number;
  samples: number;
}

/** Renumbers a condition's placeholders to start after `params`, and appends its values. */
function bind(params: unknown[], condition: (first: number) => SqlCondition): string {
  const c = condition(params.length + 1);
  params.push(...c.params);
  return c.sql;
}

export const DashboardRepository = {
  /** Active pathway instances of open cases, counted per pathway version and state. */
  async openCasesByStep(db: Db, visible: (first: number) => SqlCondition): Promise<OpenCasesByStep[]> {
    const params: unknown[] = [];
    const where = bind(params, visible);
    return many<OpenCasesByStep>(
      db,
      `SELECT i.pathway_key AS pathway, max(i.version)::int AS version, i.state_value AS state, count(DISTINCT c.id)::int AS cases
         FROM pathway_instances i JOIN cases c ON c.id = i.case_id
        WHERE i.status = 'active' AND c.status = 'open' AND ${where}
        GROUP BY i.pathway_key, i.state_value
        ORDER BY i.pathway_key, cases DESC`,
      params,
    );
  },

  /** Open tasks per assignee agency: all, past due at `now`, and due within `soonDays`. */
  async taskLoad(
    db: Db,
    now: Date,
    soonDays: number,
    visible: (first: number) => SqlCondition,
    visibleTasks: (first: number) => SqlCondition,
  ): Promise<AgencyTaskLoad[]> {
    const params: unknown[] = [now, soonDays];
    const cases = bind(params, visible);
    const tasks = bind(params, visibleTasks);
    return many<AgencyTaskLoad>(
      db,
      `SELECT t.assignee_agency_id AS "agencyId", a.name AS "agencyName", count(*)::int AS open,
              (count(*) FILTER (WHERE t.due_at < $1))::int AS overdue,
              (count(*) FILTER (WHERE t.due_at >= $1 AND t.due_at < $1::timestamptz + make_interval(days => $2::int)))::int AS "dueSoon"
         FROM tasks t JOIN cases c ON c.id = t.case_id LEFT JOIN agencies a ON a.id = t.assignee_agency_id
        WHERE t.status = 'open' AND t.assignee_agency_id IS NOT NULL AND ${cases} AND ${tasks}
        GROUP BY t.assignee_agency_id, a.name
        ORDER BY overdue DESC, open DESC, a.name`,
      params,
    );
  },

  /** Scheduled conferences from `now` to `now + days`, soonest first. */
  async upcomingConferences(db: Db, now: Date, days: number, limit: number, visible: (first: number) => SqlCondition): Promise<UpcomingConference[]> {
    const params: unknown[] = [now, days];
    const where = bind(params, visible);
    return many<UpcomingConference>(
      db,
      `SELECT f.id, f.case_id AS "caseId", c.reference AS "caseReference", f.scheduled_at AS "scheduledAt",
              f.duration_minutes AS "durationMinutes", f.location
         FROM conferences f JOIN cases c ON c.id = f.case_id
        WHERE f.status = 'scheduled' AND f.scheduled_at >= $1 AND f.scheduled_at < $1::timestamptz + make_interval(days => $2::int) AND ${where}
        ORDER BY f.scheduled_at, f.id LIMIT ${Math.max(1, Math.min(200, Math.trunc(limit)))}`,
      params,
    );
  },

  /**
   * Tasks overdue per agency at the end of each of the last `weeks` weeks (week 0 ends at `now`):
   * due before that moment, created by then, and not yet completed or cancelled then. Only tasks
   * that were open at some point of the window are read (`due_at < now` and open or closed since).
   */
  async weeklyOverdue(
    db: Db,
    now: Date,
    weeks: number,
    visible: (first: number) => SqlCondition,
    visibleTasks: (first: number) => SqlCondition,
  ): Promise<WeeklyOverdue[]> {
    const params: unknown[] = [now, weeks];
    const cases = bind(params, visible);
    const tasks = bind(params, visibleTasks);
    return many<WeeklyOverdue>(
      db,
      `WITH candidates AS (
         SELECT t.assignee_agency_id, t.due_at, t.created_at, t.status, coalesce(t.completed_at, t.updated_at) AS closed_at
           FROM tasks t JOIN cases c ON c.id = t.case_id
          WHERE t.due_at < $1 AND t.assignee_agency_id IS NOT NULL
            AND (t.status = 'open' OR coalesce(t.completed_at, t.updated_at) > $1::timestamptz - make_interval(days => 7 * $2::int))
            AND ${cases} AND ${tasks})
       SELECT w.i AS week, k.assignee_agency_id AS "agencyId", count(*)::int AS overdue
         FROM generate_series(0, $2::int - 1) AS w(i)
         JOIN candidates k ON k.due_at < $1::timestamptz - make_interval(days => 7 * w.i)
                          AND k.created_at <= $1::timestamptz - make_interval(days => 7 * w.i)
                          AND (k.status = 'open' OR k.closed_at > $1::timestamptz - make_interval(days => 7 * w.i))
        GROUP BY w.i, k.assignee_agency_id`,
      params,
    );
  },

  /**
   * How long instances stayed in each state they have left since `since`: from the event that
   * entered it (start or transition) to the next state change, median and 90th percentile in days.
   */
  async stepDurations(db: Db, since: Date, visible: (first: number) => SqlCondition): Promise<StepDuration[]> {
    const params: unknown[] = [since];
    const where = bind(params, visible);
    return many<StepDuration>(
      db,
      `WITH entered AS (
         SELECT i.pathway_key, i.version, e.to_state, e.at AS entered_at,
                lead(e.at) OVER (PARTITION BY e.instance_id ORDER BY e.at, e.id) AS left_at
           FROM case_events e JOIN pathway_instances i ON i.id = e.instance_id JOIN cases c ON c.id = e.case_id
          WHERE e.to_state IS NOT NULL AND (e.from_state IS NULL OR e.from_state IS DISTINCT FROM e.to_state)
            AND e.at >= $1 AND ${where})
       SELECT pathway_key AS pathway, max(version)::int AS version, to_state AS state,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) / 86400)::float8 AS "medianDays",
              (percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) / 86400)::float8 AS "p90Days",
              count(*)::int AS samples
         FROM entered WHERE left_at IS NOT NULL
        GROUP BY pathway_key, to_state
        ORDER BY pathway_key`,
      params,
    );
  },

  /** Names of the given agencies (for chart legends). */
  async agencyNames(db: Db, ids: string[]): Promise<Array<{ id: string; name: string }>> {
    if (ids.length === 0) return [];
    return many<{ id: string; name: string }>(db, `SELECT id, name FROM agencies WHERE id = ANY($1::uuid[])`, [ids]);
  },
};
