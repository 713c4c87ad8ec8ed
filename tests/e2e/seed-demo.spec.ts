import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { seedDemo, type DemoSeedResult } from '../../libs/domain/src/demo/seed-demo.js';
import { DEMO_AGENCIES, DEMO_PASSWORD, DEMO_USERS } from '../../libs/domain/src/demo/demo-partnership.js';
import { ADMIN, startTestApp, type TestApp } from '../support/app.js';
import { firstOf } from '../support/defined.js';

interface PathwayView {
  key: string;
  state: unknown;
  status: string;
}
interface TaskView {
  taskKey: string;
  stateId: string | null;
  title: string;
  status: string;
  assigneeAgencyId: string | null;
}

describe('demo seed (npm run seed:demo)', () => {
  let t: TestApp;
  let first: DemoSeedResult;
  let manager: string;
  beforeAll(async () => {
    t = await startTestApp();
    first = await seedDemo(t.url, ADMIN);
    manager = await t.login(firstOf(DEMO_USERS, 'DEMO_USERS').email, DEMO_PASSWORD);
  }, 60_000);
  afterAll(() => t.close());

  const caseOf = async (subject: string) => {
    const id = first.cases.find((c) => c.subject === subject)!.id;
    const detail = await t.request('GET', `/api/cases/${id}`, { token: manager });
    expect(detail.status).toBe(200);
    const tasks = (await t.request('GET', `/api/tasks?caseId=${id}&limit=200`, { token: manager })).body.items as TaskView[];
    const pathway = (key: string) => (detail.body.pathways as PathwayView[]).find((p) => p.key === key);
    // Pathway tasks only: conference actions carry no state.
    const keys = (status: 'open' | 'done') => tasks.filter((x) => x.stateId && (status === 'done' ? x.status === 'done' : x.status !== 'done')).map((x) => x.taskKey).sort();
    return { id, detail: detail.body, pathway, keys, actions: tasks.filter((x) => !x.stateId) };
  };

  it('creates the partnership: named agencies of every kind, in Rotterdam time', async () => {
    expect(first.created).toEqual({ agencies: DEMO_AGENCIES.length, users: DEMO_USERS.length, cases: 5 });
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const agencies = (await t.request('GET', '/api/agencies', { token: admin })).body.items as Array<{ name: string; kind: string }>;
    for (const a of DEMO_AGENCIES) {
      expect(agencies).toContainEqual(expect.objectContaining({ name: a.name, kind: a.kind, locale: 'nl', timezone: 'Europe/Amsterdam' }));
    }
    expect(new Set(DEMO_AGENCIES.map((a) => a.kind))).toEqual(
      new Set(['local_authority', 'probation', 'police', 'prison', 'housing', 'health', 'mental_health', 'exit_programme']),
    );
  });

  it('creates a login for every role with the printed demo password', async () => {
    for (const login of first.logins) {
      const res = await t.request('POST', '/api/auth/login', { body: { email: login.email, password: login.password } });
      expect(res.status).toBe(200);
      expect(res.body.user.roles).toEqual(login.roles);
    }
    const roles = new Set(first.logins.flatMap((l) => l.roles));
    expect(roles).toEqual(new Set(['admin', 'case_manager', 'agency_staff']));
  });

  it('puts five cases at five different steps, consistent with the engine', async () => {
    const screening = await caseOf('T. van Leeuwen');
    expect(screening.pathway('referral')).toMatchObject({ state: 'screening', status: 'active' });
    expect(screening.keys('done')).toEqual(['referral-details']);
    expect(screening.keys('open')).toEqual(['preliminary-assessment']);

    const initial = await caseOf('K. Mulder');
    expect(initial.pathway('referral')).toMatchObject({ state: 'initialConference', status: 'active' });
    expect(initial.keys('open')).toEqual(expect.arrayContaining(['hold-initial-conference', 'police-information']));
    expect(initial.keys('done')).toEqual(expect.arrayContaining(['record-basis', 'referrer-report']));

    const release = await caseOf('D. Vos');
    expect(release.pathway('release-planning')).toMatchObject({ state: 'contributions', status: 'active' });
    const months = DateTime.fromISO(release.detail.keyDates.releaseDate).diffNow('months').months;
    expect(months).toBeGreaterThan(4.5);
    expect(months).toBeLessThan(5.1);
    expect(release.keys('open')).toEqual(['exit-programme-report', 'health-needs', 'housing-options']);
    expect(release.keys('done')).toEqual(expect.arrayContaining(['police-assessment', 'prison-report', 'probation-assessment']));

    const review = await caseOf('J. Peeters');
    expect(review.pathway('review')).toMatchObject({ state: 'updates', status: 'active' });
    expect(review.keys('open')).toEqual(['exit-programme-update', 'health-update', 'housing-update']);

    const closure = await caseOf('R. de Graaf');
    expect(closure.pathway('review')).toMatchObject({ state: 'closureProposed', status: 'done' });
    expect(closure.pathway('closure')).toMatchObject({ state: 'proposed', status: 'active' });
    expect(closure.keys('open')).toEqual(['exit-programme-view', 'police-view']);
    // The review conference's minutes gave the exit programme an action, when conferences exist.
    expect(closure.actions.map((x) => [x.title, x.assigneeAgencyId])).toEqual(
      first.conferences ? [[expect.stringMatching(/closure/), first.agencies.find((a) => a.key === 'exit')!.id]] : [],
    );

    // With the conference endpoints, accepted cases went through a quorate initial conference.
    for (const c of [release, review, closure]) {
      const referral = c.pathway('referral');
      if (first.conferences) expect(referral).toMatchObject({ status: 'done' });
      else expect(referral).toBeUndefined();
    }
  });

  it("shows each agency's staff only their own open contributions", async () => {
    const housing = DEMO_USERS.find((u) => u.agency === 'housing')!;
    const token = await t.login(housing.email, DEMO_PASSWORD);
    const release = first.cases.find((c) => c.subject === 'D. Vos')!;
    const tasks = (await t.request('GET', `/api/tasks?caseId=${release.id}&status=open`, { token })).body.items as TaskView[];
    expect(tasks.map((x) => x.taskKey)).toEqual(['housing-options']);
    // Housing does not take part in the fresh referral.
    const screening = first.cases.find((c) => c.subject === 'T. van Leeuwen')!;
    expect((await t.request('GET', `/api/cases/${screening.id}`, { token })).status).toBe(404);
  });

  it('adds nothing when run a second time', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const count = async () => ({
      agencies: (await t.request('GET', '/api/agencies', { token: admin })).body.items.length,
      users: (await t.request('GET', '/api/users', { token: admin })).body.items.length,
      cases: (await t.request('GET', '/api/cases', { token: manager })).body.total,
    });
    const before = await count();
    const again = await seedDemo(t.url, ADMIN);
    expect(again.created).toEqual({ agencies: 0, users: 0, cases: 0 });
    expect(again.cases.map((c) => c.reference)).toEqual(first.cases.map((c) => c.reference));
    expect(await count()).toEqual(before);
  }, 30_000);
});
