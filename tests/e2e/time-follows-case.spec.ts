import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../integration/notifications/support/receivers.js';
import { publishPathway } from '../integration/notifications/support/scenario.js';

const SECRET = 'time-follows-case-secret';

/** Probation's report, due 10 s before the release date, reminded on the due time. */
const releasePathway = (key: string) => ({
  key,
  title: 'Release date test',
  machine: {
    id: key,
    initial: 'planning',
    states: {
      planning: {
        meta: {
          title: 'Planning',
          tasks: [
            { key: 'report', title: 'Report', assignee: { role: 'probation' }, due: { before: 'releaseDate', offset: 'PT10S' }, reminders: ['P0D'], urgent: true },
          ],
        },
        on: { RELEASED: 'released' },
      },
      released: { type: 'final' },
    },
  },
});

/** Closing the case leads into a follow-up whose task reminds after the case is closed. */
const closingPathway = (key: string) => ({
  key,
  title: 'Closing test',
  machine: {
    id: key,
    initial: 'agreeing',
    states: {
      agreeing: { on: { CLOSE: { target: 'followUp', actions: [{ type: 'closeCase' }], meta: { title: 'Close' } } } },
      followUp: {
        meta: { title: 'Follow-up', tasks: [{ key: 'follow-up', title: 'Follow-up check', assignee: { role: 'probation' }, due: 'PT3S', reminders: ['P0D'], urgent: true }] },
        on: { FOLLOWED_UP: 'done' },
      },
      done: { type: 'final' },
    },
  },
});

/** Probation's report, due 4 s after start, reminded on the due time. */
const shortTaskPathway = (key: string) => ({
  key,
  title: 'Short task test',
  machine: {
    id: key,
    initial: 'waiting',
    states: {
      waiting: {
        meta: { title: 'Waiting', tasks: [{ key: 'report', title: 'Report', assignee: { role: 'probation' }, due: 'PT4S', reminders: ['P0D'], urgent: true }] },
        on: { REPORTED: 'reported' },
      },
      reported: { type: 'final' },
    },
  },
});

/** A two-rung ladder: probation's own point of contact 2 s after due, then the coordinator at 4 s. */
const ladderPathway = (key: string) => ({
  key,
  title: 'Ladder test',
  machine: {
    id: key,
    initial: 'waiting',
    states: {
      waiting: {
        meta: {
          title: 'Waiting',
          tasks: [
            {
              key: 'report',
              title: 'Report',
              assignee: { role: 'probation' },
              due: 'PT2S',
              escalation: [
                { after: 'PT2S', to: { role: 'probation' } },
                { after: 'PT4S', to: { role: 'coordinator' } },
              ],
              urgent: true,
            },
          ],
        },
        on: { REPORTED: 'reported' },
      },
      reported: { type: 'final' },
    },
  },
});

/**
 * Dates that move take their tasks and reminders with them; work outlives the case's closing; a
 * ladder delivers each rung once — all over HTTP, to a real webhook receiver, at second scale.
 */
describe('time follows the case', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    t = await startTestApp();
    const hook = { webhookUrl: receiver.url, webhookSecret: SECRET };
    p = await seedPartnership(t, { probation: hook, coordinator: hook, police: hook });
    keys.release = await publishPathway(t, p.adminToken, releasePathway);
    keys.closing = await publishPathway(t, p.adminToken, closingPathway);
    keys.ladder = await publishPathway(t, p.adminToken, ladderPathway);
    keys.short = await publishPathway(t, p.adminToken, shortTaskPathway);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function openCase(key: string, keyDates: Record<string, string> = {}) {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Time Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }], keyDates },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    const [task] = await t.db.query(`SELECT id, due_at FROM tasks WHERE case_id = $1`, [created.body.id]);
    return { caseId: created.body.id as string, instanceId: started.body.instanceId as string, taskId: task?.id as string };
  }

  const webhooksFor = (taskId: string, kind: string): ReceivedWebhook[] => receiver.received.filter((r) => r.body.taskId === taskId && r.body.kind === kind);
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();

  it('moves a task and its reminder with the release date, earlier and later, and delivers at the new time only', async () => {
    const earlier = await openCase(keys.release!, { releaseDate: at(60_000) });
    const later = await openCase(keys.release!, { releaseDate: at(16_000) });
    const t0 = Date.now();
    const moveEarlier = await t.request('PATCH', `/api/cases/${earlier.caseId}`, { token: p.tokens.coordinator, body: { keyDates: { releaseDate: at(16_000) } } });
    expect(moveEarlier.status).toBe(200);
    const moveLater = await t.request('PATCH', `/api/cases/${later.caseId}`, { token: p.tokens.coordinator, body: { keyDates: { releaseDate: at(24_000) } } });
    expect(moveLater.status).toBe(200);

    const dueOf = async (taskId: string) => new Date((await t.db.query(`SELECT due_at FROM tasks WHERE id = $1`, [taskId]))[0].due_at).getTime();
    expect(Math.abs((await dueOf(earlier.taskId)) - (t0 + 6_000))).toBeLessThan(1_500);
    expect(Math.abs((await dueOf(later.taskId)) - (t0 + 14_000))).toBeLessThan(1_500);

    const first = await eventually(() => webhooksFor(earlier.taskId, 'reminder')[0], 15_000, 'reminder of the earlier task');
    expect(first.at).toBeGreaterThan(t0 + 5_000);
    expect(first.at).toBeLessThan(t0 + 11_000);
    // The task moved later has not been reminded at its old time (t0 + 6 s) …
    expect(webhooksFor(later.taskId, 'reminder')).toEqual([]);
    // … but is, at the new one.
    const second = await eventually(() => webhooksFor(later.taskId, 'reminder')[0], 20_000, 'reminder of the later task');
    expect(second.at).toBeGreaterThan(t0 + 13_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(webhooksFor(earlier.taskId, 'reminder')).toHaveLength(1);
    expect(webhooksFor(later.taskId, 'reminder')).toHaveLength(1);

    // The case's ledger and event log show the move.
    const ledger = await t.request('GET', `/api/cases/${later.caseId}/reminders?status=all`, { token: p.tokens.coordinator });
    expect(ledger.body.items.filter((i: { kind: string; status: string }) => i.kind === 'reminder' && i.status === 'sent')).toHaveLength(1);
    const [event] = await t.db.query(`SELECT data FROM case_events WHERE case_id = $1 AND type = 'case.key_dates_changed'`, [later.caseId]);
    expect(event.data.tasksMoved).toEqual([expect.objectContaining({ taskId: later.taskId, keyDate: 'releaseDate' })]);
  });

  it("keeps reminding a closed case's follow-up task", async () => {
    const c = await openCase(keys.closing!);
    const closed = await t.request('POST', `/api/cases/${c.caseId}/events`, { token: p.tokens.coordinator, body: { instanceId: c.instanceId, type: 'CLOSE' } });
    expect(closed.status).toBe(200);
    const detail = await t.request('GET', `/api/cases/${c.caseId}`, { token: p.tokens.coordinator });
    expect(detail.body.status).toBe('closed');
    const [task] = await t.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [c.caseId]);
    await eventually(() => webhooksFor(task.id, 'reminder')[0], 15_000, "the closed case's follow-up reminder");
  });

  it('delivers each rung of a two-rung ladder once, in order, to its own agency', async () => {
    const c = await openCase(keys.ladder!);
    await eventually(() => webhooksFor(c.taskId, 'escalation').length >= 2 || undefined, 20_000, 'both rungs');
    await new Promise((r) => setTimeout(r, 1_500));
    const rungs = webhooksFor(c.taskId, 'escalation');
    expect(rungs.map((r) => r.body.agencyId)).toEqual([p.agencies.probation.id, p.agencies.coordinator.id]);
    expect(new Set(rungs.map((r) => r.deliveryId)).size).toBe(2);
  });

  it('cancels the rungs still to come when the task is completed', async () => {
    const c = await openCase(keys.ladder!);
    await eventually(() => webhooksFor(c.taskId, 'escalation')[0], 15_000, 'the first rung');
    const done = await t.request('POST', `/api/tasks/${c.taskId}/complete`, { token: p.tokens.probation, body: {} });
    expect(done.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(webhooksFor(c.taskId, 'escalation')).toHaveLength(1);
    const [pending] = await t.db.query(`SELECT count(*)::int AS n FROM reminders WHERE task_id = $1 AND status = 'pending'`, [c.taskId]);
    expect(pending.n).toBe(0);
  });

  it('reminds an extended task on its new date only', async () => {
    const c = await openCase(keys.short!);
    const t0 = Date.now();
    const extended = await t.request('PATCH', `/api/tasks/${c.taskId}`, { token: p.tokens.coordinator, body: { dueAt: at(9_000), reason: 'Waiting for the parole board' } });
    expect(extended.status).toBe(200);
    expect(Math.abs(new Date(extended.body.dueAt).getTime() - (t0 + 9_000))).toBeLessThan(1_000);
    const reminder = await eventually(() => webhooksFor(c.taskId, 'reminder')[0], 20_000, 'reminder at the new date');
    expect(reminder.at).toBeGreaterThan(t0 + 8_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(webhooksFor(c.taskId, 'reminder')).toHaveLength(1);
    const [event] = await t.db.query(`SELECT data FROM case_events WHERE case_id = $1 AND type = 'task.extended'`, [c.caseId]);
    expect(event.data).toMatchObject({ taskId: c.taskId, reason: 'Waiting for the parole board' });
    // Agency staff may not move due dates.
    expect((await t.request('PATCH', `/api/tasks/${c.taskId}`, { token: p.tokens.probation, body: { dueAt: at(60_000), reason: 'x' } })).status).toBe(403);
  });

  it('reminds a reassigned task at the new agency only, and tells it', async () => {
    const c = await openCase(keys.short!);
    expect((await t.request('POST', `/api/cases/${c.caseId}/participants`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.police.id, role: 'police' } })).status).toBe(201);
    const outsider = await t.request('POST', `/api/tasks/${c.taskId}/reassign`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.housing.id } });
    expect(outsider.status).toBe(422);
    const moved = await t.request('POST', `/api/tasks/${c.taskId}/reassign`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.police.id, reason: 'Police hold the record' } });
    expect(moved.status).toBe(200);
    expect(moved.body.assigneeAgencyId).toBe(p.agencies.police.id);
    await eventually(() => webhooksFor(c.taskId, 'task_assigned').find((r) => r.body.agencyId === p.agencies.police.id), 10_000, 'task_assigned to police');
    const reminder = await eventually(() => webhooksFor(c.taskId, 'reminder')[0], 15_000, 'reminder of the reassigned task');
    expect(reminder.body.agencyId).toBe(p.agencies.police.id);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(webhooksFor(c.taskId, 'reminder').map((r) => r.body.agencyId)).toEqual([p.agencies.police.id]);
    // The police officer now sees it in their inbox; probation no longer does.
    const police = await t.request('GET', `/api/tasks?caseId=${c.caseId}`, { token: p.tokens.police });
    expect(police.body.items.map((x: { id: string }) => x.id)).toContain(c.taskId);
    const probation = await t.request('GET', `/api/tasks?caseId=${c.caseId}`, { token: p.tokens.probation });
    expect(probation.body.items.map((x: { id: string }) => x.id)).not.toContain(c.taskId);
  });
});
