import pg from 'pg';
import { firstOf } from '../support/defined.js';
import { log } from '../support/log.js';

export interface ScaleSeedInput {
  cases: number;
  tasksPerCase: number;
  eventsPerCase: number;
  /** The bench city (leads most cases; its case manager lists them). */
  cityId: string;
  /** The agency whose staff inbox is measured; takes part in 60% of cases. */
  inboxAgencyId: string;
  /** Partner agencies made over the API; more are added here so there are 20 partners. */
  partnerIds: string[];
  /** Real pathway instances to copy (snapshot and state) into the seeded cases, by pathway key. */
  templates: Array<{ key: string; version: number; snapshot: unknown; stateValue: unknown }>;
}

export interface ScaleSeedResult {
  cases: number;
  tasks: number;
  events: number;
  openTasksOfInboxAgency: number;
  ms: number;
}

const PARTNERS = 20;

/**
 * Bulk data with generate_series, spread the way a large partnership's would be: a second local
 * authority leads 30% of cases, 20% of cases are closed, each case has four partners (the inbox
 * agency in 60% of cases), ten tasks per case by default (60% done, 35% open, 5% cancelled; due
 * dates from a month overdue to two months ahead), one pathway instance and a timeline.
 */
export async function seedScale(url: string, input: ScaleSeedInput): Promise<ScaleSeedResult> {
  const started = Date.now();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // Foreign keys are checked per row; a superuser can skip them for the bulk load (ours are consistent).
    await c.query(`SET session_replication_role = replica`).catch(() => log('  (not superuser: foreign keys checked during the seed)'));
    const extra = await c.query<{ id: string }>(
      `INSERT INTO agencies (name, kind) SELECT 'Seed partner ' || g || ' ' || md5(random()::text), 'other' FROM generate_series(1, $1) g RETURNING id`,
      [PARTNERS - input.partnerIds.length],
    );
    const partners = [...input.partnerIds.filter((id) => id !== input.inboxAgencyId), ...extra.rows.map((r) => r.id)];
    const otherCity = firstOf((await c.query<{ id: string }>(`INSERT INTO agencies (name, kind) VALUES ('Seed city ' || md5(random()::text), 'local_authority') RETURNING id`)).rows, 'INSERT … RETURNING').id;

    await c.query(`CREATE TEMP TABLE seed_case AS
      SELECT g AS n, gen_random_uuid() AS id, gen_random_uuid() AS instance_id,
             now() - (random() * interval '730 days') AS created_at,
             CASE WHEN g % 5 = 4 THEN 'closed' ELSE 'open' END AS status,
             CASE WHEN g % 10 < 7 THEN $2::uuid ELSE $3::uuid END AS lead
        FROM generate_series(1, $1) g`, [input.cases, input.cityId, otherCity]);
    await c.query(`INSERT INTO cases (id, reference, status, subject, lead_agency_id, created_at, updated_at, closed_at)
      SELECT id, 'CNV-SEED-' || lpad(n::text, 7, '0'), status, jsonb_build_object('name', 'Seed subject ' || n), lead,
             created_at, created_at, CASE WHEN status = 'closed' THEN created_at + interval '200 days' END
        FROM seed_case`);
    log(`  cases: ${input.cases}`);

    // Participants: the lead as coordinator, four partners, the inbox agency in 60% of cases.
    await c.query(`INSERT INTO case_participants (case_id, agency_id, role, added_at)
      SELECT id, lead, 'coordinator', created_at FROM seed_case
      UNION ALL
      SELECT s.id, ($1::uuid[])[((s.n * 3 + j * 7) % array_length($1::uuid[], 1)) + 1], 'partner' || j, s.created_at
        FROM seed_case s, generate_series(0, 3) j
      UNION ALL
      SELECT id, $2::uuid, 'probation', created_at FROM seed_case WHERE n % 5 < 3`, [partners, input.inboxAgencyId]);

    const keys = input.templates.map((t) => t.key);
    await c.query(`INSERT INTO pathway_instances (id, case_id, pathway_key, version, snapshot, state_value, status, created_at, updated_at)
      SELECT s.id_i, s.id, t.key, t.version, t.snapshot, t.state_value,
             CASE WHEN s.status = 'closed' THEN 'done' ELSE 'active' END, s.created_at, s.created_at
        FROM (SELECT id, instance_id AS id_i, status, created_at, n FROM seed_case) s
        JOIN (SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[], $4::jsonb[]) WITH ORDINALITY AS t(key, version, snapshot, state_value, k)) t
          ON t.k = (s.n % array_length($1::text[], 1)) + 1`, [
      keys,
      input.templates.map((t) => t.version),
      input.templates.map((t) => JSON.stringify(t.snapshot)),
      input.templates.map((t) => JSON.stringify(t.stateValue)),
    ]);

    // Tasks: slot t of case n; the inbox agency owns slots 0–2 of its cases, partners the rest.
    await c.query(`INSERT INTO tasks (case_id, instance_id, state_id, task_key, title, assignee_role, assignee_agency_id,
                                      due_at, status, completed_at, created_at, updated_at)
      SELECT s.id, s.instance_id, 'seed', 'seed-' || t, 'Seed task ' || t || ' of case ' || s.n,
             CASE WHEN s.n % 5 < 3 AND t < 3 THEN 'probation' ELSE 'partner' || (t % 4) END,
             CASE WHEN s.n % 5 < 3 AND t < 3 THEN $2::uuid
                  ELSE ($1::uuid[])[((s.n * 3 + (t % 4) * 7) % array_length($1::uuid[], 1)) + 1] END,
             CASE WHEN x.st = 'open' THEN now() + (random() * 90 - 30) * interval '1 day'
                  ELSE s.created_at + (t + 5) * interval '1 day' END,
             x.st,
             CASE WHEN x.st = 'done' THEN s.created_at + (t + 3) * interval '1 day' END,
             s.created_at + t * interval '1 day', s.created_at + t * interval '1 day'
        FROM seed_case s, generate_series(0, $3 - 1) t,
             LATERAL (SELECT CASE
               WHEN s.status = 'closed' THEN CASE WHEN (s.n + t) % 10 = 0 THEN 'cancelled' ELSE 'done' END
               WHEN ((s.n * 31 + t * 17) % 100) < 60 THEN 'done'
               WHEN ((s.n * 31 + t * 17) % 100) < 95 THEN 'open'
               ELSE 'cancelled' END AS st) x`, [partners, input.inboxAgencyId, input.tasksPerCase]);
    log(`  tasks: ${input.cases * input.tasksPerCase}`);

    await c.query(`INSERT INTO case_events (case_id, instance_id, type, data, from_state, to_state, revision, at)
      SELECT s.id, s.instance_id, (ARRAY['pathway.started', 'task.completed', 'SUBMIT', 'REVIEW_NOW', 'participant.added'])[(e % 5) + 1],
             jsonb_build_object('seed', e), '"interval"', '"updates"', e + 1, s.created_at + e * interval '6 hours'
        FROM seed_case s, generate_series(0, $1 - 1) e`, [input.eventsPerCase]);
    log(`  case events: ${input.cases * input.eventsPerCase}`);
    await c.query(`RESET session_replication_role`).catch(() => undefined);
    // An established database has been vacuumed (autovacuum): visibility map set, index-only scans
    // without heap visits. A bulk load leaves it unset until then, so the seed vacuums once.
    await c.query('VACUUM ANALYZE');
    const open = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE assignee_agency_id = $1 AND status = 'open'`,
      [input.inboxAgencyId],
    );
    return {
      cases: input.cases,
      tasks: input.cases * input.tasksPerCase,
      events: input.cases * input.eventsPerCase,
      openTasksOfInboxAgency: firstOf(open.rows, 'open task count').n,
      ms: Date.now() - started,
    };
  } finally {
    await c.end();
  }
}
