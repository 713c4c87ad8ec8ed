import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PARTNERSHIP_ROLES, seedPartnership, startTestApp, type Partnership, type PartnershipRole, type TestApp } from '../support/app.js';

interface Task {
  id: string;
  title: string;
  taskKey: string;
  assigneeAgencyId: string | null;
  status: string;
}

/**
 * One person, four pathways: a case manager drives the case over HTTP while each agency's staff
 * complete their own tasks — referral → release planning → review → closure — until the case closes.
 */
describe('a case through all four pathways', () => {
  let t: TestApp;
  let p: Partnership;
  let caseId: string;
  const tokenOfAgency = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    for (const role of PARTNERSHIP_ROLES) tokenOfAgency.set(p.agencies[role].id, p.tokens[role]);
  });
  afterAll(() => t.close());

  const cm = () => p.tokens.coordinator;

  async function detail() {
    const res = await t.request('GET', `/api/cases/${caseId}`, { token: cm() });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function instance(key: string) {
    const found = (await detail()).pathways.find((x: { key: string; status: string }) => x.key === key && x.status === 'active');
    expect(found).toBeDefined();
    return found as {
      instanceId: string;
      state: unknown;
      revision: number;
      allowedEvents: Array<{ type: string; enabled: boolean }>;
      availableEvents: Array<{ type: string; enabled: boolean; reason?: string }>;
    };
  }

  async function send(key: string, type: string, data?: Record<string, unknown>) {
    const inst = await instance(key);
    const res = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: cm(),
      headers: { 'If-Match': String(inst.revision), 'Idempotency-Key': `${caseId}-${key}-${type}-${inst.revision}` },
      body: { instanceId: inst.instanceId, type, data },
    });
    if (res.status !== 200) throw new Error(`${type} on ${key}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { state: unknown; status: string };
  }

  /** Every open task is completed by a user of the agency it is assigned to. */
  async function completeOpenTasks(expectedKeys: string[]) {
    const open = (await t.request('GET', `/api/tasks?caseId=${caseId}&status=open`, { token: cm() })).body.items as Task[];
    expect(open.map((x) => x.taskKey).sort()).toEqual([...expectedKeys].sort());
    for (const task of open) {
      const token = tokenOfAgency.get(task.assigneeAgencyId!)!;
      // Staff see their agency's task in their inbox, and complete it.
      const inbox = (await t.request('GET', '/api/tasks?status=open', { token })).body.items as Task[];
      expect(inbox.map((x) => x.id)).toContain(task.id);
      const done = await t.request('POST', `/api/tasks/${task.id}/complete`, { token, body: { outcome: 'done' } });
      expect(done.status).toBe(200);
    }
  }

  async function holdConference(roles: PartnershipRole[]) {
    const conf = await t.request('POST', `/api/cases/${caseId}/conferences`, {
      token: cm(),
      body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 90, location: 'City hall' },
    });
    expect(conf.status).toBe(201);
    for (const role of roles) {
      const res = await t.request('POST', `/api/conferences/${conf.body.id}/attendance`, {
        token: cm(),
        body: { agencyId: p.agencies[role].id, attended: true },
      });
      expect(res.status).toBe(200);
    }
  }

  it('runs referral → release planning → review → closure and ends closed', async () => {
    const releaseDate = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
    const created = await t.request('POST', '/api/cases', {
      token: cm(),
      body: {
        subject: { name: 'Journey Person' },
        leadAgencyId: p.agencies.coordinator.id,
        keyDates: { releaseDate },
        participants: [
          { agencyId: p.agencies.police.id, role: 'referrer' },
          ...(['police', 'probation', 'prison', 'housing', 'health', 'exit_programme'] as const).map((role) => ({ agencyId: p.agencies[role].id, role })),
        ],
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    expect((await t.request('POST', `/api/cases/${caseId}/pathways`, { token: cm(), body: { key: 'referral' } })).status).toBe(201);

    // Referral
    await completeOpenTasks(['referral-details', 'preliminary-assessment']);
    expect((await send('referral', 'ACCEPT', { acceptanceReason: 'meets the criteria' })).state).toBe('lawfulBasis');
    expect((await send('referral', 'RECORD_BASIS', { basis: 'public_task', rationale: 'statutory duty' })).state).toBe('initialConference');
    const early = await instance('referral');
    expect(early.allowedEvents.map((e) => e.type)).not.toContain('CONFERENCE_HELD');
    expect(early.availableEvents.find((e) => e.type === 'CONFERENCE_HELD')).toMatchObject({ enabled: false, reason: expect.stringMatching(/quorum/) });
    await holdConference(['coordinator', 'police']);
    expect((await send('referral', 'CONFERENCE_HELD')).status).toBe('done');

    // In custody (release date set): release planning started by the referral.
    expect((await instance('release-planning')).state).toBe('opening');
    await completeOpenTasks(['open-plan', 'confirm-release-details']);
    await send('release-planning', 'PLAN_OPENED');
    await completeOpenTasks(['probation-assessment', 'police-assessment', 'prison-report', 'housing-options', 'health-needs', 'exit-programme-report']);
    await send('release-planning', 'CONTRIBUTIONS_COMPLETE');
    await holdConference(['coordinator', 'probation', 'police', 'prison']);
    await completeOpenTasks(['hold-pre-release-conference']);
    await send('release-planning', 'CONFERENCE_HELD');
    await completeOpenTasks(['id-documents', 'release-address', 'income-and-work', 'debts', 'care', 'licence-conditions']);
    await send('release-planning', 'PLAN_SIGNED_OFF', { planSummary: 'owners for each basic condition' });
    await send('release-planning', 'RELEASED', { releasedOn: releaseDate, releaseAddress: 'approved' });
    await completeOpenTasks(['first-supervision', 'housing-check', 'post-release-check']);
    expect((await send('release-planning', 'CHECK_COMPLETE')).status).toBe('done');

    // Review, started by release planning; its periodic timer is pending.
    expect((await instance('review')).state).toBe('interval');
    const reviewTimers = await t.db.query(
      `SELECT t.status FROM timers t JOIN pathway_instances i ON i.id = t.instance_id WHERE i.case_id = $1 AND i.pathway_key = 'review'`,
      [caseId],
    );
    expect(reviewTimers).toEqual([{ status: 'pending' }]);
    await send('review', 'REVIEW_NOW', { reason: 'first review after release' });
    expect(await t.db.query(`SELECT t.status FROM timers t JOIN pathway_instances i ON i.id = t.instance_id WHERE i.case_id = $1 AND i.pathway_key = 'review'`, [caseId])).toEqual([
      { status: 'cancelled' },
    ]);
    await completeOpenTasks(['convene-review', 'probation-update', 'police-update', 'housing-update', 'health-update', 'exit-programme-update']);
    await send('review', 'UPDATES_IN');
    await holdConference(['coordinator', 'police', 'probation']);
    await completeOpenTasks(['hold-review']);
    await send('review', 'CONFERENCE_HELD');
    await completeOpenTasks(['key-decisions', 'circulate-minutes']);
    await send('review', 'MINUTES_CIRCULATED');
    expect((await send('review', 'PROPOSE_CLOSURE')).status).toBe('done');

    // Closure
    await completeOpenTasks(['closure-summary', 'probation-view', 'police-view', 'exit-programme-view']);
    await send('closure', 'READY_FOR_CONFERENCE');
    await holdConference(['coordinator', 'police', 'probation']);
    await completeOpenTasks(['hold-closure-conference']);
    await send('closure', 'CLOSURE_AGREED', { rationale: 'risk much reduced', exitDate: new Date().toISOString().slice(0, 10) });

    const closed = await detail();
    expect(closed.status).toBe('closed');
    expect(closed.pathways.map((x: { key: string; status: string }) => `${x.key}:${x.status}`)).toEqual([
      'referral:done',
      'release-planning:done',
      'review:done',
      'closure:active',
    ]);
    // Follow-ups after exit continue on the closure pathway.
    expect((await instance('closure')).state).toEqual({ followUps: 'sixMonths' });

    // The event log tells the whole story in order.
    const log = await t.db.query(`SELECT type FROM case_events WHERE case_id = $1 ORDER BY id`, [caseId]);
    const types = log.map((r: { type: string }) => r.type);
    expect(types.filter((x: string) => x === 'pathway.started')).toHaveLength(4);
    expect(types).toContain('case.closed');
    // Nothing left open but the follow-up of the closure pathway.
    const open = await t.db.query(`SELECT task_key FROM tasks WHERE case_id = $1 AND status = 'open'`, [caseId]);
    expect(open.map((r: { task_key: string }) => r.task_key)).toEqual(['six-month-review']);
  });
});
