import 'reflect-metadata';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { openQueueConnection } from '../libs/core/src/queue/queue-backend.js';
import { defaultWorkerConcurrency } from '../libs/core/src/config/config.schema.js';
import { ALL_QUEUES } from '../libs/core/src/queue/queue-registry.js';
import { parseArgs } from './support/args.js';
import { ApiClient, createAgencyWithUser, seedPartnership } from './support/api-client.js';
import { firstOf } from './support/defined.js';
import { BENCH_METRICS_TOKEN, startApp, type AppProcess } from './support/app-process.js';
import { readStatements, statementsPer } from './support/statements.js';
import { runDbosPeer, type PeerResult } from './baselines/dbos-peer.js';
import { BENCH_NAME, openBenchDatabase } from './support/database.js';
import { log } from './support/log.js';
import { formatTable, writeResults, type Row } from './support/report.js';
import { sampleRss } from './support/rss.js';
import { ratio } from './support/stats.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { createTpcbTables } from './baselines/tpcb-tables.js';
import { runTpcbFromNode, type ThroughputResult } from './baselines/tpcb-node.js';
import { pgbenchVersion, runPgbench } from './baselines/pgbench.js';
import { openLoopCases, runAdvanceStep } from './scenarios/advance-step.js';
import { runReminderPipeline, type PipelineResult } from './scenarios/reminder-pipeline.js';
import { runScale, type ScaleResult } from './scenarios/scale.js';

const root = process.cwd();
const args = parseArgs(process.argv.slice(2));
const startedAt = new Date();
const QUEUE_PREFIX = BENCH_NAME;
const redisUrl = process.env.REDIS_URL || undefined;
const P = args.quick
  ? { stepMs: 2000, pgbenchS: 2, tpcbScale: 8, burst: 500, precision: { count: 2000, spreadMs: 20_000 }, stallMs: 5000, cases: 5000, repeats: 30 }
  : { stepMs: 15_000, pgbenchS: 15, tpcbScale: 32, burst: 5000, precision: { count: 10_000, spreadMs: 60_000 }, stallMs: 20_000, cases: 100_000, repeats: 200 };
const CLIENTS = [1, 8, 32];

/** Empties the bench's BullMQ queues on Redis (PostgreSQL's live in the dropped bench database). */
async function clearRedisQueues() {
  if (!redisUrl) return;
  const conn = openQueueConnection({ redisUrl, databaseUrl: 'postgres://unused', prefix: QUEUE_PREFIX });
  for (const name of ALL_QUEUES) {
    const q = conn.makeQueue(name);
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  await conn.close();
}

const mode = args.quick ? 'quick' : 'full';
const machine: { nproc: number; cpu: string | undefined; memoryGiB: number; node: string; pgbench: string | null; postgres?: string } = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  pgbench: pgbenchVersion() ?? null,
};
const results: Record<string, unknown> = {
  startedAt: startedAt.toISOString(),
  mode,
  scale: args.scale,
  machine,
};
const rows: Row[] = [];
// Other work on the machine skews every figure; the 1-minute load average before each scenario says how much.
const load: Record<string, number> = {};
const noteLoad = (when: string) => (load[when] = Math.round(firstOf(loadavg(), 'loadavg()') * 100) / 100);
const hasPgbench = Boolean(machine.pgbench);
const memory: Array<{ app: string; during: string; peakRssMiB: number }> = [];

const db = await openBenchDatabase(root);
machine.postgres = `${db.serverVersion}${db.embedded ? ' (embedded)' : ''}`;
await clearRedisQueues();
const receiver = new WebhookReceiver();
await receiver.start();
let app: AppProcess | undefined;
let rss: ReturnType<typeof sampleRss> | undefined;
let appLabel = '';

async function switchApp(backend: 'redis' | 'postgres', during: string) {
  if (app && app.backend === backend) {
    appLabel = `${appLabel}, ${during}`;
    return app;
  }
  await stopApp();
  app = await startApp(root, { databaseUrl: db.url, redisUrl: backend === 'redis' ? redisUrl : undefined, queuePrefix: QUEUE_PREFIX });
  rss = sampleRss(app.pid);
  appLabel = during;
  return app;
}

async function stopApp() {
  if (!app) return;
  if (rss) memory.push({ app: `api+worker (${app.backend} queue)`, during: appLabel, peakRssMiB: rss.stop() });
  rss = undefined;
  await app.stop();
  app = undefined;
}

const fmtTput = (r: ThroughputResult | undefined, unit: string) =>
  r ? `${r.perSecond} ${unit} p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms` : 'n/a';

try {
  const defaultBackend = redisUrl ? 'redis' : 'postgres';
  await switchApp(defaultBackend, args.only.has(1) ? 'scenario 1' : 'setup');
  const api = new ApiClient(app!.url);
  const partnership = await seedPartnership(api);

  // ---- Scenario 1: advance a step over HTTP vs the TPC-B-like transaction
  if (args.only.has(1)) {
    noteLoad('scenario 1');
    log(`scenario 1: advance a step (clients ${CLIENTS.join(', ')}; ${P.stepMs / 1000} s each)`);
    const cases = await openLoopCases(api, partnership, Math.max(...CLIENTS));
    await runAdvanceStep(api, partnership, cases, { clients: 8, ms: 1500, maxPerClient: 200 }); // warm-up
    await createTpcbTables(db.tpcbUrl, P.tpcbScale);
    type Statements = ReturnType<typeof statementsPer>;
    const s1: Array<{ clients: number; app: ThroughputResult; statementsPerEvent: Statements; tpcbNode: ThroughputResult; pgbench?: ThroughputResult }> = [];
    for (const clients of CLIENTS) {
      const before = await readStatements(app!.url, BENCH_METRICS_TOKEN);
      const appRun = await runAdvanceStep(api, partnership, cases, { clients, ms: P.stepMs, maxPerClient: 50_000 });
      // Round trips at the driver per event: in the request (guard, idempotency, use case) and after it (relay, jobs).
      const statementsPerEvent = statementsPer(before, await readStatements(app!.url, BENCH_METRICS_TOKEN), (appRun.events ?? 0) + appRun.errors);
      const tpcbNode = await runTpcbFromNode(db.tpcbUrl, { clients, ms: P.stepMs, scale: P.tpcbScale });
      const pgbench = hasPgbench ? runPgbench(db.tpcbUrl, { clients, seconds: P.pgbenchS }) : undefined;
      s1.push({ clients, app: appRun, statementsPerEvent, tpcbNode, pgbench });
      log(`  ${clients} clients: app ${fmtTput(appRun, 'ev/s')}; pg-from-Node ${fmtTput(tpcbNode, 'tx/s')}; pgbench ${fmtTput(pgbench, 'tx/s')}`);
      rows.push([`1 advance step, ${clients} cl`, 'events/s', String(appRun.perSecond), `pg-node ${tpcbNode.perSecond} tx/s`, `x${ratio(appRun.perSecond, tpcbNode.perSecond)}`]);
      if (pgbench) rows.push(['', '', '', `pgbench ${pgbench.perSecond} tx/s`, `x${ratio(appRun.perSecond, pgbench.perSecond)}${clients === 8 ? ' (target ≥ x0.25)' : ''}`]);
      rows.push(['', 'p50 / p99 ms', `${appRun.latencyMs.p50} / ${appRun.latencyMs.p99}`, `pg-node ${tpcbNode.latencyMs.p50} / ${tpcbNode.latencyMs.p99}`, clients === 8 ? 'target p99 < 50' : '']);
      if (pgbench) rows.push(['', '', '', `pgbench ${pgbench.latencyMs.p50} / ${pgbench.latencyMs.p99}`, '']);
      rows.push(['', 'round trips / event', `${statementsPerEvent.http} in request`, `+ ${statementsPerEvent.background} background, ${statementsPerEvent.other} queue`, 'target ≤ 4 in request']);
      if (appRun.errors) rows.push(['', 'errors', String(appRun.errors), '', '']);
    }
    // The peer, on the same server in the same run: DBOS Transact's one-step workflow.
    log(`  peer: DBOS Transact ${P.stepMs / 1000} s per client count`);
    const peer: PeerResult = await runDbosPeer(root, db.peerUrl, { clients: CLIENTS, ms: P.stepMs });
    if ('unavailable' in peer) rows.push(['1 peer DBOS Transact', 'unavailable', '', peer.unavailable.slice(0, 60), '']);
    else {
      for (const r of peer.runs) {
        const ours = s1.find((x) => x.clients === r.clients)?.app.perSecond;
        log(`  peer DBOS ${r.clients} clients: ${fmtTput({ ...r, errors: 0 }, 'wf/s')}`);
        rows.push([`1 peer DBOS ${peer.version}, ${r.clients} cl`, 'workflows/s', String(r.perSecond), `p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms`,
          `Convene ÷ DBOS x${ratio(ours ?? 0, r.perSecond)}${r.clients === 8 ? ' (target ≥ x2)' : ''}`]);
      }
    }
    results.advanceStep = { tpcbScale: P.tpcbScale, runs: s1, peer };
  }

  // ---- Scenarios 2 and 3: reminders from due to webhook, and timer lateness
  if (args.only.has(2) || args.only.has(3)) {
    noteLoad('scenarios 2-3');
    const webhookAgency = await createAgencyWithUser(api, partnership.adminToken, {
      role: 'webhook',
      kind: 'probation',
      userRole: 'agency_staff',
      webhookUrl: receiver.url,
    });
    const backends: Array<'redis' | 'postgres'> = redisUrl ? ['redis', 'postgres'] : ['postgres'];
    const pipelines: PipelineResult[] = [];
    for (const [i, backend] of backends.entries()) {
      await switchApp(backend, 'scenarios 2-3');
      const withPrecision = args.only.has(3) && (!args.quick || i === 0);
      const r = await runReminderPipeline({
        backend,
        redisUrl,
        databaseUrl: db.url,
        queuePrefix: QUEUE_PREFIX,
        receiver,
        cityId: partnership.city.id,
        webhookAgencyId: webhookAgency.id,
        burst: P.burst,
        precision: withPrecision ? P.precision : undefined,
        stallMs: P.stallMs,
        concurrency: process.env.WORKER_CONCURRENCY ? Number(process.env.WORKER_CONCURRENCY) : defaultWorkerConcurrency(backend), // the app's, for the bare baseline too
        statements: () => readStatements(app!.url, BENCH_METRICS_TOKEN),
      });
      pipelines.push(r);
      const note = r.deliveredBy === 'stand-in' ? ' (stand-in)' : '';
      rows.push([`2 reminders, ${backend}`, `delivered/s${note}`, `${r.burst.deliveredPerSecond} (${r.burst.delivered}/${r.burst.scheduled})`,
        `bare BullMQ ${r.bare.perSecond} jobs/s${r.bare.workerErrors ? ` (${r.bare.workerErrors} worker errors)` : ''}`, `x${ratio(r.burst.deliveredPerSecond, r.bare.perSecond)} (target ≥ x0.5)`]);
      rows.push(['', 'outbox relay rows/s', String(r.burst.relay.perSecond ?? 'not drained'), '', '']);
      if (r.statementsPerReminder) {
        rows.push(['', 'round trips / reminder', `${r.statementsPerReminder.background} app (worker)`, `+ ${r.statementsPerReminder.other} queue backend`, '']);
      }
      if (r.precision) {
        const l = r.precision.latenessMs;
        rows.push([`3 timer precision, ${backend}`, `lateness p50/p99/max ms${note}`, `${l.p50} / ${l.p99} / ${l.max}`,
          `${r.precision.delivered}/${r.precision.scheduled} delivered`, 'target p99 < 1000']);
      }
    }
    results.reminderPipeline = pipelines;
  }
  await stopApp();
  results.memory = memory;
  for (const m of memory) rows.push(['5 memory', `peak RSS ${m.app}`, `${m.peakRssMiB} MiB`, `during ${m.during}`, '']);

  // ---- Scenario 4: volume
  if (args.only.has(4)) {
    noteLoad('scenario 4');
    await switchApp(defaultBackend, 'scenario 4');
    const cases = Math.round(P.cases * args.scale);
    const scale: ScaleResult = await runScale(new ApiClient(app!.url), partnership, db.url, {
      cases,
      tasksPerCase: 10,
      eventsPerCase: 10,
      repeats: P.repeats,
    });
    results.scale = scale;
    rows.push([`4 scale: ${scale.seed.cases} cases`, `${scale.seed.tasks} tasks`, `seeded in ${Math.round(scale.seed.ms / 1000)} s`,
      `inbox agency: ${scale.seed.openTasksOfInboxAgency} open`, '']);
    for (const q of scale.queries) {
      const idx = [...new Set(q.plans.flatMap((p) => p.indexes))].join(',');
      const seq = [...new Set(q.plans.flatMap((p) => p.seqScans))];
      rows.push(['', q.name, `p50 ${q.latencyMs.p50} p95 ${q.latencyMs.p95} ms`, `idx: ${idx || '-'}${seq.length ? `; SEQ: ${seq.join(',')}` : ''}`,
        q.name.startsWith('agency inbox (open)') ? 'target p95 < 50' : '']);
    }
    for (const o of scale.auditOverhead) {
      const pct = (n: number | undefined) => (n === undefined ? '?' : `${n >= 0 ? '+' : ''}${n}%`);
      rows.push(['', `audit of a list read: ${o.name}`, `${pct(o.requestSharePct)} of the request p50`,
        `database time ${o.audited.p50} ms audited vs ${o.unaudited.p50} ms not (${pct(o.overheadPct)}; same run, alternating)`, 'target < +10%']);
    }
    await stopApp();
  }
} catch (error) {
  results.error = (error as Error).stack ?? String(error);
  log(`FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await stopApp().catch(() => undefined);
  await receiver.stop();
  await clearRedisQueues().catch(() => undefined);
  await db.stop();
}

noteLoad('end');
results.loadAverage = load;
results.finishedAt = new Date().toISOString();
const file = writeResults(root, results, startedAt);
const m = machine;
console.log(`\nConvene bench (${mode}) — ${m.nproc} CPUs, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.pgbench ?? 'no pgbench'}`);
console.log(`1-min load average: ${Object.entries(load).map(([k, v]) => `${k} ${v}`).join(', ')} (other work on the machine skews the figures)`);
console.log(formatTable(rows));
console.log(`\nresults: ${file}  (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s)`);
