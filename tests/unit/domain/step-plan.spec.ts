import { describe, expect, it } from '@jest/globals';
import { compilePathway } from '../../../libs/engine/src/compile.js';
import { applyEvent, startInstance } from '../../../libs/engine/src/engine.js';
import type { EngineFacts, PathwayDefinition } from '../../../libs/engine/src/types.js';
import { planStep, type StepPlanInput } from '../../../libs/domain/src/instances/step-plan.js';
import type { Instance } from '../../../libs/domain/src/instances/instance.repository.js';

const now = new Date('2027-04-20T10:00:00Z');
const facts: EngineFacts = { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [], lawfulBasis: 'public_task' };

const definition: PathwayDefinition = {
  key: 'plan',
  title: 'Plan test',
  machine: {
    id: 'plan',
    initial: 'asked',
    states: {
      asked: {
        meta: { title: 'Asked', tasks: [{ key: 'reply', title: 'Reply', assignee: { role: 'probation' }, due: 'P2D', reminders: ['P0D'] }] },
        after: { P3D: 'answered' },
        on: {
          ANSWERED: { target: 'answered', actions: [{ type: 'notify', params: { kind: 'answer_in', role: 'police' } }] },
          CLOSE: { target: 'closed', actions: [{ type: 'closeCase' }] },
        },
      },
      answered: {
        meta: { title: 'Answered', tasks: [{ key: 'check', title: 'Check', assignee: { role: 'probation' }, due: 'P5D', reminders: ['-P1D', 'P0D'], escalation: [{ after: 'P1D', to: { role: 'police' } }] }] },
      },
      closed: { type: 'final' },
    },
  },
};

function input(type: string): StepPlanInput {
  const pathway = compilePathway(definition);
  const started = startInstance(pathway, { now, facts, country: 'NL', timezone: 'Europe/Amsterdam' });
  const instance: Instance = {
    id: 'instance-1',
    caseId: 'case-1',
    pathwayKey: 'plan',
    version: 1,
    snapshot: started.snapshot,
    stateValue: started.value,
    status: 'active',
    revision: 4,
    createdAt: now,
    updatedAt: now,
  };
  const participant = (agencyId: string, role: string) => ({ agencyId, role, country: 'NL', timezone: 'Europe/Amsterdam', deliveryHours: 'always' as const });
  let n = 0;
  return {
    instance,
    ctx: {
      case: { id: 'case-1', reference: 'C-1', status: 'open', leadAgencyId: 'city', keyDates: {} },
      participants: [participant('city', 'coordinator'), participant('probation-a', 'probation'), participant('probation-b', 'probation'), participant('police', 'police')],
    },
    pathwayTitle: 'Plan test',
    step: applyEvent(pathway, instance.snapshot, { type }, { now, facts, country: 'NL', timezone: 'Europe/Amsterdam' }),
    event: { type },
    actor: { userId: 'user-1', agencyId: 'city', roles: ['case_manager'] } as StepPlanInput['actor'],
    now,
    link: ({ caseId, taskId }) => `https://convene.test/cases/${caseId}${taskId ? `?task=${taskId}` : ''}`,
    newId: () => `id-${++n}`,
    requestId: 'req-1',
    audit: [],
    claim: { userId: 'user-1', key: 'k-1', requestHash: 'h', statusCode: 200, response: { ok: true } },
  };
}

describe('planStep: a user event as rows per table', () => {
  it('turns leaving one state and entering the next into the rows each table gets', () => {
    const plan = planStep(input('ANSWERED'))!;
    expect(plan.instance).toMatchObject({ id: 'instance-1', expectedRevision: 4, value: 'answered', status: 'active' });
    expect(plan.events).toEqual([expect.objectContaining({ type: 'ANSWERED', from_state: 'asked', to_state: 'answered', revision: 5, actor_agency_id: 'city' })]);
    expect(plan.cancelTasks).toEqual([{ state_id: 'plan.asked', task_key: 'reply' }]);
    expect(plan.cancelTimers).toHaveLength(1);
    // One task per agency holding the role, each with its reminders and a task_assigned notification.
    expect(plan.tasks.map((t) => [t.task_key, t.assignee_agency_id, t.due_at])).toEqual([
      ['check', 'probation-a', '2027-04-25T10:00:00.000Z'],
      ['check', 'probation-b', '2027-04-25T10:00:00.000Z'],
    ]);
    const reminders = plan.reminders.map((r) => `${r.task_id}:${r.kind}:${r.agency_id}`).sort();
    expect(reminders).toHaveLength(6);
    expect(reminders.filter((r) => r.endsWith(':escalation:police'))).toHaveLength(2);
    for (const r of plan.reminders) {
      expect(plan.outbox).toContainEqual({ topic: 'add:reminder.send', job_id: `reminder.${r.id}.1`, payload: { reminderId: r.id, generation: 1, requestId: 'req-1' }, run_at: r.due_at });
    }
    expect(plan.notifications.map((n) => [n.kind, n.agency_id, n.dedupe_key])).toEqual([
      ['answer_in', 'police', 'notify:instance-1:5:answer_in:police'],
      ...plan.tasks.map((t) => ['task_assigned', t.assignee_agency_id, `task_assigned:${t.id}`]),
    ]);
    expect(plan.notifications[1]!.link).toBe(`https://convene.test/cases/case-1?task=${plan.tasks[0]!.id}`);
    expect(plan.claims).toEqual([{ user_id: 'user-1', key: 'k-1', request_hash: 'h', status_code: 200, response: { ok: true } }]);
    expect(plan.jobContext).toEqual({ requestId: 'req-1' });
  });

  it('leaves a step that closes the case to the statement-by-statement path', () => {
    expect(planStep(input('CLOSE'))).toBeUndefined();
  });
});
