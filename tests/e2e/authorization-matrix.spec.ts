import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, seedPartnership, startTestApp, unique, type Partnership, type PartnershipRole, type TestApp } from '../support/app.js';

/**
 * Roles × agencies × endpoints. A case is visible to the case managers of the agency that leads it
 * and to the staff of the agencies taking part; to everyone else it must look exactly like a case
 * that does not exist (404, or the same role-based refusal an unknown id gets). Tasks are visible to
 * the assignee agency's staff and to the case's managers. Administration needs the admin role.
 */

/** `'GET /api/cases/{id}'` → `['GET', '/api/cases/{id}']` (routes are `${METHOD} ${path}`; paths have no spaces). */
function splitRoute(route: string): [method: string, template: string] {
  const space = route.indexOf(' ');
  return [route.slice(0, space), route.slice(space + 1)];
}

type Who = 'admin' | 'leadManager' | 'outsideManager' | 'adminOutsideManager' | 'policeStaff' | 'probationStaff' | 'outsideStaff';

const WHO: Record<Who, string> = {
  admin: 'administrator (no case role)',
  leadManager: 'case manager of the lead agency',
  outsideManager: 'case manager of an agency not in the case',
  adminOutsideManager: 'administrator + case manager of an agency not in the case',
  policeStaff: 'staff of a participating agency holding a task',
  probationStaff: 'staff of a participating agency without a task',
  outsideStaff: 'staff of an agency not in the case',
};
const EVERYONE = Object.keys(WHO) as Who[];
const SEES_CASE: Who[] = ['leadManager', 'policeStaff', 'probationStaff'];
const OUTSIDERS = EVERYONE.filter((w) => !SEES_CASE.includes(w));

interface Row {
  what: string;
  method: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** Expected status per user; a user left out is not tried (the call would change the fixture). */
  expect: Partial<Record<Who, number>>;
  /** Only when the running API has this route (others are adding it). */
  route?: string;
}

interface Ids {
  caseId: string;
  reference: string;
  instanceId: string;
  policeTask: string;
  cityTask: string;
  /** A conference of the case, when the API has conferences. */
  conferenceId?: string;
  /** The police's task_assigned notification for its task, when the API has notifications. */
  notificationId?: string;
  /** A note restricted to the police, when the API has notes. */
  restrictedNoteId?: string;
  agencies: Record<string, string>;
}

const RESTRICTED_NOTE = `Restricted-${randomUUID().slice(0, 8)}`;
const RESTRICTED_DECISION = `Decision-${randomUUID().slice(0, 8)} for police only`;
const OPEN_NOTE = `Open-${randomUUID().slice(0, 8)} note`;
/** Who may see the restricted note and decision: the police (named) and the lead (the author's agency). */
const SEES_RESTRICTED: Who[] = ['leadManager', 'policeStaff'];

/** Expected statuses: `seen` for those who see the case, 404 for everyone else unless overridden. */
const caseRow = (what: string, method: string, path: Row['path'], seen: Partial<Record<Who, number>>, extra: Partial<Row> = {}): Row => ({
  what,
  method,
  path,
  expect: { ...Object.fromEntries(OUTSIDERS.map((w) => [w, 404])), ...seen },
  ...extra,
});

// Case managers only may manage a case: staff and pure administrators are refused by role (403),
// which they get for an unknown case too, so it reveals nothing.
const MANAGE = { policeStaff: 403, probationStaff: 403, outsideStaff: 403, admin: 403 };

const CASE_ROWS: Row[] = [
  caseRow('read the case', 'GET', (i) => `/api/cases/${i.caseId}`, { leadManager: 200, policeStaff: 200, probationStaff: 200 }),
  caseRow(
    'send an event the state does not handle',
    'POST',
    (i) => `/api/cases/${i.caseId}/events`,
    { leadManager: 422, policeStaff: 422, probationStaff: 422 },
    { body: (i) => ({ instanceId: i.instanceId, type: 'RELEASED' }) },
  ),
  caseRow(
    'add an agency already in that role',
    'POST',
    (i) => `/api/cases/${i.caseId}/participants`,
    { leadManager: 409, ...MANAGE },
    { body: (i) => ({ agencyId: i.agencies.police, role: 'police' }) },
  ),
  caseRow(
    'remove a participating agency',
    'DELETE',
    (i) => `/api/cases/${i.caseId}/participants/${i.agencies.probation}`,
    MANAGE,
  ),
  caseRow(
    'start a pathway that does not exist',
    'POST',
    (i) => `/api/cases/${i.caseId}/pathways`,
    { leadManager: 404, ...MANAGE },
    { body: () => ({ key: 'no-such-pathway' }) },
  ),
  caseRow('change key dates', 'PATCH', (i) => `/api/cases/${i.caseId}`, { leadManager: 200, ...MANAGE }, { body: () => ({ keyDates: {} }) }),
  caseRow('read the timeline', 'GET', (i) => `/api/cases/${i.caseId}/timeline`, { leadManager: 200, policeStaff: 200, probationStaff: 200 }, { route: '/api/cases/{id}/timeline' }),
  caseRow('read the reminders', 'GET', (i) => `/api/cases/${i.caseId}/reminders`, { leadManager: 200, policeStaff: 200, probationStaff: 200 }, { route: '/api/cases/{id}/reminders' }),
  caseRow('list conferences', 'GET', (i) => `/api/cases/${i.caseId}/conferences`, { leadManager: 200, policeStaff: 200, probationStaff: 200 }, { route: 'GET /api/cases/{id}/conferences' }),
  caseRow('read the notes', 'GET', (i) => `/api/cases/${i.caseId}/notes`, { leadManager: 200, policeStaff: 200, probationStaff: 200 }, { route: 'GET /api/cases/{id}/notes' }),
  caseRow(
    'add a note',
    'POST',
    (i) => `/api/cases/${i.caseId}/notes`,
    { leadManager: 201, policeStaff: 201, probationStaff: 201 },
    { route: 'POST /api/cases/{id}/notes', body: () => ({ text: 'matrix probe note' }) },
  ),
  // The subject-access export is for the lead agency's case managers; staff who see the case are refused by role.
  caseRow('export the case', 'GET', (i) => `/api/cases/${i.caseId}/export`, { leadManager: 200, policeStaff: 403, probationStaff: 403 }, { route: 'GET /api/cases/{id}/export' }),
  caseRow(
    'schedule a conference',
    'POST',
    (i) => `/api/cases/${i.caseId}/conferences`,
    // This route checks the case before the role, so outsiders get the plain 404.
    { leadManager: 201, policeStaff: 403, probationStaff: 403 },
    { route: 'POST /api/cases/{id}/conferences', body: () => ({ scheduledAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), location: 'Town hall' }) },
  ),
];

const TASK_ROWS: Row[] = ([
  { what: 'read own task', method: 'GET', path: (i) => `/api/tasks/${i.policeTask}`, expect: { policeStaff: 200, leadManager: 200 } },
  { what: "read another agency's task", method: 'GET', path: (i) => `/api/tasks/${i.cityTask}`, expect: { leadManager: 200, policeStaff: 404, probationStaff: 404 } },
  { what: "acknowledge another agency's task", method: 'POST', path: (i) => `/api/tasks/${i.cityTask}/acknowledge`, expect: { policeStaff: 404, probationStaff: 404 } },
  {
    what: "complete another agency's task",
    method: 'POST',
    path: (i) => `/api/tasks/${i.cityTask}/complete`,
    body: () => ({ outcome: 'done' }),
    expect: { policeStaff: 404, probationStaff: 404 },
  },
  {
    what: "complete another participating agency's task",
    method: 'POST',
    path: (i) => `/api/tasks/${i.policeTask}/complete`,
    body: () => ({ outcome: 'done' }),
    expect: { probationStaff: 404 },
  },
] satisfies Row[]).map((row) => ({ ...row, expect: { ...Object.fromEntries(OUTSIDERS.map((w) => [w, 404])), ...row.expect } }));

/** A definition the validator accepts, under a key no other test uses. */
const pathwayKey = `authz-${randomUUID().slice(0, 8)}`;
const definition = { key: pathwayKey, title: 'Authorisation probe', machine: { id: pathwayKey, initial: 'open', states: { open: { on: { DONE: 'done' } }, done: { type: 'final' } } } };

/** `admin`: the status an administrator gets (left out where a valid call needs more set-up). */
const ADMIN_ROWS: Array<Omit<Row, 'expect'> & { admin?: number }> = [
  { what: 'create an agency', method: 'POST', path: () => '/api/agencies', body: () => ({ name: unique('authz agency'), kind: 'other' }), admin: 201 },
  {
    what: 'create a user',
    method: 'POST',
    path: () => '/api/users',
    body: (i) => ({ email: `authz.${randomUUID().slice(0, 8)}@example.org`, name: 'Probe', password: 'long enough password', agencyId: i.agencies.housing, roles: ['admin'] }),
    admin: 201,
  },
  { what: 'list users', method: 'GET', path: () => '/api/users', admin: 200 },
  { what: 'validate a pathway definition', method: 'POST', path: () => '/api/pathways/validate', body: () => ({ definition }), admin: 200 },
  { what: 'create a pathway version', method: 'POST', path: () => `/api/pathways/${pathwayKey}/versions`, body: () => ({ definition }), admin: 201 },
  { what: 'publish a pathway version', method: 'POST', path: () => `/api/pathways/${pathwayKey}/versions/1/publish`, admin: 200 },
  { what: 'read the audit log', method: 'GET', path: (i) => `/api/audit?caseId=${i.caseId}`, admin: 200 },
  { what: 'retire a pathway version', method: 'POST', path: () => '/api/pathways/referral/versions/1/retire', body: () => ({}), route: 'POST /api/pathways/{id}/versions/{id}/retire' },
  { what: 'read a pathway history', method: 'GET', path: () => '/api/pathways/referral/history', route: 'GET /api/pathways/{id}/history' },
  { what: 'import a pathway file', method: 'POST', path: () => '/api/pathways/import', body: () => ({}), route: 'POST /api/pathways/import' },
  { what: 'list running instances of a pathway', method: 'GET', path: () => '/api/pathways/referral/instances', route: 'GET /api/pathways/{id}/instances' },
  { what: 'dry-run a pathway migration', method: 'POST', path: () => '/api/pathways/referral/migrations/dry-run', body: () => ({}), route: 'POST /api/pathways/{id}/migrations/dry-run' },
  { what: 'apply a pathway migration', method: 'POST', path: () => '/api/pathways/referral/migrations/apply', body: () => ({}), route: 'POST /api/pathways/{id}/migrations/apply' },
];

/** Compares statuses with the problem detail in view, so a failure says why. */
function expectStatus(res: { status: number; body?: { detail?: string } }, expected: number) {
  expect({ status: res.status, detail: res.body?.detail }).toMatchObject({ status: expected });
}

/** Routes anyone may call without a token. */
// Refresh spends a refresh token (no bearer, CONTRACT §2); password reset and single sign-on start before any login.
const PUBLIC_ROUTES = [
  'GET /health',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/reset',
  'GET /api/auth/config',
  'GET /api/auth/oidc/start',
  'GET /api/auth/oidc/callback',
  'POST /api/auth/oidc/exchange',
  'GET /api/auth/oidc/logout',
];

describe('authorisation matrix: no leak across roles and agencies', () => {
  let t: TestApp;
  let p: Partnership;
  let ids: Ids;
  let tokens: Record<Who, string>;
  let routes: Set<string>;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const other = await t.request('POST', '/api/agencies', { token: p.adminToken, body: { name: unique('Other city'), kind: 'local_authority' } });
    const user = async (roles: string[]) => {
      const email = `authz.${randomUUID().slice(0, 8)}@example.org`;
      const res = await t.request('POST', '/api/users', { token: p.adminToken, body: { email, name: 'Outsider', password: 'long enough password', agencyId: other.body.id, roles } });
      expect(res.status).toBe(201);
      return t.login(email, 'long enough password');
    };
    tokens = {
      admin: p.adminToken,
      leadManager: p.tokens.coordinator,
      outsideManager: await user(['case_manager']),
      adminOutsideManager: await user(['admin', 'case_manager']),
      policeStaff: p.tokens.police,
      probationStaff: p.tokens.probation,
      outsideStaff: p.tokens.housing,
    };
    // Ask for JSON, as an API client does (a browser's Accept may get the web app instead).
    const doc = await t.request('GET', '/docs-json', { headers: { accept: 'application/json' } });
    routes = new Set(
      Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{id}')}`),
      ),
    );
    const opened = await openReferral([
      ['police', 'police'],
      ['police', 'referrer'],
      ['probation', 'probation'],
    ]);
    const tasks = await openTasks(opened.caseId);
    ids = {
      ...opened,
      policeTask: tasks.find((x) => x.assigneeAgencyId === p.agencies.police.id)!.id,
      cityTask: tasks.find((x) => x.assigneeAgencyId === p.agencies.coordinator.id)!.id,
      agencies: Object.fromEntries(Object.entries(p.agencies).map(([k, v]) => [k, v.id])),
    };
    if (routes.has('POST /api/cases/{id}/conferences')) {
      const conference = await t.request('POST', `/api/cases/${ids.caseId}/conferences`, {
        token: tokens.leadManager,
        body: { scheduledAt: new Date(Date.now() + 14 * 86_400_000).toISOString(), location: 'Town hall' },
      });
      expect(conference.status).toBe(201);
      ids.conferenceId = conference.body.id;
    }
    if (routes.has('POST /api/cases/{id}/notes')) {
      // A note restricted to the police (and the lead, its author's agency), and a restricted decision in the minutes.
      const note = await t.request('POST', `/api/cases/${ids.caseId}/notes`, { token: tokens.leadManager, body: { text: `${RESTRICTED_NOTE} for police`, restrictedTo: [ids.agencies.police] } });
      expect(note.status).toBe(201);
      ids.restrictedNoteId = note.body.id;
      expect((await t.request('POST', `/api/cases/${ids.caseId}/notes`, { token: tokens.leadManager, body: { text: OPEN_NOTE } })).status).toBe(201);
      if (ids.conferenceId) {
        const minutes = await t.request('POST', `/api/conferences/${ids.conferenceId}/minutes`, {
          token: tokens.leadManager,
          body: { text: 'Minutes everyone reads', decisions: ['Open decision', { text: RESTRICTED_DECISION, restrictedTo: [ids.agencies.police] }], actions: [] },
        });
        expect(minutes.status).toBe(200);
      }
    }
    if (routes.has('GET /api/notifications')) {
      const inbox = await t.request('GET', '/api/notifications?limit=200', { token: tokens.policeStaff });
      ids.notificationId = inbox.body.items.find((n: { caseId: string }) => n.caseId === ids.caseId)?.id;
      expect(ids.notificationId).toBeDefined();
    }
  }, 30_000);
  afterAll(() => t.close());

  async function openReferral(participants: Array<[PartnershipRole, string]>) {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Matrix Person' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: participants.map(([agency, role]) => ({ agencyId: p.agencies[agency].id, role })),
      },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } });
    expect(started.status).toBe(201);
    return { caseId: created.body.id as string, instanceId: started.body.instanceId as string, reference: created.body.reference as string };
  }

  const openTasks = async (caseId: string) =>
    (await t.request('GET', `/api/tasks?caseId=${caseId}&status=open`, { token: p.tokens.coordinator })).body.items as Array<{ id: string; taskKey: string; assigneeAgencyId: string }>;

  const routeExists = (row: Row) => {
    if (!row.route) return true;
    const [method, path] = row.route.includes(' ') ? row.route.split(' ') : [row.method, row.route];
    return routes.has(`${method} ${path}`);
  };

  /** Same request with every id swapped for an unknown one: what an outsider must not tell apart. */
  const unknownIds = (): Ids => ({ caseId: randomUUID(), reference: 'CNV-0000-0000', instanceId: randomUUID(), policeTask: randomUUID(), cityTask: randomUUID(), agencies: ids.agencies });

  async function call(row: Row, who: Who, which: Ids) {
    return t.request(row.method, row.path(which), { token: tokens[who], body: row.body?.(which) });
  }

  const matrix = (rows: Row[]) => rows.flatMap((row) => EVERYONE.filter((who) => row.expect[who] !== undefined).map((who) => [row.what, WHO[who], row, who] as const));

  it.each(matrix(CASE_ROWS))('case: %s — %s', async (_what, _label, row, who) => {
    if (!routeExists(row)) return;
    const res = await call(row, who, ids);
    expectStatus(res, row.expect[who]!);
    if (!SEES_CASE.includes(who)) {
      expect(res.status).toBe((await call(row, who, unknownIds())).status);
      expect(JSON.stringify(res.body ?? '')).not.toContain(ids.caseId);
    }
  });

  it.each(matrix(TASK_ROWS))('task: %s — %s', async (_what, _label, row, who) => {
    const res = await call(row, who, ids);
    expectStatus(res, row.expect[who]!);
    if (res.status === 404) expect((await call(row, who, unknownIds())).status).toBe(404);
  });

  it('keeps invisible cases and other agencies’ tasks out of every list', async () => {
    for (const who of EVERYONE) {
      const cases = await t.request('GET', `/api/cases?limit=200`, { token: tokens[who] });
      const byReference = await t.request('GET', `/api/cases?q=${encodeURIComponent(ids.reference)}`, { token: tokens[who] });
      const tasks = await t.request('GET', `/api/tasks?limit=200`, { token: tokens[who] });
      const caseTasks = await t.request('GET', `/api/tasks?caseId=${ids.caseId}`, { token: tokens[who] });
      const listed = cases.body.items.map((c: { id: string }) => c.id);
      const taskIds = tasks.body.items.map((x: { id: string }) => x.id);
      const seen = SEES_CASE.includes(who);
      expect({ who, listed: listed.includes(ids.caseId), counted: byReference.body.total }).toEqual({ who, listed: seen, counted: seen ? 1 : 0 });
      const ownTasks = { leadManager: [ids.policeTask, ids.cityTask], policeStaff: [ids.policeTask] }[who as string] ?? [];
      expect({ who, tasks: [ids.policeTask, ids.cityTask].filter((id) => taskIds.includes(id)).sort() }).toEqual({ who, tasks: [...ownTasks].sort() });
      expect({ who, caseTasks: caseTasks.body.items.map((x: { id: string }) => x.id).sort() }).toEqual({ who, caseTasks: [...ownTasks].sort() });
      // Staff see their own agency's tasks only, whatever the case.
      if (who.endsWith('Staff')) {
        const agency = { policeStaff: p.agencies.police.id, probationStaff: p.agencies.probation.id, outsideStaff: p.agencies.housing.id }[who as string];
        expect(tasks.body.items.every((x: { assigneeAgencyId: string }) => x.assigneeAgencyId === agency)).toBe(true);
      }
    }
  });

  it("shows staff of a participating agency only their own agency's tasks, reminders and notifications inside the case", async () => {
    const detail = await t.request('GET', `/api/cases/${ids.caseId}`, { token: tokens.probationStaff });
    expect(detail.body.tasks).toEqual([]);
    const police = await t.request('GET', `/api/cases/${ids.caseId}`, { token: tokens.policeStaff });
    expect(police.body.tasks.map((x: { id: string }) => x.id)).toEqual([ids.policeTask]);
    if (routes.has('GET /api/cases/{id}/timeline')) {
      const timeline = JSON.stringify((await t.request('GET', `/api/cases/${ids.caseId}/timeline`, { token: tokens.policeStaff })).body);
      expect(timeline).toContain(ids.policeTask);
      expect(timeline).not.toContain(ids.cityTask);
      expect(JSON.stringify((await t.request('GET', `/api/cases/${ids.caseId}/timeline`, { token: tokens.probationStaff })).body)).not.toContain(ids.policeTask);
    }
    if (routes.has('GET /api/cases/{id}/reminders')) {
      const reminders = (await t.request('GET', `/api/cases/${ids.caseId}/reminders`, { token: tokens.policeStaff })).body.items as Array<{ agencyId: string }>;
      expect(reminders.length).toBeGreaterThan(0);
      expect(reminders.every((r) => r.agencyId === ids.agencies.police)).toBe(true);
    }
    if (routes.has('GET /api/notifications')) {
      for (const who of ['probationStaff', 'outsideStaff', 'outsideManager', 'admin'] as Who[]) {
        const inbox = await t.request('GET', '/api/notifications?limit=200', { token: tokens[who] });
        expect({ who, leaked: inbox.body.items.some((n: { id: string }) => n.id === ids.notificationId) }).toEqual({ who, leaked: false });
      }
    }
  });

  it('keeps a restricted note and a restricted decision absent for every role × agency not named, on every endpoint', async () => {
    if (!routes.has('GET /api/cases/{id}/notes')) return;
    const reads = (i: Ids) => [
      `/api/cases/${i.caseId}`,
      `/api/cases/${i.caseId}/notes`,
      `/api/cases/${i.caseId}/timeline`,
      `/api/cases/${i.caseId}/reminders`,
      `/api/cases/${i.caseId}/conferences`,
      `/api/cases/${i.caseId}/export`,
      ...(i.conferenceId ? [`/api/conferences/${i.conferenceId}`, `/api/conferences/${i.conferenceId}/invite.ics`] : []),
      `/api/cases?q=${encodeURIComponent(RESTRICTED_NOTE)}`,
      `/api/cases?limit=200`,
      `/api/tasks?caseId=${i.caseId}`,
      '/api/notifications?limit=200',
    ];
    const leaks: string[] = [];
    const misses: string[] = [];
    for (const who of EVERYONE) {
      const seen: string[] = [];
      for (const path of reads(ids)) {
        const res = await t.request('GET', path, { token: tokens[who] });
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
        seen.push(text);
        for (const secret of [RESTRICTED_NOTE, RESTRICTED_DECISION, ids.restrictedNoteId!]) {
          // The lead's export says so and includes them (CONTRACT §2); everywhere else only the named agencies see them.
          if (text.includes(secret) && !SEES_RESTRICTED.includes(who)) leaks.push(`${WHO[who]}: ${path} shows ${secret}`);
        }
      }
      const all = seen.join('\n');
      if (SEES_RESTRICTED.includes(who)) {
        for (const secret of [RESTRICTED_NOTE, RESTRICTED_DECISION]) if (!all.includes(secret)) misses.push(`${WHO[who]} does not see ${secret}`);
      }
      // The open note is there for everyone who sees the case, absent for everyone else.
      if (SEES_CASE.includes(who) !== all.includes(OPEN_NOTE)) (SEES_CASE.includes(who) ? misses : leaks).push(`${WHO[who]}: open note`);
    }
    expect({ leaks, misses }).toEqual({ leaks: [], misses: [] });
    // Search finds the case by the restricted note's text only for those who may read it.
    for (const who of SEES_CASE) {
      const found = await t.request('GET', `/api/cases?q=${encodeURIComponent(RESTRICTED_NOTE)}`, { token: tokens[who] });
      expect({ who, total: found.body.total }).toEqual({ who, total: SEES_RESTRICTED.includes(who) ? 1 : 0 });
    }
    // A lead's export includes the restricted note, marked, and says so.
    const exported = await t.request('GET', `/api/cases/${ids.caseId}/export`, { token: tokens.leadManager });
    expect(exported.body.restricted).toMatchObject({ included: true, notes: 1 });
    expect(exported.body.notes).toEqual(expect.arrayContaining([expect.objectContaining({ id: ids.restrictedNoteId, restricted: true })]));
  });

  it.each(ADMIN_ROWS.flatMap((row) => EVERYONE.filter((w) => w !== 'admin' && w !== 'adminOutsideManager').map((who) => [row.what, WHO[who], row, who] as const)))(
    'admin only: %s — refused to %s (403)',
    async (_what, _label, row, who) => {
      if (row.route && !routes.has(row.route)) return;
      expectStatus(await call({ ...row, expect: {} }, who, ids), 403);
    },
  );

  it('admin endpoints: 401 without a token, done by an administrator', async () => {
    for (const row of ADMIN_ROWS) {
      if (row.route && !routes.has(row.route)) continue;
      const anonymous = await t.request(row.method, row.path(ids), { body: row.body?.(ids) });
      expect({ what: row.what, status: anonymous.status }).toEqual({ what: row.what, status: 401 });
      if (row.admin === undefined) continue;
      const done = await t.request(row.method, row.path(ids), { token: tokens.admin, body: row.body?.(ids) });
      expect({ what: row.what, status: done.status }).toEqual({ what: row.what, status: row.admin });
    }
  });

  it('answers 401 to every documented route without a token, except the public ones', async () => {
    const open: string[] = [];
    for (const route of routes) {
      if (PUBLIC_ROUTES.includes(route)) continue;
      const [method, template] = splitRoute(route);
      const path = template.replace(/\{id\}/g, (_m, offset: number) => (template.slice(0, offset).endsWith('/pathways/') ? 'referral' : template.slice(0, offset).endsWith('/versions/') ? '1' : randomUUID()));
      const res = await t.request(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      if (res.status !== 401) open.push(`${route} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  /** A body each sweep route would accept from someone allowed to call it. */
  function sweepBody(method: string, template: string): unknown {
    if (method === 'GET' || method === 'DELETE') return undefined;
    const last = template.split('/').pop()!;
    const soon = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const bodies: Record<string, unknown> = {
      events: { instanceId: ids.instanceId, type: 'REQUEST_INFORMATION', data: { question: 'leak?' } },
      participants: { agencyId: ids.agencies.housing, role: 'housing' },
      pathways: { key: 'review' },
      complete: { outcome: 'done' },
      conferences: { scheduledAt: soon, location: 'Town hall' },
      attendance: { agencyId: ids.agencies.police, attended: true },
      minutes: { text: 'leak?', decisions: [], actions: [] },
    };
    if (last in bodies) return bodies[last];
    if (method === 'PATCH') return template.startsWith('/api/cases') ? { keyDates: { leak: '2030-01-01' } } : { scheduledAt: soon };
    return {};
  }

  it('treats every case, task, conference and notification route the same for an outsider, whether or not the id exists', async () => {
    const real: Record<string, string | undefined> = {
      cases: ids.caseId,
      tasks: ids.cityTask,
      participants: ids.agencies.probation,
      conferences: ids.conferenceId,
      notifications: ids.notificationId,
    };
    const differing: string[] = [];
    for (const route of routes) {
      const [method, template] = splitRoute(route);
      const resource = /^\/api\/(cases|tasks|conferences|notifications)\/\{id\}/.exec(template)?.[1];
      if (!resource || !real[resource]) continue;
      // The agency in .../participants/{agencyId} stays real: only the case differs.
      const fill = (known: boolean) =>
        template.replace(/\/(\w+)\/\{id\}/g, (_m, segment: string) => `/${segment}/${(known || segment === 'participants' ? real[segment] : undefined) ?? randomUUID()}`);
      for (const who of OUTSIDERS) {
        const body = sweepBody(method, template);
        const known = await t.request(method, fill(true), { token: tokens[who], body });
        const unknown = await t.request(method, fill(false), { token: tokens[who], body });
        if (known.status !== unknown.status || known.status < 400) differing.push(`${route} as ${who}: ${known.status} (unknown id: ${unknown.status})`);
      }
    }
    expect(differing).toEqual([]);
    // Nothing an outsider sent changed the case.
    const detail = await t.request('GET', `/api/cases/${ids.caseId}`, { token: tokens.leadManager });
    expect(detail.body.pathways).toEqual([expect.objectContaining({ key: 'referral', state: 'screening', revision: 1 })]);
    expect(detail.body.keyDates).not.toHaveProperty('leak');
    const agencies = detail.body.participants.map((x: { agencyId: string }) => x.agencyId);
    expect(agencies).toEqual(expect.arrayContaining([ids.agencies.probation, ids.agencies.police]));
    expect(agencies).not.toContain(ids.agencies.housing);
  });

  it('lets staff acknowledge and complete their own agency’s task', async () => {
    const ack = await t.request('POST', `/api/tasks/${ids.policeTask}/acknowledge`, { token: tokens.policeStaff });
    expect(ack.status).toBe(200);
    const done = await t.request('POST', `/api/tasks/${ids.policeTask}/complete`, { token: tokens.policeStaff, body: { outcome: 'sent' } });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
  });

  describe('removing an agency from a case', () => {
    it('takes its access away at once and hands its open task to another agency in the role, or cancels it', async () => {
      // Probation refers; the exit programme joins in the same role after the task was opened.
      const c = await openReferral([
        ['probation', 'referrer'],
        ['police', 'police'],
      ]);
      const task = (await openTasks(c.caseId)).find((x) => x.taskKey === 'referral-details')!;
      const [holder, other] = ['probation', 'exit_programme'] as const;
      expect(task.assigneeAgencyId).toBe(p.agencies[holder].id);
      const joined = await t.request('POST', `/api/cases/${c.caseId}/participants`, { token: p.tokens.coordinator, body: { agencyId: p.agencies[other].id, role: 'referrer' } });
      expect(joined.status).toBe(201);
      const removedToken = p.tokens[holder];
      expect((await t.request('GET', `/api/cases/${c.caseId}`, { token: removedToken })).status).toBe(200);
      expect((await t.request('GET', `/api/tasks/${task.id}`, { token: removedToken })).status).toBe(200);

      const removed = await t.request('DELETE', `/api/cases/${c.caseId}/participants/${p.agencies[holder].id}`, { token: p.tokens.coordinator });
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ reassigned: 1, cancelled: 0 });

      expect((await t.request('GET', `/api/cases/${c.caseId}`, { token: removedToken })).status).toBe(404);
      expect((await t.request('POST', `/api/cases/${c.caseId}/events`, { token: removedToken, body: { instanceId: c.instanceId, type: 'ACCEPT' } })).status).toBe(404);
      expect((await t.request('GET', `/api/tasks/${task.id}`, { token: removedToken })).status).toBe(404);
      expect((await t.request('POST', `/api/tasks/${task.id}/acknowledge`, { token: removedToken })).status).toBe(404);
      expect((await t.request('POST', `/api/tasks/${task.id}/complete`, { token: removedToken, body: {} })).status).toBe(404);
      const cases = await t.request('GET', '/api/cases?limit=200', { token: removedToken });
      expect(cases.body.items.map((x: { id: string }) => x.id)).not.toContain(c.caseId);
      expect((await t.request('GET', `/api/tasks?caseId=${c.caseId}`, { token: removedToken })).body.items).toEqual([]);
      for (const sub of ['timeline', 'reminders', 'conferences']) {
        if (routes.has(`GET /api/cases/{id}/${sub}`)) {
          expect({ sub, status: (await t.request('GET', `/api/cases/${c.caseId}/${sub}`, { token: removedToken })).status }).toEqual({ sub, status: 404 });
        }
      }

      // The other agency in the role now holds the task and sees it in its inbox.
      const inbox = await t.request('GET', `/api/tasks?caseId=${c.caseId}&status=open`, { token: p.tokens[other] });
      expect(inbox.body.items.map((x: { id: string }) => x.id)).toEqual([task.id]);

      // With no agency left in the role, the task is cancelled and its last holder cannot reach it.
      const last = await t.request('DELETE', `/api/cases/${c.caseId}/participants/${p.agencies[other].id}`, { token: p.tokens.coordinator });
      expect(last.body).toEqual({ reassigned: 0, cancelled: 1 });
      expect((await t.request('GET', `/api/cases/${c.caseId}`, { token: p.tokens[other] })).status).toBe(404);
      expect((await t.request('GET', `/api/tasks/${task.id}`, { token: p.tokens[other] })).status).toBe(404);
      const cancelled = await t.request('GET', `/api/tasks/${task.id}`, { token: p.tokens.coordinator });
      expect(cancelled.body).toMatchObject({ status: 'cancelled', assigneeAgencyId: p.agencies[other].id });
      const detail = await t.request('GET', `/api/cases/${c.caseId}`, { token: p.tokens.coordinator });
      expect(detail.body.participants.map((x: { agencyId: string }) => x.agencyId).sort()).toEqual([p.agencies.coordinator.id, p.agencies.police.id].sort());
    });

    it('refuses to remove the lead agency, and an outsider cannot remove anyone', async () => {
      const c = await openReferral([['police', 'police']]);
      expect((await t.request('DELETE', `/api/cases/${c.caseId}/participants/${p.agencies.coordinator.id}`, { token: p.tokens.coordinator })).status).toBe(422);
      expect((await t.request('DELETE', `/api/cases/${c.caseId}/participants/${p.agencies.police.id}`, { token: tokens.outsideManager })).status).toBe(404);
      const detail = await t.request('GET', `/api/cases/${c.caseId}`, { token: p.tokens.police });
      expect(detail.status).toBe(200);
    });
  });

  it('never lets anyone in with a forged or missing token', async () => {
    for (const token of [undefined, 'not-a-token', `${tokens.leadManager}x`]) {
      expect((await t.request('GET', `/api/cases/${ids.caseId}`, { token })).status).toBe(401);
    }
    expect((await t.request('POST', '/api/auth/login', { body: { email: ADMIN.email, password: 'wrong password' } })).status).toBe(401);
  });
});
