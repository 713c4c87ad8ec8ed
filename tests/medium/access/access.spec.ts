import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService } from '../../../libs/domain/src/access/access.service.js';
import { CaseService } from '../../../libs/domain/src/cases/case.service.js';
import type { Actor } from '../../../libs/domain/src/identity/actor.js';
import { InstanceService } from '../../../libs/domain/src/instances/instance.service.js';
import { TaskService } from '../../../libs/domain/src/tasks/task.service.js';
import { makeAgency, makeCase, makePartnership, makePartnershipCase, makePathway, makeUser, type Partnership } from '../support/factories.js';
import { startMedium, type Medium } from '../support/medium.js';
import { domainError } from '../support/reads.js';

/** Two probation tasks, one for probation, one for police: who sees which. */
const twoTasks = (key: string) => ({
  key,
  title: 'Two agencies (medium)',
  machine: {
    id: key,
    initial: 'working',
    states: {
      working: {
        meta: {
          title: 'Working',
          tasks: [
            { key: 'probation-part', title: 'Probation part', assignee: { role: 'probation' }, due: 'P5D' },
            { key: 'police-part', title: 'Police part', assignee: { role: 'police' }, due: 'P5D' },
          ],
        },
        on: { DONE: 'done' },
      },
      done: { type: 'final' },
    },
  },
});

/** AccessService's rules, seen through the use cases that apply them (AccessService, CaseService, TaskService). */
describe('access (medium)', () => {
  let m: Medium;
  let access: AccessService;
  let cases: CaseService;
  let tasks: TaskService;
  let p: Partnership;
  let caseId: string;
  let outsider: Actor;
  let admin: Actor;

  beforeAll(async () => {
    m = await startMedium();
    access = m.get(AccessService);
    cases = m.get(CaseService);
    tasks = m.get(TaskService);
    p = await makePartnership(m.db);
    const housing = await makeAgency(m.db, { kind: 'housing' });
    outsider = await makeUser(m.db, { agencyId: housing.id, roles: ['agency_staff', 'case_manager'] });
    admin = await makeUser(m.db, { agencyId: p.city.id, roles: ['admin'] });
    const key = await makePathway(m, twoTasks);
    caseId = (await makePartnershipCase(m.db, p)).id;
    await m.tx((tx) => m.get(InstanceService).start(tx, caseId, key, { actor: p.manager }));
  });
  afterAll(() => m?.close());

  const sees = (actor: Actor, id = caseId) =>
    m.tx((tx) => access.assertCase(tx, actor, id)).then(
      () => true,
      (error: unknown) => {
        if ((error as { code?: string }).code === 'not_found') return false;
        throw error;
      },
    );

  it('the lead agency and every participating agency see the case; an agency not taking part does not', async () => {
    expect(await sees(p.manager)).toBe(true);
    expect(await sees(p.probationStaff)).toBe(true);
    expect(await sees(p.policeStaff)).toBe(true);
    expect(await sees(outsider)).toBe(false);
    const detail = await m.tx((tx) => cases.detail(tx, p.probationStaff, caseId));
    expect(detail.participants.map((x) => (x as { agencyId: string }).agencyId).sort()).toEqual([p.city.id, p.probation.id, p.police.id].sort());
  });

  it('an administrator who is not a case manager reads no case content', async () => {
    expect(access.readsCases(admin)).toBe(false);
    expect(await sees(admin)).toBe(false);
    const list = await cases.list(admin, { limit: 50, offset: 0 });
    expect(list.items.map((c) => c.id)).not.toContain(caseId);
    expect(list.total).toBe(0);
  });

  it('a case manager sees the cases they created even when their agency does not take part', async () => {
    const other = await makeCase(m.db, { leadAgencyId: p.probation.id, createdBy: outsider.userId });
    expect(await sees(outsider, other.id)).toBe(true);
    expect(await sees(p.manager, other.id)).toBe(false);
    // Staff of the same agency who did not create it do not.
    const colleague = await makeUser(m.db, { agencyId: outsider.agencyId, roles: ['agency_staff'] });
    expect(await sees(colleague, other.id)).toBe(false);
  });

  it("staff see only their own agency's tasks of a case; the case manager sees all of them", async () => {
    const titles = async (actor: Actor) => ((await m.tx((tx) => cases.detail(tx, actor, caseId))).tasks as Array<{ title: string }>).map((t) => t.title).sort();
    expect(await titles(p.manager)).toEqual(['Police part', 'Probation part']);
    expect(await titles(p.probationStaff)).toEqual(['Probation part']);
    expect(await titles(p.policeStaff)).toEqual(['Police part']);
    const inbox = await tasks.list(p.policeStaff, { caseId, limit: 50, offset: 0 });
    expect(inbox.items.map((t) => (t as { title: string }).title)).toEqual(['Police part']);
    expect((await tasks.list(outsider, { caseId, limit: 50, offset: 0 })).items).toEqual([]);
  });

  it('unknown and forbidden look the same, and only case managers manage cases', async () => {
    const unknown = await domainError(m.tx((tx) => cases.detail(tx, p.manager, '00000000-0000-4000-8000-000000000000')));
    const forbidden = await domainError(m.tx((tx) => cases.detail(tx, outsider, caseId)));
    const malformed = await domainError(m.tx((tx) => cases.detail(tx, p.manager, 'not-a-uuid')));
    expect([unknown.code, forbidden.code, malformed.code]).toEqual(['not_found', 'not_found', 'not_found']);
    expect(unknown.detail).toBe(forbidden.detail);

    const staffEdit = await domainError(cases.changeKeyDates(p.probationStaff, caseId, { releaseDate: '2031-06-01' }));
    expect(staffEdit.code).toBe('forbidden');
    const [row] = await m.db.query<Array<{ key_dates: unknown }>>(`SELECT key_dates FROM cases WHERE id = $1`, [caseId]);
    expect(row!.key_dates).toEqual({});
  });

  it('an agency removed from the case loses access at once', async () => {
    const c = await makePartnershipCase(m.db, p);
    expect(await sees(p.policeStaff, c.id)).toBe(true);
    await cases.removeParticipant(p.manager, c.id, p.police.id);
    expect(await sees(p.policeStaff, c.id)).toBe(false);
    expect((await domainError(cases.removeParticipant(p.manager, c.id, p.city.id))).code).toBe('unprocessable');
  });
});
