import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import { QueueService } from '../../libs/core/src/queue/queue.service.js';
import { QUEUE } from '../../libs/core/src/queue/queue-registry.js';
import { reminderJobId } from '../../libs/domain/src/outbox/outbox.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { firstOf } from '../support/defined.js';
import { leaves, readMime } from '../unit/notifications/support/mime-reader.js';
import { startSmtpSink, startWebhookReceiver, type WebhookReceiver } from '../integration/notifications/support/receivers.js';
import { openCase, publishPathway, sleep, startPathway } from '../integration/notifications/support/scenario.js';

const SECRET = 'conference-test-secret-0123456789';

/** Police's update is due five days before the conference; the pathway ends once probation and police attended. */
const reviewPathway = (key: string) => ({
  key,
  title: 'Conference test',
  machine: {
    id: key,
    initial: 'preparation',
    states: {
      preparation: {
        meta: {
          title: 'Preparation',
          tasks: [
            {
              key: 'police-update',
              title: 'Police update for the review',
              assignee: { role: 'police' },
              due: { before: 'conferenceDate', offset: 'P5D' },
              reminders: ['-P3D', 'P0D'],
            },
          ],
        },
        always: { target: 'concluded', guard: { type: 'quorumMet', params: { roles: ['probation', 'police'] } } },
      },
      concluded: { type: 'final' },
    },
  },
});

function parseEvent(text: string): VEvent {
  const events = Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0]!;
}

interface ReminderItem {
  id: string;
  kind: string;
  agencyId: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: string;
  status: string;
  generation: number;
}

describe('conferences: invitations, calendar files, moving with everything counted from them', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let key: string;
  const probationEmail = `probation.${Date.now()}@agency.example`;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    smtp = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: smtp.url });
    p = await seedPartnership(t, {
      probation: { webhookUrl: receiver.url, webhookSecret: SECRET, email: probationEmail },
      police: { webhookUrl: receiver.url, webhookSecret: SECRET },
      coordinator: { email: `city.${Date.now()}@city.example` },
    });
    key = await publishPathway(t, p.adminToken, reviewPathway);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await smtp?.close();
  });

  const reminders = async (caseId: string, status = 'active'): Promise<ReminderItem[]> =>
    (await t.request('GET', `/api/cases/${caseId}/reminders?status=${status}`, { token: p.tokens.coordinator })).body.items;

  it('invites each agency with a calendar file, and a move keeps the UID with a higher SEQUENCE', async () => {
    const c = await openCase(t, p);
    const res = await t.request('POST', `/api/cases/${c.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: '2030-01-16T10:00:00Z', durationMinutes: 90, location: 'City hall, room 2' },
    });
    expect(res.status).toBe(201);
    const conf = res.body;
    expect(conf).toMatchObject({ caseId: c.id, status: 'scheduled', sequence: 0, durationMinutes: 90, location: 'City hall, room 2' });
    expect(conf.agencyIds.sort()).toEqual([p.agencies.coordinator.id, p.agencies.probation.id, p.agencies.police.id].sort());

    const invitations = await eventually(() => {
      const got = receiver.received.filter((r) => r.body.conferenceId === conf.id && r.body.kind === 'conference_invitation');
      return got.length === 2 ? got : undefined;
    }, 5000, 'two webhook invitations');
    expect(invitations.every((r) => r.signatureValid)).toBe(true);
    expect(invitations.map((r) => r.body.agencyId).sort()).toEqual([p.agencies.probation.id, p.agencies.police.id].sort());
    expect(firstOf(invitations, 'invitations').body.dueAt).toBe('2030-01-16T10:00:00.000Z');

    const mail = await eventually(() => smtp.inbox.find((m) => m.to.includes(probationEmail) && m.raw.includes(c.reference)), 5000, 'the emailed invitation');
    const calendar = leaves(readMime(mail.raw)).find((part) => (part.headers.get('content-type') ?? '').startsWith('text/calendar'));
    const mailed = parseEvent(calendar!.body);
    expect(mailed.uid).toBe(`${conf.id}@convene`);
    expect(mailed.start.toISOString()).toBe('2030-01-16T10:00:00.000Z');

    const ics = await t.request('GET', `/api/conferences/${conf.id}/invite.ics`, { token: p.tokens.probation });
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const before = parseEvent(ics.body);
    expect(before.uid).toBe(`${conf.id}@convene`);
    expect(Number(before.sequence)).toBe(0);
    expect(before.location).toBe('City hall, room 2');
    expect(before.end!.getTime() - before.start.getTime()).toBe(90 * 60_000);

    const moved = await t.request('PATCH', `/api/conferences/${conf.id}`, { token: p.tokens.coordinator, body: { scheduledAt: '2030-01-21T10:00:00Z' } });
    expect(moved.status).toBe(200);
    expect(moved.body.sequence).toBe(1);
    const after = parseEvent((await t.request('GET', `/api/conferences/${conf.id}/invite.ics`, { token: p.tokens.police })).body);
    expect(after.uid).toBe(before.uid);
    expect(Number(after.sequence)).toBe(1);
    expect(after.start.toISOString()).toBe('2030-01-21T10:00:00.000Z');
    await eventually(() => receiver.received.filter((r) => r.body.conferenceId === conf.id && r.body.kind === 'conference_changed').length === 2, 5000, 'conference_changed to both');
  }, 20_000);

  it('cancels a conference: reminders cancelled, invitees told, the calendar file says CANCEL', async () => {
    const c = await openCase(t, p);
    const conf = (
      await t.request('POST', `/api/cases/${c.id}/conferences`, { token: p.tokens.coordinator, body: { scheduledAt: '2030-03-04T09:00:00Z' } })
    ).body;
    expect((await reminders(c.id)).filter((r) => r.conferenceId === conf.id && r.status === 'pending').length).toBeGreaterThan(0);

    const staff = await t.request('POST', `/api/conferences/${conf.id}/cancel`, { token: p.tokens.police, body: {} });
    expect(staff.status).toBe(403);
    const cancelled = await t.request('POST', `/api/conferences/${conf.id}/cancel`, { token: p.tokens.coordinator, body: { reason: 'moved to next month' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', sequence: 1 });

    const left = (await reminders(c.id, 'all')).filter((r) => r.conferenceId === conf.id && !r.taskId);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.status === 'cancelled')).toBe(true);
    const calendar = parseEvent((await t.request('GET', `/api/conferences/${conf.id}/invite.ics`, { token: p.tokens.probation })).body);
    expect(Number(calendar.sequence)).toBe(1);
    expect((await t.request('GET', `/api/conferences/${conf.id}/invite.ics`, { token: p.tokens.probation })).body).toMatch(/METHOD:CANCEL/);
    await eventually(
      () => receiver.received.filter((r) => r.body.conferenceId === conf.id && r.body.kind === 'conference_changed').length === 2,
      5000,
      'conference_changed to both webhook agencies',
    );
    const again = await t.request('POST', `/api/conferences/${conf.id}/attendance`, {
      token: p.tokens.coordinator,
      body: { agencyId: p.agencies.police.id, attended: true },
    });
    expect(again.status).toBe(409);
  }, 20_000);

  it('moves reminders and report deadlines counted from the conference date in one step', async () => {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    const tasks = await t.request('GET', `/api/tasks?caseId=${c.id}`, { token: p.tokens.police });
    expect(tasks.body.items).toEqual([expect.objectContaining({ title: 'Police update for the review', dueAt: null })]);

    const conf = (
      await t.request('POST', `/api/cases/${c.id}/conferences`, { token: p.tokens.coordinator, body: { scheduledAt: '2030-01-16T10:00:00Z' } })
    ).body;
    const detail = await t.request('GET', `/api/cases/${c.id}`, { token: p.tokens.coordinator });
    expect(detail.body.keyDates.conferenceDate).toBe('2030-01-16T10:00:00.000Z');
    const task = (await t.request('GET', `/api/tasks?caseId=${c.id}`, { token: p.tokens.police })).body.items[0];
    expect(task.dueAt).toBe('2030-01-11T10:00:00.000Z'); // five days before

    const first = await reminders(c.id);
    // A day before the Wednesday meeting, to each of the three invitees; the police update three days before and on its due date.
    const conferenceReminders = first.filter((r) => r.conferenceId === conf.id && !r.taskId);
    expect(conferenceReminders.map((r) => r.dueAt)).toEqual(Array(3).fill('2030-01-15T10:00:00.000Z'));
    expect(first.filter((r) => r.taskId === task.id).map((r) => r.dueAt)).toEqual(['2030-01-08T10:00:00.000Z', '2030-01-11T10:00:00.000Z']);

    const queue = t.app.get(QueueService).queue(QUEUE.reminders);
    const oldJobs = first.map((r) => reminderJobId(r.id, r.generation));
    await eventually(async () => (await Promise.all(oldJobs.map((id) => queue.getJob(id)))).every(Boolean), 5000, 'the first jobs');

    // To a Monday: the day-before reminder goes out on the Friday before; the update is due five days earlier.
    const moved = await t.request('PATCH', `/api/conferences/${conf.id}`, { token: p.tokens.coordinator, body: { scheduledAt: '2030-01-21T10:00:00Z' } });
    expect(moved.status).toBe(200);
    const second = await reminders(c.id);
    expect(second.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    expect(second.every((r) => r.generation === 2 && r.status === 'pending')).toBe(true);
    expect(second.filter((r) => !r.taskId).map((r) => r.dueAt)).toEqual(Array(3).fill('2030-01-18T10:00:00.000Z'));
    // Three days before the new due date is a Sunday: the (non-urgent) reminder waits for Monday 09:00 in Amsterdam.
    expect(second.filter((r) => r.taskId === task.id).map((r) => r.dueAt)).toEqual(['2030-01-14T08:00:00.000Z', '2030-01-16T10:00:00.000Z']);
    expect((await t.request('GET', `/api/tasks?caseId=${c.id}`, { token: p.tokens.police })).body.items[0].dueAt).toBe('2030-01-16T10:00:00.000Z');
    expect((await t.request('GET', `/api/cases/${c.id}`, { token: p.tokens.coordinator })).body.keyDates.conferenceDate).toBe('2030-01-21T10:00:00.000Z');

    // The old jobs are gone from the queue; the new generation's are there.
    await eventually(async () => (await Promise.all(oldJobs.map((id) => queue.getJob(id)))).every((j) => !j), 5000, 'old jobs removed');
    const newJobs = await Promise.all(second.map((r) => queue.getJob(reminderJobId(r.id, 2))));
    expect(newJobs.every(Boolean)).toBe(true);
  }, 20_000);

  it('sends a reminder before the meeting, and none at the old time once the meeting moved', async () => {
    const c = await openCase(t, p);
    const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const kept = (await t.request('POST', `/api/cases/${c.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: soon(25), agencyIds: [p.agencies.probation.id], reminders: ['-PT22S'] },
    })).body;
    const movedConf = (await t.request('POST', `/api/cases/${c.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: soon(25), agencyIds: [p.agencies.police.id], reminders: ['-PT22S'] },
    })).body;
    const move = await t.request('PATCH', `/api/conferences/${movedConf.id}`, { token: p.tokens.coordinator, body: { scheduledAt: soon(3600) } });
    expect(move.status).toBe(200);

    const arrived = await eventually(
      () => receiver.received.find((r) => r.body.conferenceId === kept.id && r.body.kind === 'reminder'),
      10_000,
      'the reminder of the conference that stayed',
    );
    expect(arrived.body).toMatchObject({ agencyId: p.agencies.probation.id, title: `Case conference ${c.reference}` });
    await sleep(1500);
    expect(receiver.received.filter((r) => r.body.conferenceId === movedConf.id && r.body.kind === 'reminder')).toEqual([]);
    const rows = (await reminders(c.id)).filter((r) => r.conferenceId === movedConf.id);
    expect(rows).toEqual([expect.objectContaining({ status: 'pending', generation: 2 })]);
    expect(new Date(firstOf(rows, 'reminders').dueAt).getTime()).toBeGreaterThan(Date.now() + 3000_000);
  }, 20_000);

  it('records attendance (a quorum guard then passes) and turns minutes into agency tasks', async () => {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    const conf = (
      await t.request('POST', `/api/cases/${c.id}/conferences`, {
        token: p.tokens.coordinator,
        body: { scheduledAt: new Date(Date.now() + 3600_000).toISOString(), reminders: ['-PT30M'] },
      })
    ).body;
    const staffTry = await t.request('POST', `/api/conferences/${conf.id}/attendance`, {
      token: p.tokens.police,
      body: { agencyId: p.agencies.police.id, attended: true },
    });
    expect(staffTry.status).toBe(403);
    const state = async () => (await t.request('GET', `/api/cases/${c.id}`, { token: p.tokens.coordinator })).body.pathways[0];

    const one = await t.request('POST', `/api/conferences/${conf.id}/attendance`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.probation.id, attended: true } });
    expect(one.status).toBe(200);
    expect((await state()).status).toBe('active');
    await t.request('POST', `/api/conferences/${conf.id}/attendance`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.police.id, attended: true } });
    expect(await state()).toMatchObject({ state: 'concluded', status: 'done' });

    const unknownAgency = await t.request('POST', `/api/conferences/${conf.id}/minutes`, {
      token: p.tokens.coordinator,
      body: { text: 'Minutes', actions: [{ title: 'Find housing', agencyId: p.agencies.housing.id, dueAt: '2030-02-01T16:00:00Z' }] },
    });
    expect(unknownAgency.status).toBe(422);
    expect(unknownAgency.body.errors[0].path).toBe('$.actions[0].agencyId');

    const minutes = await t.request('POST', `/api/conferences/${conf.id}/minutes`, {
      token: p.tokens.coordinator,
      body: {
        text: 'Agencies shared their updates.',
        decisions: ['Continue the plan', { text: 'Review in 12 weeks', rationale: 'Stable', dissent: 'none' }],
        actions: [{ title: 'Check in with the mentor', agencyId: p.agencies.police.id, dueAt: '2030-02-01T16:00:00Z' }],
      },
    });
    expect(minutes.status).toBe(200);
    expect(minutes.body.status).toBe('held');
    expect(minutes.body.minutes.decisions).toHaveLength(2);
    const [action] = minutes.body.minutes.actions;
    expect(action).toMatchObject({ title: 'Check in with the mentor', agencyId: p.agencies.police.id, dueAt: '2030-02-01T16:00:00.000Z', status: 'open' });

    const policeTasks = await t.request('GET', `/api/tasks?caseId=${c.id}&status=open`, { token: p.tokens.police });
    expect(policeTasks.body.items).toEqual([expect.objectContaining({ id: action.taskId, conferenceId: conf.id, instanceId: null })]);
    const all = await reminders(c.id, 'all');
    expect(all.filter((r) => r.taskId === action.taskId).map((r) => r.kind)).toEqual(['reminder', 'reminder', 'escalation']);
    // The meeting was held: its own reminder to each invitee will not be sent.
    expect(all.filter((r) => r.conferenceId === conf.id && !r.taskId).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);

    const view = await t.request('GET', `/api/conferences/${conf.id}`, { token: p.tokens.probation });
    expect(view.status).toBe(200);
    expect(view.body.attendance).toHaveLength(2);
    const outsider = await t.request('GET', `/api/conferences/${conf.id}`, { token: p.tokens.housing });
    expect(outsider.status).toBe(404);
    const outsiderIcs = await t.request('GET', `/api/conferences/${conf.id}/invite.ics`, { token: p.tokens.housing });
    expect(outsiderIcs.status).toBe(404);
    const staffMove = await t.request('PATCH', `/api/conferences/${conf.id}`, { token: p.tokens.probation, body: { scheduledAt: '2030-01-01T10:00:00Z' } });
    expect(staffMove.status).toBe(403);

    const timeline = await t.request('GET', `/api/cases/${c.id}/timeline`, { token: p.tokens.coordinator });
    const kinds = timeline.body.items.map((i: { kind: string }) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['conference_scheduled', 'conference_attendance', 'conference_minutes', 'transition']));
    const audit = await t.db.query<Array<{ action: string }>>(`SELECT action FROM audit_log WHERE case_id = $1 AND action LIKE 'conference.%'`, [c.id]);
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['conference.create', 'conference.attendance', 'conference.minutes', 'conference.read']));
  }, 20_000);
});
