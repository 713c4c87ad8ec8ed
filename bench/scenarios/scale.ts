import pg from 'pg';
import { SystemClock } from '../../libs/core/src/clock/clock.js';
import type { AppConfig } from '../../libs/core/src/config/config.schema.js';
import { AccessService } from '../../libs/domain/src/access/access.service.js';
import { AuditService } from '../../libs/domain/src/audit/audit.service.js';
import { CaseService } from '../../libs/domain/src/cases/case.service.js';
import { IdempotencyService } from '../../libs/domain/src/idempotency/idempotency.service.js';
import { KeyDateMoves } from '../../libs/domain/src/cases/key-date-moves.js';
import { DashboardService } from '../../libs/domain/src/dashboard/dashboard.service.js';
import { CaseErasure } from '../../libs/domain/src/governance/case-erasure.js';
import type { Actor } from '../../libs/domain/src/identity/actor.js';
import { InstanceService } from '../../libs/domain/src/instances/instance.service.js';
import { NotificationWriter } from '../../libs/domain/src/notifications/notification-writer.js';
import { PathwayCatalog } from '../../libs/domain/src/pathways/pathway-catalog.service.js';
import { ReminderWriter } from '../../libs/domain/src/reminders/reminder-writer.js';
import { TaskService } from '../../libs/domain/src/tasks/task.service.js';
import { TaskWriter } from '../../libs/domain/src/tasks/task-writer.js';
import type { ApiClient, Partnership } from '../support/api-client.js';
import { firstOf } from '../support/defined.js';
import { log } from '../support/log.js';
import { summarise, type LatencySummary } from '../support/stats.js';
import { measureAuditOverhead, type AuditOverhead } from '../scale/audit-overhead.js';
import { explainAll, type PlanSummary } from '../scale/explain.js';
import { recordingDataSource, type RecordedQuery } from '../scale/recording-data-source.js';
import { seedScale, type ScaleSeedResult } from '../scale/seed.js';

export interface QueryTiming {
  name: string;
  path: string;
  latencyMs: LatencySummary;
  plans: PlanSummary[];
}

export interface ScaleResult {
  seed: ScaleSeedResult;
  timelineEndpoint: boolean;
  queries: QueryTiming[];
  /** The audit record's share of the case list's and inbox's database time (same run, interleaved). */
  auditOverhead: AuditOverhead[];
}

const TEMPLATE_KEYS = ['review', 'referral', 'release-planning'];

/** Starts each pathway once over the API and reads back its instance, to copy into seeded cases. */
async function pathwayTemplates(api: ApiClient, p: Partnership, pool: pg.Pool) {
  const templates: Array<{ key: string; version: number; snapshot: unknown; stateValue: unknown }> = [];
  for (const key of TEMPLATE_KEYS) {
    const created = await api.expect<{ id: string }>(201, 'POST', '/api/cases', {
      token: p.city.token,
      body: { subject: { name: `Template ${key}` }, leadAgencyId: p.city.id, keyDates: { releaseDate: '2027-06-01' } },
    });
    const started = await api.request<{ instanceId: string }>('POST', `/api/cases/${created.id}/pathways`, { token: p.city.token, body: { key } });
    if (started.status !== 201) continue;
    const { rows } = await pool.query<{ version: number; snapshot: unknown; state_value: unknown }>(
      `SELECT version, snapshot, state_value FROM pathway_instances WHERE id = $1`,
      [started.body.instanceId],
    );
    const instance = firstOf(rows, `pathway instance ${started.body.instanceId}`);
    templates.push({ key, version: instance.version, snapshot: instance.snapshot, stateValue: instance.state_value });
  }
  if (templates.length === 0) throw new Error('no pathway could be started for the scale templates');
  return templates;
}

/** The domain services wired to a recording data source (no Nest container needed). */
function recordingServices(pool: pg.Pool, sink: RecordedQuery[]) {
  const ds = recordingDataSource(pool, sink);
  const access = new AccessService();
  const audit = new AuditService(ds);
  const config = { publicUrl: 'http://127.0.0.1', defaultCountry: 'NL' } as AppConfig;
  const notifications = new NotificationWriter(config);
  const reminders = new ReminderWriter();
  const clock = new SystemClock();
  const catalog = new PathwayCatalog(ds, audit);
  const instances = new InstanceService(ds, catalog, new TaskWriter(reminders, notifications), notifications, config, clock, new CaseErasure(config, audit, clock));
  return {
    ds,
    tasks: new TaskService(ds, access, audit, instances, reminders, notifications, clock),
    cases: new CaseService(ds, access, audit, instances, reminders, new KeyDateMoves(reminders, config), clock, new IdempotencyService(ds)),
    dashboard: new DashboardService(ds, access, audit, catalog, clock),
  };
}

/** Sequential GETs; stops early after `budgetMs` (a slow query must not hold the run for minutes). */
async function timeRequests(api: ApiClient, token: string, paths: string[], budgetMs = 30_000): Promise<LatencySummary> {
  const latencies: number[] = [];
  const started = performance.now();
  for (const path of paths) {
    if (latencies.length >= 10 && performance.now() - started > budgetMs) break;
    const t = performance.now();
    const res = await api.request('GET', path, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    latencies.push(performance.now() - t);
  }
  return summarise(latencies);
}

/**
 * Seeds the volume, then times the read paths over HTTP (sequential requests, after a warm-up) and
 * EXPLAINs the exact SQL behind each one.
 */
export async function runScale(
  api: ApiClient,
  p: Partnership,
  databaseUrl: string,
  opts: { cases: number; tasksPerCase: number; eventsPerCase: number; repeats: number },
): Promise<ScaleResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    const templates = await pathwayTemplates(api, p, pool);
    const inbox = firstOf(p.partners, 'partner agencies');
    log(`seeding ${opts.cases} cases, ${opts.cases * opts.tasksPerCase} tasks`);
    const seed = await seedScale(databaseUrl, {
      ...opts,
      cityId: p.city.id,
      inboxAgencyId: inbox.id,
      partnerIds: p.partners.map((a) => a.id),
      templates,
    });
    log(`  seeded in ${seed.ms} ms; the inbox agency has ${seed.openTasksOfInboxAgency} open tasks`);

    const staff: Actor = { userId: inbox.userId, email: '', name: '', agencyId: inbox.id, roles: ['agency_staff'] };
    const manager: Actor = { userId: p.city.userId, email: '', name: '', agencyId: p.city.id, roles: ['case_manager'] };
    const caseIds = (
      await pool.query<{ id: string }>(
        `SELECT id FROM cases WHERE lead_agency_id = $1 AND reference LIKE 'CNV-SEED-%' ORDER BY md5(id::text) LIMIT $2`,
        [p.city.id, opts.repeats],
      )
    ).rows.map((r) => r.id);
    const probe = await api.request('GET', `/api/cases/${caseIds[0]}/timeline`, { token: p.city.token });
    const timelineEndpoint = probe.status === 200;

    const n = opts.repeats;
    const repeat = (path: string) => Array.from({ length: n }, () => path);
    const queries: QueryTiming[] = [];
    const measure = async (name: string, token: string, paths: string[], explain: (svc: ReturnType<typeof recordingServices>) => Promise<unknown>) => {
      await timeRequests(api, token, paths.slice(0, Math.min(10, paths.length))); // warm-up: JIT, plan cache, buffers
      const latencyMs = await timeRequests(api, token, paths);
      const sink: RecordedQuery[] = [];
      await explain(recordingServices(pool, sink));
      const plans = await explainAll(pool, sink);
      queries.push({ name, path: firstOf(paths, name), latencyMs, plans });
      log(`  ${name}: p50 ${latencyMs.p50} ms, p95 ${latencyMs.p95} ms`);
    };

    await measure('agency inbox (open)', inbox.token, repeat('/api/tasks?status=open'), (s) =>
      s.tasks.list(staff, { status: 'open', limit: 50, offset: 0 }));
    await measure('agency inbox (overdue)', inbox.token, repeat('/api/tasks?status=overdue'), (s) =>
      s.tasks.list(staff, { status: 'overdue', limit: 50, offset: 0 }));
    await measure('case list: open', p.city.token, repeat('/api/cases?status=open'), (s) =>
      s.cases.list(manager, { status: 'open', limit: 50, offset: 0 }));
    await measure('case list: open, agency + pathway', p.city.token, repeat(`/api/cases?status=open&agencyId=${inbox.id}&pathway=review`), (s) =>
      s.cases.list(manager, { status: 'open', agencyId: inbox.id, pathway: 'review', limit: 50, offset: 0 }));
    await measure('case list: overdue', p.city.token, repeat('/api/cases?overdue=true'), (s) =>
      s.cases.list(manager, { overdue: true, limit: 50, offset: 0 }));
    await measure('case list: reference search', p.city.token, repeat('/api/cases?q=SEED-00123'), (s) =>
      s.cases.list(manager, { q: 'SEED-00123', limit: 50, offset: 0 }));
    await measure('dashboard summary', p.city.token, repeat('/api/dashboard/summary'), (s) => s.dashboard.summary(manager));
    await measure('dashboard overdue trend', p.city.token, repeat('/api/dashboard/overdue-trend'), (s) => s.dashboard.overdueTrend(manager, 12));
    await measure('dashboard step durations', p.city.token, repeat('/api/dashboard/step-durations'), (s) => s.dashboard.stepDurations(manager));
    await measure('case detail', p.city.token, caseIds.map((id) => `/api/cases/${id}`), (s) =>
      s.ds.transaction((tx) => s.cases.detail(tx, manager, firstOf(caseIds, 'seeded cases'), { audit: false })));
    if (timelineEndpoint) {
      await measure('timeline', p.city.token, caseIds.map((id) => `/api/cases/${id}/timeline`), () => Promise.resolve(undefined));
    } else {
      // No endpoint yet: time the case_events read a timeline needs, straight on PostgreSQL.
      const sql = `SELECT id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision, at
                     FROM case_events WHERE case_id = $1 ORDER BY at, id`;
      const latencies: number[] = [];
      for (const id of caseIds) {
        const t = performance.now();
        await pool.query(sql, [id]);
        latencies.push(performance.now() - t);
      }
      const plans = await explainAll(pool, [{ sql, params: [caseIds[0]] }]);
      queries.push({ name: 'timeline (case_events query, no endpoint)', path: 'SQL', latencyMs: summarise(latencies), plans });
    }
    const auditOverhead = await measureAuditOverhead(pool, staff, manager, n);
    for (const o of auditOverhead) {
      const http = queries.find((q) => q.name === o.name);
      if (http) o.requestSharePct = Math.round(((o.audited.p50 - o.unaudited.p50) / http.latencyMs.p50) * 1000) / 10;
      log(`  audit of ${o.name}: ${o.audited.p50} vs ${o.unaudited.p50} ms p50 (${o.overheadPct}% of the database time, ${o.requestSharePct ?? '?'}% of the request)`);
    }
    return { seed, timelineEndpoint, queries, auditOverhead };
  } finally {
    await pool.end();
  }
}
