import { describe, expect, it } from '@jest/globals';
import { compilePathway } from '../../../libs/engine/src/compile.js';
import { applyEvent, startInstance, stateIds } from '../../../libs/engine/src/engine.js';
import type { EngineFacts, MachineJson, PathwayDefinition } from '../../../libs/engine/src/types.js';

const now = new Date('2027-04-20T10:00:00Z');
const noFacts: EngineFacts = { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [] };

function definition(machine: MachineJson): PathwayDefinition {
  return { key: 'test', title: 'Test', machine };
}

describe('compilePathway', () => {
  it('refuses what the engine cannot run, saying where', () => {
    expect(() => compilePathway(definition({ initial: 'a', states: { a: { invoke: { src: 'x' } } } }))).toThrow(
      /states\.a: 'invoke' is not supported/,
    );
    expect(() => compilePathway(definition({ initial: 'a', states: { a: { on: { GO: { target: 'a', guard: 'isFriday' } } } } }))).toThrow(
      /states\.a\.on\.GO\.guard: unknown guard "isFriday"/,
    );
    expect(() => compilePathway(definition({ initial: 'a', states: { a: { entry: ['sendEmail'] } } }))).toThrow(/unknown action "sendEmail"/);
    expect(() => compilePathway(definition({ initial: 'a', states: { a: { after: { '5 days': 'a' } } } }))).toThrow(
      /"5 days" is not an ISO 8601 duration/,
    );
  });

  it('names the root after the pathway key when the machine has no id', () => {
    const pathway = compilePathway(definition({ initial: 'a', states: { a: {} } }));
    expect(stateIds(pathway, startInstance(pathway, { now, facts: noFacts }).snapshot)).toEqual(['test.a']);
  });

  it('does not change the definition it compiles', () => {
    const def = definition({
      initial: 'a',
      states: { a: { meta: { tasks: [{ key: 't', title: 'T', assignee: { role: 'police' } }] }, on: { GO: { target: 'b', guard: 'allTasksDone' } } }, b: {} },
    });
    const before = JSON.stringify(def);
    compilePathway(def);
    expect(JSON.stringify(def)).toBe(before);
  });
});

describe('guards see the state being entered', () => {
  // An automatic hand-over: once every contribution is in, move on by itself.
  const pathway = compilePathway(
    definition({
      id: 'release',
      initial: 'planning',
      states: {
        planning: { on: { OPEN: 'contributions' } },
        contributions: {
          meta: { title: 'Contributions', tasks: [{ key: 'report', title: 'Report', assignee: { role: 'probation' } }] },
          always: [{ target: 'signoff', guard: 'allTasksDone' }],
        },
        signoff: {},
      },
    }),
  );

  it('does not skip a state whose tasks have just been opened', () => {
    const start = startInstance(pathway, { now, facts: noFacts });
    const entered = applyEvent(pathway, start.snapshot, { type: 'OPEN' }, { now, facts: noFacts });
    expect(entered.value).toBe('contributions');
    expect(entered.effects).toMatchObject([{ type: 'task.open', stateId: 'release.contributions' }]);
  });

  it('moves on once the durable layer reports the tasks done', () => {
    const start = startInstance(pathway, { now, facts: noFacts });
    const entered = applyEvent(pathway, start.snapshot, { type: 'OPEN' }, { now, facts: noFacts });
    const done: EngineFacts = { ...noFacts, tasks: [{ stateId: 'release.contributions', key: 'report', status: 'done' }] };
    const moved = applyEvent(pathway, entered.snapshot, { type: 'TASK_COMPLETED' }, { now, facts: done });
    expect(moved.value).toBe('signoff');
    expect(moved.effects).toEqual([{ type: 'task.cancel', stateId: 'release.contributions', taskKey: 'report' }]);
  });
});
