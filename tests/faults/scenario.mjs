// The fault scenario: a partnership and a second-scale pathway set up over HTTP, cases started on
// both API processes, and — while their reminders and timers come due — workers killed mid-delivery,
// PostgreSQL backends terminated and Redis restarted empty. What happened is recorded in `events`
// for the checks and the report.
import { randomUUID } from 'node:crypto';
import { ownerOfLocalPort, sleep, until, waitApiReady, waitWorkerReady } from './processes.mjs';

export const SECRET = 'fault-suite-webhook-secret-0123456789';
export const PATHWAY_KEY = 'fault-drill';
export const QUEUES = ['timers', 'reminders', 'deliveries'];

/**
 * Entered at pathway start (t = 0): two urgent tasks due at +20 s, each reminded at +10 s, +20 s and
 * +25 s (overdue), the probation one escalated to the coordinator at +28 s; timers move the instance
 * intake → screening (+4 s) → review (+16 s) while the tasks stay open, and out of `working` into
 * `done` at +46 s, which cancels the tasks — long after every reminder was due, so a reminder
 * cancelled then had been stranded, never legitimately withdrawn.
 */
export const pathwayDefinition = (key) => ({
  key,
  title: 'Fault drill',
  description: 'Second-scale reminders and timers for the fault suite.',
  machine: {
    id: key,
    initial: 'working',
    states: {
      working: {
        meta: {
          title: 'Working',
          tasks: [
            {
              key: 'risk-report',
              title: 'Submit risk assessment',
              assignee: { role: 'probation' },
              due: 'PT20S',
              reminders: ['-PT10S', 'P0D', 'PT5S'],
              escalation: { after: 'PT8S', to: { role: 'coordinator' } },
              urgent: true,
            },
            {
              key: 'police-check',
              title: 'Police check',
              assignee: { role: 'police' },
              due: 'PT20S',
              reminders: ['-PT10S', 'P0D', 'PT5S'],
              urgent: true,
            },
          ],
        },
        initial: 'intake',
        after: { PT46S: 'done' },
        states: {
          intake: { meta: { title: 'Intake' }, after: { PT4S: 'screening' } },
          screening: { meta: { title: 'Screening' }, after: { PT12S: 'review' } },
          review: { meta: { title: 'Review' } },
        },
      },
      done: { type: 'final' },
    },
  },
});
/** Seconds from pathway start to the last reminder and to the exit timer (see the definition). */
export const LAST_REMINDER_S = 28;
export const EXIT_TIMER_S = 46;

const ROLES = [
  { role: 'coordinator', kind: 'local_authority' },
  { role: 'probation', kind: 'probation' },
  { role: 'police', kind: 'police' },
];

/** Route template of a path, for the report (ids would make every row unique). */
const template = (p) => p.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');

/**
 * A JSON client that records every attempt (time, process, route, status or error) and retries what
 * a careful client retries: 5xx, connection errors (on the other API process) and 409 `retryable`,
 * with the same Idempotency-Key on POSTs so a retry never does the work twice.
 */
export class Api {
  constructor() {
    this.attempts = [];
  }

  async call(first, method, path, { token, body, retries = 4 } = {}) {
    const key = method === 'POST' ? randomUUID() : undefined;
    let target = first;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      const record = { at: started, api: target.name, method, route: template(path), attempt, status: undefined, error: undefined };
      this.attempts.push(record);
      let res;
      try {
        const headers = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        if (key) headers['idempotency-key'] = key;
        const response = await fetch(target.url + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = text;
        }
        record.status = response.status;
        res = { status: response.status, body: json };
      } catch (error) {
        record.error = error?.cause?.code ?? error?.name ?? String(error);
      }
      record.ms = Date.now() - started;
      const retryable = !res || res.status >= 500 || (res.status === 409 && res.body?.retryable === true);
      if (!retryable || attempt >= retries) return res ?? { status: 0, body: { error: record.error } };
      // No answer at all: the process may be down, so the retry goes to the other one (as a load balancer would).
      if (!res && target.peer) target = target.peer;
      await sleep(250 * (attempt + 1));
    }
  }

  async expect(status, target, method, path, opts) {
    const res = await this.call(target, method, path, opts);
    if (res.status !== status) throw new Error(`${method} ${path} on ${target.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }
}

/** Agencies with webhooks to the receiver, a case manager, and the pathway, published. */
export async function seed({ api, apis, receiver, admin }) {
  const adminToken = (await api.expect(200, apis[0], 'POST', '/api/auth/login', { body: admin })).accessToken;
  const agencies = {};
  for (const { role, kind } of ROLES) {
    const a = await api.expect(201, apis[0], 'POST', '/api/agencies', {
      token: adminToken,
      body: { name: `Fault ${role}`, kind, webhookUrl: `${receiver.url}/hooks/${role}`, webhookSecret: SECRET },
    });
    agencies[role] = a.id;
  }
  const manager = { email: 'manager@faults.example', password: 'correct horse battery staple' };
  await api.expect(201, apis[1], 'POST', '/api/users', {
    token: adminToken,
    body: { ...manager, name: 'Fault case manager', agencyId: agencies.coordinator, roles: ['case_manager'] },
  });
  const token = (await api.expect(200, apis[1], 'POST', '/api/auth/login', { body: manager })).accessToken;
  const created = await api.expect(201, apis[0], 'POST', `/api/pathways/${PATHWAY_KEY}/versions`, {
    token: adminToken,
    body: { definition: pathwayDefinition(PATHWAY_KEY) },
  });
  await api.expect(200, apis[1], 'POST', `/api/pathways/${PATHWAY_KEY}/versions/${created.version}/publish`, { token: adminToken });
  return { agencies, token };
}

/**
 * Runs the load and the faults. Returns the record of what was done: cases, kills, outages,
 * terminations, restarts.
 */
export async function runScenario(ctx) {
  const { api, apis, workers, redis, receiver, pool, database, options, log } = ctx;
  apis[0].peer = apis[1];
  apis[1].peer = apis[0];
  const { agencies, token } = await seed(ctx);
  const events = { cases: [], caseFailures: [], kills: [], outages: [], terminations: [], samePost: undefined, t0: Date.now() };
  const elapsed = () => `${((Date.now() - events.t0) / 1000).toFixed(1)} s`;

  // --- load: a first wave, then one case every few seconds on alternating API processes ----------
  let n = 0;
  const startCase = async () => {
    const i = n++;
    const doomed = i === 0;
    const [create, start] = [apis[i % 2], apis[(i + 1) % 2]];
    const c = await api.call(create, 'POST', '/api/cases', {
      token,
      body: {
        subject: { name: `Drill subject ${i} ${randomUUID().slice(0, 6)}` },
        leadAgencyId: agencies.coordinator,
        participants: [
          { agencyId: agencies.probation, role: 'probation' },
          { agencyId: agencies.police, role: 'police' },
        ],
      },
    });
    if (c.status !== 201) return events.caseFailures.push({ i, step: 'create', status: c.status, body: c.body });
    // The first case's agencies refuse every delivery: its deliveries must end dead, not delivered.
    if (doomed) receiver.doomedCases.add(c.body.id);
    const s = await api.call(start, 'POST', `/api/cases/${c.body.id}/pathways`, { token, body: { key: PATHWAY_KEY } });
    if (s.status !== 201) return events.caseFailures.push({ i, step: 'start', caseId: c.body.id, status: s.status, body: s.body });
    events.cases.push({ i, id: c.body.id, instanceId: s.body.instanceId, startedAt: Date.now(), doomed });
  };

  let trafficOn = true;
  for (let k = 0; k < options.wave; k += options.waveConcurrency) {
    await Promise.all(Array.from({ length: Math.min(options.waveConcurrency, options.wave - k) }, () => startCase()));
  }
  log(`${elapsed()}: first wave of ${events.cases.length} cases started`);
  const trickle = (async () => {
    while (trafficOn) {
      await Promise.all([startCase(), sleep(options.trickleMs)]);
    }
  })();
  // Reads across both APIs, so requests are in flight whatever fails.
  const reads = (async () => {
    for (let k = 0; trafficOn; k++) {
      const c = events.cases[Math.floor(Math.random() * events.cases.length)];
      if (c) await api.call(apis[k % 2], 'GET', `/api/cases/${c.id}/reminders?status=all`, { token, retries: 2 });
      await sleep(400);
    }
  })();

  // --- PostgreSQL: terminate the app's backends a few times, spread over the kill phase -----------
  const terminate = async () => {
    // A few reads in flight, so requests do meet the terminated connections.
    const burst = Promise.all(Array.from({ length: 6 }, (_, k) => {
      const c = events.cases[k % events.cases.length];
      return api.call(apis[k % 2], 'GET', `/api/cases/${c.id}/reminders?status=all`, { token, retries: 2 });
    }));
    await sleep(5);
    const at = Date.now();
    const { rows } = await pool.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> 'convene-faults'`,
      [database],
    );
    events.terminations.push({ at, backends: rows.filter((r) => r.ok).length });
    log(`${elapsed()}: terminated ${rows.length} PostgreSQL backends`);
    await burst;
  };
  const pgChaos = (async () => {
    for (const atS of options.terminateAtS) {
      await sleep(Math.max(0, events.t0 + atS * 1000 - Date.now()));
      await terminate();
    }
  })();

  // --- workers: kill -9 mid-delivery, restart --------------------------------------------------
  const pidsOf = (ws) => ws.filter((w) => w.running).map((w) => w.pid);
  const ownerOf = (record) => {
    const pid = ownerOfLocalPort(record.remotePort, pidsOf(workers));
    return workers.find((w) => w.pid === pid);
  };
  /** Requests the receiver is holding that `targets` sent, newest first. */
  const heldBy = (targets) => [...receiver.inFlight].filter((r) => targets.includes(ownerOf(r))).sort((a, b) => b.at - a.at);
  const restart = async (ws) => {
    for (const w of ws) if (!w.running) w.start();
    await Promise.all(ws.map((w) => waitWorkerReady(w, redis, { prefix: options.prefix, queues: QUEUES })));
  };
  const kill = async (targets, kind, extra = {}) => {
    const held = heldBy(targets);
    events.kills.push({ at: Date.now(), kind, workers: targets.map((w) => w.name), inFlight: held.length, ...extra });
    await Promise.all(targets.map((w) => w.kill9()));
    log(`${elapsed()}: kill -9 ${targets.map((w) => w.name).join(' + ')} (${kind}) with ${held.length} deliveries in flight`);
    await restart(targets);
  };
  /**
   * Waits (bounded) until `targets` have a request in flight, at least `killGapMs` after the last
   * kill so the kills spread over assignments, reminders and timers; kills anyway when none comes.
   */
  const whenHolding = async (targets, timeoutMs = 20_000) => {
    await sleep(Math.max(0, (events.kills.at(-1)?.at ?? 0) + options.killGapMs - Date.now()));
    return until(() => heldBy(targets).length > 0, { timeoutMs, intervalMs: 25, what: 'a delivery in flight' }).catch(() => false);
  };

  const [w1, w2] = workers;
  await whenHolding([w1]);
  await kill([w1], 'one worker');
  await whenHolding([w2]);
  await kill([w2], 'one worker');
  // Both at once in the middle of the first wave's first reminders coming due, so reminder jobs —
  // not only deliveries — are being worked on when the workers die.
  const { rows: [burst] } = await pool.query(
    `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY due_at) AS at FROM reminders WHERE case_id = ANY($1::uuid[]) AND rule->>'offset' = '-PT10S'`,
    [events.cases.slice(0, options.wave).map((c) => c.id)],
  );
  const burstAt = burst.at ? new Date(burst.at).getTime() : Date.now();
  await sleep(Math.max(0, burstAt - Date.now()));
  await kill([w1, w2], 'both at once, reminders coming due', { afterDueMs: Date.now() - burstAt });
  await whenHolding([w1]);
  await kill([w1], 'one worker');

  // The same POST in flight twice: kill the worker sending it, then — once BullMQ's stalled-job
  // check hands the job out again — kill whichever worker sends it the second time.
  await whenHolding([w1, w2]);
  const [x] = heldBy([w1, w2]);
  events.samePost = { deliveryId: x?.deliveryId, firstOwner: x ? ownerOf(x)?.name : undefined, returned: false };
  if (x) {
    await kill([ownerOf(x)], 'same POST, first', { deliveryId: x.deliveryId });
    const again = await until(() => [...receiver.inFlight].find((r) => r.deliveryId === x.deliveryId && r.nth > x.nth), {
      timeoutMs: options.samePostWaitMs,
      intervalMs: 25,
      what: `delivery ${x.deliveryId} in flight again`,
    }).catch(() => undefined);
    if (again) {
      const owner = ownerOf(again);
      events.samePost = { ...events.samePost, returned: true, afterMs: again.at - x.at, secondOwner: owner?.name, sameWorker: owner?.name === events.samePost.firstOwner };
      await kill(owner ? [owner] : [w1, w2], 'same POST, second', { deliveryId: x.deliveryId });
    } else {
      log(`${elapsed()}: delivery ${x.deliveryId} did not come back in flight within ${options.samePostWaitMs / 1000} s`);
    }
  }
  await pgChaos;

  // --- Redis: down without its data under traffic, back empty -----------------------------------
  // No worker is restarted after this: only a reconciler that runs while the worker runs can re-arm
  // what Redis lost (the one at start would mask it).
  const down = Date.now();
  await redis.shutdownNosave();
  log(`${elapsed()}: Redis shut down (nosave)`);
  await sleep(options.outageMs);
  await redis.start();
  events.outages.push({ at: down, durationMs: Date.now() - down });
  log(`${elapsed()}: Redis back, empty, after ${((Date.now() - down) / 1000).toFixed(1)} s`);
  await sleep(options.afterOutageMs);
  trafficOn = false;
  await Promise.all([trickle, reads]);
  log(`${elapsed()}: traffic stopped; ${events.cases.length} cases started`);
  // The APIs must be healthy again (their queue link reconnected).
  await Promise.all(apis.map((a) => waitApiReady(a, { timeoutMs: 30_000 })));
  return events;
}
