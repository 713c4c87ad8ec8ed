// What "nothing lost, nothing duplicated" means, checked against the rows in PostgreSQL and what the
// webhook receiver saw; and the figures of a run.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './processes.mjs';

/** How late a reminder or timer may be and still count as withdrawn "before it was due". */
const CAUSE_TOLERANCE_MS = 2000;
/** API failures this soon after a backend termination are put down to it (requests on the killed connections). */
const TERMINATION_WINDOW_MS = [-500, 3000];

/**
 * Waits until nothing is left to do — no reminder, timer or delivery pending, every instance done,
 * nothing unrelayed, nothing in flight — or until `slackMs` past the last due moment.
 */
export async function settle({ pool, receiver, slackMs }) {
  const { rows: [due] } = await pool.query(
    `SELECT GREATEST((SELECT max(due_at) FROM reminders), (SELECT max(fire_at) FROM timers)) AS last`,
  );
  const lastDue = new Date(due.last ?? Date.now()).getTime();
  const deadline = Math.max(Date.now(), lastDue) + slackMs;
  let open;
  for (;;) {
    const { rows: [r] } = await pool.query(`SELECT
        (SELECT count(*) FROM reminders WHERE status = 'pending')::int AS reminders,
        (SELECT count(*) FROM timers WHERE status = 'pending')::int AS timers,
        (SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying'))::int AS deliveries,
        (SELECT count(*) FROM pathway_instances WHERE status = 'active')::int AS instances,
        (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)::int AS outbox`);
    open = { ...r, inFlight: receiver.inFlight.size };
    const busy = Object.values(open).some((v) => v > 0);
    if (!busy && Date.now() >= lastDue) {
      // Quiet for a moment more: a late duplicate would still arrive.
      await sleep(2000);
      if (receiver.inFlight.size === 0) return { settled: true, lastDue, deadline, open };
    }
    if (Date.now() > deadline) return { settled: false, lastDue, deadline, open };
    await sleep(1000);
  }
}

const seconds = (ms) => Math.round(ms / 100) / 10;
const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const lateness = (values) => ({ p50: seconds(percentile(values, 50) ?? 0), p95: seconds(percentile(values, 95) ?? 0), max: seconds(Math.max(0, ...values)) });
const countBy = (items, key) => items.reduce((acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }), {});
const ms = (d) => (d ? new Date(d).getTime() : undefined);

/** Sums the numbers in the reconciler's structured log lines of the workers (tolerant of their shape). */
export function reconcilerRepairs(logDir) {
  const totals = {};
  let lines = 0;
  const skip = new Set(['level', 'time', 'pid', 'hostname', 'service', 'context', 'msg', 'durationMs', 'downForMs', 'ms', 'intervalMs']);
  const add = (value, prefix) => {
    if (typeof value === 'number') totals[prefix] = (totals[prefix] ?? 0) + value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) add(v, prefix ? `${prefix}.${k}` : k);
  };
  for (const file of readdirSync(logDir).filter((f) => f.startsWith('worker'))) {
    for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (!/reconcil|re-?arm|repair/i.test(line)) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (!/reconcil|re-?arm|repair/i.test(String(entry.msg ?? ''))) continue;
      lines++;
      for (const [k, v] of Object.entries(entry)) if (!skip.has(k)) add(v, k);
    }
  }
  return { lines, totals };
}

/** Counts log lines by message across the given files (queue link down/up, worker errors). */
export function logMessages(logDir, pattern) {
  const counts = {};
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const { msg } = JSON.parse(line);
        if (typeof msg === 'string' && pattern.test(msg)) counts[msg] = (counts[msg] ?? 0) + 1;
      } catch {
        // not a log line
      }
    }
  }
  return counts;
}

/**
 * Every assertion of the suite. Returns `{ failures, figures }`; each failure says what was expected,
 * how many rows broke it, and a few examples.
 */
export async function check({ pool, receiver, events, api, processes, settled }) {
  const failures = [];
  const fail = (what, examples = []) => failures.push(examples.length ? `${what}\n      e.g. ${examples.slice(0, 3).map((e) => JSON.stringify(e)).join('\n           ')}` : what);
  const checkedAt = Date.now();

  const reminders = (await pool.query(`
      SELECT r.id, r.kind, r.case_id, r.task_id, r.agency_id, r.status, r.generation, r.due_at, r.sent_at, r.updated_at,
             t.task_key, t.status AS task_status, t.updated_at AS task_updated_at, c.status AS case_status,
             (SELECT count(*) FROM notifications n WHERE n.reminder_id = r.id)::int AS notifications
        FROM reminders r JOIN cases c ON c.id = r.case_id LEFT JOIN tasks t ON t.id = r.task_id`)).rows;
  const notifications = (await pool.query(`
      SELECT n.id, n.kind, n.case_id, n.agency_id, n.task_id, n.reminder_id, n.created_at,
             (SELECT count(*) FROM deliveries d WHERE d.notification_id = n.id AND d.channel = 'webhook')::int AS webhooks
        FROM notifications n`)).rows;
  const deliveries = (await pool.query(`
      SELECT d.id, d.notification_id, d.channel, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at,
             d.created_at, d.delivered_at, n.case_id, n.kind
        FROM deliveries d JOIN notifications n ON n.id = d.notification_id`)).rows;
  const timers = (await pool.query(`
      SELECT t.id, t.instance_id, t.timer_id, t.event, t.fire_at, t.status, t.settled_at,
             (SELECT count(*) FROM case_events e WHERE e.instance_id = t.instance_id AND e.type = t.event)::int AS events
        FROM timers t`)).rows;
  const instances = (await pool.query(`SELECT id, case_id, status, state_value FROM pathway_instances`)).rows;

  const doomed = new Set(events.cases.filter((c) => c.doomed).map((c) => c.id));
  // The fault closest to a moment (a row stranded at a kill shows it): within 1 s before to 5 s after.
  const nearFault = (at) => {
    const faults = [
      ...events.kills.map((k) => ({ at: k.at, what: `kill -9 ${k.workers.join('+')} (${k.kind})` })),
      ...events.terminations.map((t) => ({ at: t.at, what: 'pg_terminate_backend' })),
      ...events.outages.map((o) => ({ at: o.at, what: `Redis down ${seconds(o.durationMs)} s` })),
    ].filter((f) => f.at >= at - 1000 && f.at <= at + 5000);
    const f = faults.sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
    return f ? `${f.what} ${seconds(f.at - at)} s after it was due` : undefined;
  };

  // --- cases: every case the scenario meant to start was started -------------------------------
  if (events.caseFailures.length) fail(`${events.caseFailures.length} cases could not be created or started, even with retries`, events.caseFailures);

  // --- reminders ---------------------------------------------------------------------------------
  const due = reminders.filter((r) => ms(r.due_at) <= checkedAt);
  const byStatus = countBy(due, (r) => r.status);
  const stranded = due.filter((r) => r.status === 'pending');
  if (stranded.length)
    fail(`${stranded.length} of ${due.length} due reminders are still pending (stranded: never sent)`, stranded.map((r) => ({ id: r.id, kind: r.kind, dueAt: r.due_at, lateS: seconds(checkedAt - ms(r.due_at)), fault: nearFault(ms(r.due_at)) })));
  // Cancelled or skipped is what the domain does when the task was done or cancelled, or the case
  // closed, before the reminder was due; in this pathway the tasks are cancelled 18 s after the last
  // reminder, so a reminder withdrawn then had been stranded until the instance moved on.
  const withdrawnLate = due.filter((r) => {
    if (r.status === 'cancelled') return ms(r.updated_at) > ms(r.due_at) + CAUSE_TOLERANCE_MS;
    if (r.status !== 'skipped') return false;
    const causeBeforeDue = (r.task_status !== 'open' && ms(r.task_updated_at) <= ms(r.due_at) + CAUSE_TOLERANCE_MS) || r.case_status !== 'open';
    return !causeBeforeDue;
  });
  if (withdrawnLate.length)
    fail(`${withdrawnLate.length} due reminders were cancelled or skipped only after they were due (they had been stranded)`, withdrawnLate.map((r) => ({ id: r.id, kind: r.kind, status: r.status, dueAt: r.due_at, withdrawnAfterS: seconds(ms(r.updated_at) - ms(r.due_at)), task: r.task_status, fault: nearFault(ms(r.due_at)) })));
  const sentWrong = reminders.filter((r) => (r.status === 'sent' ? r.notifications !== 1 : r.notifications !== 0));
  if (sentWrong.length)
    fail(`${sentWrong.length} reminders do not have exactly one notification when sent (none otherwise)`, sentWrong.map((r) => ({ id: r.id, status: r.status, notifications: r.notifications })));

  // --- notifications and deliveries ----------------------------------------------------------------
  const noWebhook = notifications.filter((n) => n.webhooks !== 1);
  if (noWebhook.length) fail(`${noWebhook.length} notifications do not have exactly one webhook delivery`, noWebhook.map((n) => ({ id: n.id, kind: n.kind, webhooks: n.webhooks })));
  const unsettled = deliveries.filter((d) => d.status === 'pending' || d.status === 'retrying');
  if (unsettled.length)
    fail(`${unsettled.length} of ${deliveries.length} deliveries are still ${Object.keys(countBy(unsettled, (d) => d.status)).join('/')} (stranded)`, unsettled.map((d) => ({ id: d.id, kind: d.kind, status: d.status, attempts: d.attempts, lastError: d.last_error, nextAttemptAt: d.next_attempt_at, ageS: seconds(checkedAt - ms(d.created_at)) })));
  const deadWrongly = deliveries.filter((d) => d.status === 'dead' && !doomed.has(d.case_id));
  if (deadWrongly.length) fail(`${deadWrongly.length} deliveries are dead although the receiver only failed them transiently`, deadWrongly.map((d) => ({ id: d.id, attempts: d.attempts, lastError: d.last_error })));
  const doomedDelivered = deliveries.filter((d) => doomed.has(d.case_id) && d.status === 'delivered');
  if (doomedDelivered.length) fail(`${doomedDelivered.length} deliveries the receiver always refused are marked delivered`, doomedDelivered.map((d) => ({ id: d.id })));

  // --- what the receiver saw -------------------------------------------------------------------
  const byNotification = new Map(notifications.map((n) => [n.id, n]));
  const posts = receiver.received;
  const badHeader = posts.filter((p) => !p.deliveryId || p.deliveryId !== p.id);
  if (badHeader.length) fail(`${badHeader.length} POSTs carry an X-Convene-Delivery that is not the body's id`, badHeader.map((p) => ({ header: p.deliveryId, id: p.id })));
  const badSignature = posts.filter((p) => !p.signatureValid);
  if (badSignature.length) fail(`${badSignature.length} POSTs have an invalid X-Convene-Signature`, badSignature.map((p) => ({ deliveryId: p.deliveryId })));
  const phantom = posts.filter((p) => !byNotification.has(p.deliveryId));
  if (phantom.length) fail(`${phantom.length} POSTs name a delivery id that is no notification`, phantom.map((p) => ({ deliveryId: p.deliveryId, kind: p.kind })));
  const postsById = new Map();
  for (const p of posts) postsById.set(p.deliveryId, [...(postsById.get(p.deliveryId) ?? []), p]);
  const ok = (p) => p.status === 200 && !p.aborted;
  const webhookOf = new Map(deliveries.filter((d) => d.channel === 'webhook').map((d) => [d.notification_id, d]));
  const neverReceived = notifications.filter((n) => !(postsById.get(n.id) ?? []).length);
  if (neverReceived.length) fail(`${neverReceived.length} of ${notifications.length} notifications never reached the receiver`, neverReceived.map((n) => ({ id: n.id, kind: n.kind, delivery: webhookOf.get(n.id)?.status })));
  const neverAccepted = notifications.filter((n) => !doomed.has(n.case_id) && !(postsById.get(n.id) ?? []).some(ok));
  if (neverAccepted.length) fail(`${neverAccepted.length} notifications were never answered 200 by the receiver`, neverAccepted.map((n) => ({ id: n.id, kind: n.kind, posts: (postsById.get(n.id) ?? []).length, delivery: webhookOf.get(n.id)?.status })));
  const deliveredUnseen = deliveries.filter((d) => d.status === 'delivered' && !(postsById.get(d.notification_id) ?? []).some(ok));
  if (deliveredUnseen.length) fail(`${deliveredUnseen.length} deliveries are marked delivered without a 200 from the receiver`, deliveredUnseen.map((d) => ({ id: d.id })));
  // One subject (a reminder to its agency, a task assignment to its agency) is one notification:
  // any number of POSTs, but one X-Convene-Delivery.
  const subjectOf = (n) => (n.reminder_id ? `reminder:${n.reminder_id}:${n.agency_id}` : `${n.kind}:${n.task_id}:${n.agency_id}`);
  const idsBySubject = new Map();
  for (const p of posts) {
    const n = byNotification.get(p.deliveryId);
    if (!n) continue;
    const key = subjectOf(n);
    idsBySubject.set(key, new Set([...(idsBySubject.get(key) ?? []), p.deliveryId]));
  }
  const distinctDuplicates = [...idsBySubject].filter(([, ids]) => ids.size > 1);
  if (distinctDuplicates.length) fail(`${distinctDuplicates.length} subjects reached the receiver under more than one X-Convene-Delivery id`, distinctDuplicates.map(([k, ids]) => ({ subject: k, ids: [...ids] })));
  const acceptedTwice = notifications.filter((n) => (postsById.get(n.id) ?? []).filter(ok).length > 1);

  // --- timers and instances --------------------------------------------------------------------
  const dueTimers = timers.filter((t) => ms(t.fire_at) <= checkedAt);
  const pendingTimers = dueTimers.filter((t) => t.status === 'pending');
  if (pendingTimers.length) fail(`${pendingTimers.length} of ${dueTimers.length} due timers are still pending (stranded)`, pendingTimers.map((t) => ({ id: t.id, event: t.event, lateS: seconds(checkedAt - ms(t.fire_at)), fault: nearFault(ms(t.fire_at)) })));
  const timersLate = dueTimers.filter((t) => t.status === 'cancelled' && ms(t.settled_at) > ms(t.fire_at) + CAUSE_TOLERANCE_MS);
  if (timersLate.length) fail(`${timersLate.length} timers were cancelled only after they were due (stranded until the state was left)`, timersLate.map((t) => ({ id: t.id, event: t.event, cancelledAfterS: seconds(ms(t.settled_at) - ms(t.fire_at)), fault: nearFault(ms(t.fire_at)) })));
  // Every event of this pathway's timers is handled where it is armed: stale means it fired into a state that had moved on.
  const stale = timers.filter((t) => t.status === 'stale');
  if (stale.length) fail(`${stale.length} timers went stale (fired into a state that no longer handles them)`, stale.map((t) => ({ id: t.id, event: t.event })));
  const notOnce = timers.filter((t) => t.status === 'fired' && t.events !== 1);
  if (notOnce.length) fail(`${notOnce.length} fired timers are not exactly one event in the case's log`, notOnce.map((t) => ({ id: t.id, event: t.event, events: t.events })));
  const stuck = instances.filter((i) => i.status !== 'done');
  if (stuck.length) fail(`${stuck.length} of ${instances.length} pathway instances did not reach the end`, stuck.map((i) => ({ id: i.id, status: i.status, state: i.state_value })));

  // --- the API: no 5xx, except on connections PostgreSQL just terminated -------------------------
  const inTermination = (at) => events.terminations.some((t) => at >= t.at + TERMINATION_WINDOW_MS[0] && at <= t.at + TERMINATION_WINDOW_MS[1]);
  const failedCalls = api.attempts.filter((a) => a.status === undefined || a.status >= 500);
  const outside = failedCalls.filter((a) => !inTermination(a.at));
  const inside = failedCalls.filter((a) => inTermination(a.at));
  // Requests to a process that had just died on its own fail too: said so, still counted (its death is a failure of its own below).
  const whileDown = (a) => processes.some((p) => p.name === a.api && p.unexpectedExits.some((e) => a.at >= e.at - 1000 && a.at <= e.at + 30_000));
  if (outside.length) {
    const down = outside.filter(whileDown).length;
    fail(
      `${outside.length} API requests failed (5xx or no answer) outside the PostgreSQL termination windows${down ? ` (${down} of them sent to a process that had just exited on its own)` : ''}`,
      outside.map((a) => ({ api: a.api, route: `${a.method} ${a.route}`, status: a.status, error: a.error })),
    );
  }

  // --- processes ---------------------------------------------------------------------------------
  // Each exit carries the last error its log shows (e.g. an unhandled 'error' event).
  const crashes = processes.flatMap((p) => p.unexpectedExits.map((e) => ({ process: p.name, ...e })));
  if (crashes.length) fail(`${crashes.length} Convene processes exited on their own`, crashes);
  if (!settled.settled) fail(`not settled ${seconds(settled.deadline - settled.lastDue)} s after the last due moment: ${JSON.stringify(settled.open)}`);

  const sentDue = due.filter((r) => r.status === 'sent');
  const reminderNotifications = new Map(notifications.filter((n) => n.reminder_id).map((n) => [n.reminder_id, n]));
  const figures = {
    cases: { started: events.cases.length, failedToStart: events.caseFailures.length, doomed: doomed.size },
    kills: {
      total: events.kills.length,
      byKind: countBy(events.kills, (k) => k.kind),
      midDelivery: events.kills.filter((k) => k.inFlight > 0).length,
      samePost: events.samePost,
      restarts: Object.fromEntries(processes.map((p) => [p.name, p.starts - 1])),
      unexpectedExits: crashes.length,
    },
    redisOutages: events.outages.map((o) => ({ durationS: seconds(o.durationMs) })),
    pgTerminations: events.terminations.map((t) => t.backends),
    reminders: {
      scheduled: reminders.length,
      due: due.length,
      sent: sentDue.length,
      byStatus,
      withdrawnLate: withdrawnLate.length,
      delivered: sentDue.filter((r) => webhookOf.get(reminderNotifications.get(r.id)?.id)?.status === 'delivered').length,
      duplicatedSameId: sentDue.filter((r) => acceptedTwice.some((n) => n.reminder_id === r.id)).length,
      distinctIdDuplicates: distinctDuplicates.length,
      latenessS: lateness(sentDue.map((r) => ms(r.sent_at) - ms(r.due_at))),
    },
    notifications: { total: notifications.length, byKind: countBy(notifications, (n) => n.kind), acceptedMoreThanOnce: acceptedTwice.length },
    deliveries: { total: deliveries.length, byStatus: countBy(deliveries, (d) => d.status) },
    timers: {
      scheduled: timers.length,
      due: dueTimers.length,
      fired: dueTimers.filter((t) => t.status === 'fired').length,
      byStatus: countBy(timers, (t) => t.status),
      latenessS: lateness(timers.filter((t) => t.status === 'fired').map((t) => ms(t.settled_at) - ms(t.fire_at))),
    },
    instances: countBy(instances, (i) => i.status),
    receiver: {
      posts: posts.length,
      byAnswer: countBy(posts, (p) => (p.aborted ? 'sender gone' : String(p.status ?? 'unanswered'))),
    },
    api: {
      requests: api.attempts.length,
      retries: api.attempts.filter((a) => a.attempt > 0).length,
      failedInTerminationWindows: inside.length,
      failedOutside: outside.length,
      failedWhileProcessDown: failedCalls.filter(whileDown).length,
      failedRoutes: countBy(failedCalls, (a) => `${a.method} ${a.route} ${a.status ?? a.error}`),
    },
    settled: { settled: settled.settled, open: settled.open },
  };
  return { failures, figures };
}
