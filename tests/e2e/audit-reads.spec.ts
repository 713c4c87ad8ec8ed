import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/**
 * Every read of case data leaves an audit entry (CONTRACT §2, Audit): one table row per read
 * route (a list read names each case it showed), called by someone allowed to, must add an entry naming the case and the action. The table
 * must cover every documented GET route that returns case data, so a new one cannot be forgotten.
 */
interface Ids {
  caseId: string;
  reference: string;
  taskId: string;
  conferenceId: string;
}

type Reader = 'coordinator' | 'police' | 'admin';

const READS: Array<{ route: string; path: (i: Ids) => string; as: Reader; action: string }> = [
  { route: 'GET /api/cases', path: () => '/api/cases?limit=200', as: 'coordinator', action: 'case.list' },
  { route: 'GET /api/cases', path: (i) => `/api/cases?q=${encodeURIComponent(i.reference)}`, as: 'police', action: 'case.list' },
  { route: 'GET /api/cases/{id}', path: (i) => `/api/cases/${i.caseId}`, as: 'police', action: 'case.read' },
  { route: 'GET /api/cases/{id}/timeline', path: (i) => `/api/cases/${i.caseId}/timeline`, as: 'police', action: 'case.timeline' },
  { route: 'GET /api/cases/{id}/reminders', path: (i) => `/api/cases/${i.caseId}/reminders`, as: 'coordinator', action: 'case.reminders' },
  { route: 'GET /api/cases/{id}/notes', path: (i) => `/api/cases/${i.caseId}/notes`, as: 'police', action: 'note.list' },
  { route: 'GET /api/cases/{id}/conferences', path: (i) => `/api/cases/${i.caseId}/conferences`, as: 'police', action: 'conference.list' },
  { route: 'GET /api/cases/{id}/export', path: (i) => `/api/cases/${i.caseId}/export`, as: 'coordinator', action: 'case.export' },
  { route: 'GET /api/conferences/{id}', path: (i) => `/api/conferences/${i.conferenceId}`, as: 'police', action: 'conference.read' },
  { route: 'GET /api/conferences/{id}/invite.ics', path: (i) => `/api/conferences/${i.conferenceId}/invite.ics`, as: 'police', action: 'conference.invite' },
  { route: 'GET /api/tasks', path: () => '/api/tasks?limit=200', as: 'police', action: 'task.list' },
  { route: 'GET /api/tasks', path: (i) => `/api/tasks?caseId=${i.caseId}`, as: 'coordinator', action: 'task.list' },
  { route: 'GET /api/tasks/{id}', path: (i) => `/api/tasks/${i.taskId}`, as: 'police', action: 'task.read' },
  { route: 'GET /api/notifications', path: () => '/api/notifications?limit=200', as: 'police', action: 'notification.list' },
  { route: 'GET /api/pathways/{id}/instances', path: () => '/api/pathways/referral/instances?limit=200', as: 'admin', action: 'instance.list' },
];

/** GET routes that return case data: everything under cases, tasks, conferences, notifications, and pathway instances. */
const CASE_DATA = /^GET \/api\/(cases|tasks|conferences|notifications)\b|^GET \/api\/pathways\/\{id\}\/instances$/;

describe('every read of case data is audited', () => {
  let t: TestApp;
  let p: Partnership;
  let ids: Ids;
  let routes: string[];

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const doc = await t.request('GET', '/docs-json', { headers: { accept: 'application/json' } });
    routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{id}')}`),
    );
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Audit Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.police.id, role: 'referrer' }, { agencyId: p.agencies.police.id, role: 'police' }] },
    });
    expect(created.status).toBe(201);
    expect((await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } })).status).toBe(201);
    expect((await t.request('POST', `/api/cases/${created.body.id}/notes`, { token: p.tokens.coordinator, body: { text: 'An audited note' } })).status).toBe(201);
    const conference = await t.request('POST', `/api/cases/${created.body.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(conference.status).toBe(201);
    const tasks = (await t.request('GET', `/api/tasks?caseId=${created.body.id}`, { token: p.tokens.police })).body.items as Array<{ id: string }>;
    expect(tasks.length).toBeGreaterThan(0);
    ids = { caseId: created.body.id, reference: created.body.reference, taskId: tasks[0]!.id, conferenceId: conference.body.id };
  }, 30_000);
  afterAll(() => t.close());

  const entries = async (action: string) =>
    (await t.request('GET', `/api/audit?caseId=${ids.caseId}&action=${encodeURIComponent(action)}&limit=200`, { token: p.adminToken })).body as {
      items: Array<{ userId: string; agencyId: string | null; action: string; caseId: string; resource: string | null }>;
      total: number;
    };

  it('covers every documented GET route that returns case data', () => {
    const covered = new Set(READS.map((r) => r.route));
    expect(routes.filter((r) => CASE_DATA.test(r)).filter((r) => !covered.has(r)).sort()).toEqual([]);
  });

  it.each(READS.map((r) => [r.route, r.path({ caseId: ':case', reference: ':ref', taskId: ':task', conferenceId: ':conf' }), r] as const))(
    '%s (%s) writes an audit entry naming the case and the reader',
    async (_route, _path, read) => {
      const before = (await entries(read.action)).total;
      const token = read.as === 'admin' ? p.adminToken : p.tokens[read.as];
      const res = await t.request('GET', read.path(ids), { token });
      expect(res.status).toBe(200);
      const after = await entries(read.action);
      expect(after.total).toBe(before + 1);
      const reader = read.as === 'admin' ? undefined : p.users[read.as].id;
      if (reader) expect(after.items[0]).toMatchObject({ action: read.action, caseId: ids.caseId, userId: reader });
    },
  );

  it('a list page reads back as one entry per case it showed, each naming the rows of that case shown', async () => {
    const other = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Second Audit Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
    });
    expect(other.status).toBe(201);
    await new Promise((r) => setTimeout(r, 20)); // the earlier tests' reads are older than `since`
    const since = new Date().toISOString();
    const page = await t.request('GET', '/api/cases?limit=200', { token: p.tokens.coordinator });
    const shown = (page.body.items as Array<{ id: string }>).map((c) => c.id);
    expect(shown).toEqual(expect.arrayContaining([ids.caseId, other.body.id]));
    const log = await t.request('GET', `/api/audit?userId=${p.users.coordinator.id}&action=case.list&from=${encodeURIComponent(since)}&limit=200`, { token: p.adminToken });
    const entries = log.body.items as Array<{ id: string; caseId: string; resource: string; resourceId: string }>;
    expect(entries.map((e) => e.caseId).sort()).toEqual([...shown].sort());
    for (const e of entries) expect(e).toMatchObject({ resource: 'case', resourceId: e.caseId });
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    // The other case's own log shows that read, and only cases that were on the page are named.
    const theirs = await t.request('GET', `/api/audit?caseId=${other.body.id}&action=case.list&from=${encodeURIComponent(since)}`, { token: p.adminToken });
    expect(theirs.body.items).toEqual([expect.objectContaining({ caseId: other.body.id, userId: p.users.coordinator.id })]);
    const tasks = await t.request('GET', `/api/tasks?caseId=${ids.caseId}`, { token: p.tokens.police });
    const taskLog = await t.request('GET', `/api/audit?caseId=${ids.caseId}&action=task.list&userId=${p.users.police.id}&limit=1`, { token: p.adminToken });
    expect(taskLog.body.items[0].detail.ids.sort()).toEqual((tasks.body.items as Array<{ id: string }>).map((x) => x.id).sort());
  });

  it('filters the audit log by user, action and time, a page at a time', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    await t.request('GET', `/api/cases/${ids.caseId}`, { token: p.tokens.coordinator });
    const mine = await t.request('GET', `/api/audit?userId=${p.users.coordinator.id}&action=case.read&from=${encodeURIComponent(since)}&limit=1`, { token: p.adminToken });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ userId: p.users.coordinator.id, action: 'case.read', caseId: ids.caseId });
    const none = await t.request('GET', `/api/audit?caseId=${ids.caseId}&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`, { token: p.adminToken });
    expect(none.body.items).toEqual([]);
    const page2 = await t.request('GET', `/api/audit?caseId=${ids.caseId}&limit=2&offset=2`, { token: p.adminToken });
    expect(page2.body.items).toHaveLength(2);
  });
});
