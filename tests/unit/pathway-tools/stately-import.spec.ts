import { describe, expect, it } from '@jest/globals';
import { importStatelyMachine, millisToIsoDuration } from '../../../libs/pathway-tools/src/index.js';

/** Shaped like a machine exported from Stately's editor: numeric ms delays, descriptions, action objects. */
function exported(): Record<string, unknown> {
  return {
    id: 'victimContact',
    initial: 'waiting',
    description: 'Contact the victim before release',
    meta: { title: 'Victim contact' },
    states: {
      waiting: {
        description: 'Waiting for the liaison officer',
        meta: {
          title: 'Waiting',
          tasks: [{ key: 'call', title: 'Call the victim', assignee: { role: 'victim_support' }, due: 'P5D' }],
        },
        entry: [{ type: 'notify', params: { kind: 'task_assigned', role: 'victim_support' } }],
        after: { '5000': 'reminded', '86400000': { target: 'escalated' } },
        on: { CONTACTED: { target: 'done', guard: 'allTasksDone', description: 'The victim was reached' } },
      },
      reminded: { on: { CONTACTED: 'done' } },
      escalated: { on: { CONTACTED: 'done' } },
      done: { type: 'final' },
    },
  };
}

describe('importStatelyMachine', () => {
  it('converts millisecond delays to ISO 8601 durations and keeps guards, actions and descriptions', () => {
    const { definition, errors } = importStatelyMachine(exported());
    expect(errors).toEqual([]);
    expect(definition).toMatchObject({ key: 'victim-contact', title: 'Victim contact' });
    const waiting = (definition!.machine.states as Record<string, Record<string, unknown>>).waiting!;
    expect(waiting.after).toEqual({ PT5S: 'reminded', P1D: { target: 'escalated' } });
    expect(waiting.on).toEqual({ CONTACTED: { target: 'done', guard: 'allTasksDone', description: 'The victim was reached' } });
    expect(waiting.entry).toEqual([{ type: 'notify', params: { kind: 'task_assigned', role: 'victim_support' } }]);
    expect(waiting.description).toBe('Waiting for the liaison officer');
  });

  it('takes key and title from the options, and unwraps a machine handed over inside { machine } or as a JSON string', () => {
    const wrapped = importStatelyMachine({ machine: exported() }, { key: 'victim-liaison', title: 'Victim liaison' });
    expect(wrapped.errors).toEqual([]);
    expect(wrapped.definition).toMatchObject({ key: 'victim-liaison', title: 'Victim liaison' });
    const fromText = importStatelyMachine(JSON.stringify(exported()));
    expect(fromText.errors).toEqual([]);
    expect(importStatelyMachine('{ not json').errors[0]).toMatchObject({ path: '$' });
  });

  it('resolves named delays declared beside the machine', () => {
    const machine = exported();
    (machine.states as Record<string, Record<string, unknown>>).waiting!.after = { shortWait: 'reminded', '86400000': 'escalated' };
    const { definition, errors } = importStatelyMachine({ machine, delays: { shortWait: 90_000 } });
    expect(errors).toEqual([]);
    expect((definition!.machine.states as Record<string, Record<string, unknown>>).waiting!.after).toEqual({ PT1M30S: 'reminded', P1D: 'escalated' });
    const unresolved = importStatelyMachine(machine);
    expect(unresolved.errors).toContainEqual({
      path: '$.machine.states.waiting.after.shortWait',
      message: expect.stringContaining('delay "shortWait"'),
    });
  });

  it('refuses invoked actors with the path to the invoke', () => {
    const machine = exported();
    (machine.states as Record<string, Record<string, unknown>>).reminded!.invoke = { src: 'fetchVictimDetails', onDone: 'done' };
    const { errors } = importStatelyMachine(machine);
    expect(errors).toContainEqual({
      path: '$.machine.states.reminded.invoke',
      message: expect.stringContaining('invoked actors (invoke) are not supported'),
    });
    expect(errors.filter((e) => e.path.includes('invoke'))).toHaveLength(1);
  });

  it('refuses spawn, inline code and history states, each at its path', () => {
    const machine = exported();
    const states = machine.states as Record<string, Record<string, unknown>>;
    states.reminded!.entry = [{ type: 'xstate.spawnChild', id: 'child' }];
    states.escalated!.exit = { type: 'inline:victimContact.escalated#exit[0]' };
    states.escalated!.on = { CONTACTED: { target: 'done', guard: '({ context }) => context.ok' } };
    states.back = { type: 'history' };
    const { errors } = importStatelyMachine(machine);
    const paths = errors.map((e) => e.path);
    expect(paths).toContain('$.machine.states.reminded.entry[0]');
    expect(paths).toContain('$.machine.states.escalated.exit');
    expect(paths).toContain('$.machine.states.escalated.on.CONTACTED.guard');
    expect(paths).toContain('$.machine.states.back.type');
    expect(errors.find((e) => e.path === '$.machine.states.reminded.entry[0]')!.message).toMatch(/spawn/);
    expect(errors.find((e) => e.path === '$.machine.states.back.type')!.message).toMatch(/history/);
  });

  it("passes on the validator's findings, such as a guard the engine does not know", () => {
    const machine = exported();
    const waiting = (machine.states as Record<string, Record<string, unknown>>).waiting!;
    waiting.on = { CONTACTED: { target: 'done', guard: 'victimAgreed' } };
    const { definition, errors } = importStatelyMachine(machine);
    expect(definition).toBeDefined();
    expect(errors).toContainEqual(
      expect.objectContaining({ path: '$.machine.states.waiting.on.CONTACTED.guard', message: expect.stringContaining('victimAgreed') }),
    );
  });

  it('says so when there is no machine at all', () => {
    expect(importStatelyMachine({ hello: 'world' }).errors[0]!.message).toMatch(/no XState machine config/);
  });
});

describe('millisToIsoDuration', () => {
  it.each([
    [5000, 'PT5S'],
    [90_000, 'PT1M30S'],
    [3_600_000, 'PT1H'],
    [86_400_000, 'P1D'],
    [90_000_000, 'P1DT1H'],
    [1500, 'PT1.5S'],
    [0, 'PT0S'],
  ])('%d ms is %s', (ms, iso) => {
    expect(millisToIsoDuration(ms)).toBe(iso);
  });
});
