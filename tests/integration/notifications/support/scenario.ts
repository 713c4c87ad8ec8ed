import { randomUUID } from 'node:crypto';
import type { Partnership, PartnershipRole, TestApp } from '../../../support/app.js';
import { firstOf } from '../../../support/defined.js';

/** Publishes a pathway definition through the admin API under a fresh key; returns the key. */
export async function publishPathway(t: TestApp, adminToken: string, definition: (key: string) => Record<string, unknown>): Promise<string> {
  const key = `t-${randomUUID().slice(0, 8)}`;
  const created = await t.request<{ version: number }>('POST', `/api/pathways/${key}/versions`, { token: adminToken, body: { definition: definition(key) } });
  if (created.status !== 201) throw new Error(`pathway: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await t.request('POST', `/api/pathways/${key}/versions/${created.body.version}/publish`, { token: adminToken });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return key;
}

/**
 * A second-scale pathway: one urgent task for probation, due 3 s after the state is entered, with
 * reminders 2 s before and on the due time, and an escalation to the coordinator 2 s after it.
 */
export const quickReminderPathway = (key: string) => ({
  key,
  title: 'Reminder timing test',
  machine: {
    id: key,
    initial: 'contributions',
    states: {
      contributions: {
        meta: {
          title: 'Contributions',
          tasks: [
            {
              key: 'risk-report',
              title: 'Submit risk assessment',
              assignee: { role: 'probation' },
              due: 'PT3S',
              reminders: ['-PT2S', 'P0D'],
              escalation: { after: 'PT2S', to: { role: 'coordinator' } },
              urgent: true,
            },
          ],
        },
        always: { target: 'done', guard: 'allTasksDone' },
      },
      done: { type: 'final' },
    },
  },
});

/** Opens a case with the partnership's coordinator (lead), probation and police; returns its id. */
export async function openCase(t: TestApp, p: Partnership, roles: PartnershipRole[] = ['probation', 'police']): Promise<{ id: string; reference: string }> {
  const res = await t.request<{ id: string; reference: string }>('POST', '/api/cases', {
    token: p.tokens.coordinator,
    body: {
      subject: { name: 'Test Subject' },
      leadAgencyId: p.agencies.coordinator.id,
      participants: roles.map((role) => ({ agencyId: p.agencies[role].id, role })),
    },
  });
  if (res.status !== 201) throw new Error(`case: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, reference: res.body.reference };
}

export async function startPathway(t: TestApp, p: Partnership, caseId: string, key: string): Promise<string> {
  const res = await t.request<{ instanceId: string }>('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key } });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.instanceId;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A pending reminder far in the future (its own job will not fire during a test), on a fresh
 * probation task of the case: written straight to the tables so a test can dispatch it by hand.
 */
export async function insertPendingReminder(t: TestApp, p: Partnership, caseId: string, taskStatus = 'open'): Promise<{ id: string; taskId: string }> {
  const task = firstOf(await t.db.query<Array<{ id: string }>>(
    `INSERT INTO tasks (case_id, title, assignee_role, assignee_agency_id, due_at, status)
     VALUES ($1, 'Submit risk assessment', 'probation', $2, now() + interval '30 days', $3) RETURNING id`,
    [caseId, p.agencies.probation.id, taskStatus],
  ), 'INSERT INTO tasks … RETURNING');
  const reminder = firstOf(await t.db.query<Array<{ id: string }>>(
    `INSERT INTO reminders (case_id, task_id, agency_id, kind, due_at, rule)
     VALUES ($1, $2, $3, 'reminder', now() + interval '27 days', $4) RETURNING id`,
    [caseId, task.id, p.agencies.probation.id, JSON.stringify({ source: 'task', pathway: 'referral', version: 1, state: 'screening', task: 'risk', kind: 'reminder', offset: '-P3D' })],
  ), 'INSERT INTO reminders … RETURNING');
  return { id: reminder.id, taskId: task.id };
}
