import { describe, expect, it } from '@jest/globals';
import type { PathwayDefinition, TaskSpec } from '../../../libs/engine/src/index.js';
import { changesFor } from '../../../libs/domain/src/pathways/migration-changes.js';
import type { InstanceHoldings, OpenTaskRow } from '../../../libs/domain/src/pathways/migration-instance-state.js';
import { v1, v2, v3 } from '../../e2e/pathway-admin-fixtures.js';
import { defined } from '../../support/defined.js';

const key = 'unit-migrate';
const from = v1(key) as unknown as PathwayDefinition;
const opened = new Date('2027-03-01T09:00:00.000Z');
const now = new Date('2027-03-04T12:00:00.000Z');
const specOf = (def: PathwayDefinition, taskKey: string) =>
  ((def.machine.states as { intake: { meta: { tasks: TaskSpec[] } } }).intake.meta.tasks.find((t) => t.key === taskKey))!;

function task(id: string, taskKey: string, agency: string, due: string): OpenTaskRow {
  const spec = specOf(from, taskKey);
  return {
    id,
    state_id: `${key}.intake`,
    task_key: taskKey,
    title: spec.title,
    assignee_role: spec.assignee.role,
    assignee_agency_id: agency,
    due_at: new Date(due),
    created_at: new Date(opened.getTime() + 7),
    spec,
  };
}

/** Two police agencies share the role: the police check is one task row per agency. */
const holdings: InstanceHoldings = {
  openTasks: [
    task('t-gather', 'gather', 'a-city', '2027-03-11T09:00:00.000Z'),
    task('t-check-1', 'check', 'a-police-1', '2027-03-06T09:00:00.000Z'),
    task('t-check-2', 'check', 'a-police-2', '2027-03-06T09:00:00.000Z'),
  ],
  pendingTimers: [{ id: 'row-1', timer_id: `xstate.after.P30D.${key}.intake`, event: `xstate.after.P30D.${key}.intake`, fire_at: new Date('2027-03-31T09:00:00.000Z') }],
  pendingReminders: [
    { id: 'r-gather', task_id: 't-gather', agency_id: 'a-city', kind: 'reminder', due_at: new Date('2027-03-09T08:00:00.000Z') },
    { id: 'r-check-1', task_id: 't-check-1', agency_id: 'a-police-1', kind: 'reminder', due_at: new Date('2027-03-06T08:00:00.000Z') },
    { id: 'r-check-2', task_id: 't-check-2', agency_id: 'a-police-2', kind: 'reminder', due_at: new Date('2027-03-06T08:00:00.000Z') },
  ],
};

const plan = (to: unknown, mapping?: Record<string, string>) =>
  changesFor({ from, to: to as PathwayDefinition, stateValue: 'intake', holdings, mapping, now, keyDates: {}, versions: { from: 1, to: 2 } });

describe('changesFor: a migration plan at the level of rows', () => {
  it('keeps every agency’s copy of a shared-role task instead of closing the others as duplicates', () => {
    const changes = plan(v3(key), { intake: 'assessment' });
    expect(changes.ok).toBe(true);
    expect(changes.tasksToClose).toEqual([]);
    expect(changes.tasksKept.map((k) => [k.taskId, k.stateId])).toEqual([
      ['t-gather', `${key}.assessment`],
      ['t-check-1', `${key}.assessment`],
      ['t-check-2', `${key}.assessment`],
    ]);
    expect(changes.remindersToCancel).toEqual([]);
  });

  it('closes every copy of a removed task with its reminders, and recounts a changed due date from when the task started', () => {
    const changes = plan(v2(key));
    expect(changes.tasksToClose.map((c) => [c.taskId, c.reason])).toEqual([
      ['t-check-1', 'task-removed'],
      ['t-check-2', 'task-removed'],
    ]);
    const gather = changes.tasksKept.find((k) => k.taskId === 't-gather')!;
    // Opened with a 10-day due date on 1 March; 7 days now: due 8 March, whatever the migration's own time.
    expect(gather).toMatchObject({ oldDueAt: '2027-03-11T09:00:00.000Z', newDueAt: '2027-03-08T09:00:00.000Z', dueChanged: true, remindersChanged: true });
    expect(changes.remindersToCancel.map((r) => r.reminderId).sort()).toEqual(['r-check-1', 'r-check-2', 'r-gather']);
    expect(changes.tasksToOpen.map((o) => [o.key, o.why])).toEqual([['consent', 'new-task']]);
  });

  it('closes and reopens a task the new version gives to another role', () => {
    const to = v1(key);
    const check = (defined(to.machine.states.intake, 'intake state').meta.tasks as Array<{ key: string; assignee: { role: string } }>).find((t) => t.key === 'check')!;
    check.assignee = { role: 'probation' };
    const changes = plan(to);
    expect(changes.tasksToClose.map((c) => [c.taskId, c.reason])).toEqual([
      ['t-check-1', 'reassigned'],
      ['t-check-2', 'reassigned'],
    ]);
    expect(changes.tasksToOpen).toEqual([expect.objectContaining({ key: 'check', assigneeRole: 'probation', why: 'reassigned', dueAt: '2027-03-06T09:00:00.000Z' })]);
    expect(changes.tasksKept.map((k) => k.taskId)).toEqual(['t-gather']);
    expect(changes.tasksKept[0]!.remindersChanged).toBe(false);
  });

  it('refuses to move an instance into a final state', () => {
    const changes = plan(v3(key), { intake: 'closed' });
    expect(changes.ok).toBe(false);
    expect(changes.errors.join(' ')).toMatch(/'closed' of v2 is final/);
  });

  it('names a stranded state and plans nothing for it', () => {
    const changes = plan(v3(key));
    expect(changes.ok).toBe(false);
    expect(changes.plan.stateMapping).toEqual([{ from: 'intake', to: null, how: 'missing' }]);
    expect(changes.errors[0]).toMatch(/'intake' no longer exists in v2: map it/);
  });
});
