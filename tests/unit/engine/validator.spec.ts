import { describe, expect, it } from '@jest/globals';
import { at, firstOf } from '../../support/defined.js';
import type { ValidationError } from '../../../libs/engine/src/types.js';
import { KNOWN_KEY_DATES, validateDefinition } from '../../../libs/engine/src/validator.js';
import { loadDefinition, SHIPPED } from './model-world.js';

/** A small valid pathway; each test breaks one thing in a fresh copy. */
function base(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
  return {
    key: 'mini',
    title: 'Mini',
    machine: {
      id: 'mini',
      initial: 'screening',
      states: {
        screening: {
          meta: {
            title: 'Screening',
            tasks: [{ key: 'assess', title: 'Assess', assignee: { role: 'coordinator' }, due: 'P5D', reminders: ['-P1D', 'P0D'], escalation: { after: 'P2D', to: { role: 'coordinator' } } }],
          },
          on: {
            ACCEPT: [{ target: 'accepted', guard: 'allTasksDone', meta: { title: 'Accept', roles: ['case_manager'] } }],
            REJECT: 'rejected',
          },
          after: { P10D: 'rejected' },
        },
        accepted: { type: 'final' },
        rejected: { type: 'final' },
      },
    },
  };
}

function paths(errors: ValidationError[]): string[] {
  return errors.map((e) => e.path);
}

describe('validateDefinition', () => {
  it.each(SHIPPED)('accepts the shipped pathway %s', (key) => {
    expect(validateDefinition(loadDefinition(key))).toEqual([]);
  });

  it('accepts the small example', () => {
    expect(validateDefinition(base())).toEqual([]);
  });

  it('names an unknown guard at its path', () => {
    const def = base();
    def.machine.states.screening.on.ACCEPT[0].guard = 'isNice';
    const errors = validateDefinition(def);
    expect(paths(errors)).toEqual(['$.machine.states.screening.on.ACCEPT[0].guard']);
    expect(firstOf(errors, 'errors').message).toMatch(/unknown guard "isNice".*allTasksDone/);
  });

  it('names an unknown action and missing guard params', () => {
    const def = base();
    def.machine.states.screening.on.ACCEPT[0].actions = [{ type: 'sendEmail' }];
    def.machine.states.screening.on.REJECT = { target: 'rejected', guard: { type: 'quorumMet' } };
    const errors = validateDefinition(def);
    expect(paths(errors)).toEqual([
      '$.machine.states.screening.on.ACCEPT[0].actions[0].type',
      '$.machine.states.screening.on.REJECT.guard.params.roles',
    ]);
  });

  it('checks startPathway params', () => {
    const def = base();
    def.machine.states.screening.on.REJECT = { target: 'rejected', actions: [{ type: 'startPathway', params: {} }, 'startPathway'] };
    expect(paths(validateDefinition(def))).toEqual([
      '$.machine.states.screening.on.REJECT.actions[0].params.key',
      '$.machine.states.screening.on.REJECT.actions[1]',
    ]);
  });

  it('accepts a task title per language and refuses unknown languages or empty titles', () => {
    const titled = base();
    titled.machine.states.screening.meta.tasks[0].title = { en: 'Assess', sv: 'Bedöm' };
    expect(validateDefinition(titled)).toEqual([]);
    const bad = base();
    bad.machine.states.screening.meta.tasks[0].title = { en: 'Assess', xx: 'Nope', nl: '' };
    expect(paths(validateDefinition(bad)).sort()).toEqual([
      '$.machine.states.screening.meta.tasks[0].title.nl',
      '$.machine.states.screening.meta.tasks[0].title.xx',
    ]);
    const empty = base();
    empty.machine.states.screening.meta.tasks[0].title = {};
    expect(paths(validateDefinition(empty))).toEqual(['$.machine.states.screening.meta.tasks[0].title']);
  });

  it('accepts an escalation ladder and refuses one whose rungs are out of order, empty or malformed', () => {
    const ladder = base();
    ladder.machine.states.screening.meta.tasks[0].escalation = [
      { after: 'P2D', to: { role: 'probation' } },
      { after: 'P5D', to: { role: 'coordinator' } },
    ];
    expect(validateDefinition(ladder)).toEqual([]);

    const unordered = base();
    unordered.machine.states.screening.meta.tasks[0].escalation = [
      { after: 'P5D', to: { role: 'probation' } },
      { after: 'PT48H', to: { role: 'coordinator' } },
    ];
    expect(paths(validateDefinition(unordered))).toEqual(['$.machine.states.screening.meta.tasks[0].escalation[1].after']);

    const empty = base();
    empty.machine.states.screening.meta.tasks[0].escalation = [];
    expect(paths(validateDefinition(empty))).toEqual(['$.machine.states.screening.meta.tasks[0].escalation']);

    const malformed = base();
    malformed.machine.states.screening.meta.tasks[0].escalation = [{ after: 'P2D', to: { role: 'probation' } }, 'P3D'];
    expect(paths(validateDefinition(malformed))).toEqual(['$.machine.states.screening.meta.tasks[0].escalation[1]']);
  });

  it('refuses bad durations in after keys, due dates, reminders and escalations', () => {
    const def = base();
    def.machine.states.screening.after = { '10 days': 'rejected' };
    const task = def.machine.states.screening.meta.tasks[0];
    task.due = '5D';
    task.reminders = ['-P1D', 'soon'];
    task.escalation.after = '-P2D';
    expect(paths(validateDefinition(def))).toEqual([
      '$.machine.states.screening.after["10 days"]',
      '$.machine.states.screening.meta.tasks[0].due',
      '$.machine.states.screening.meta.tasks[0].reminders[1]',
      '$.machine.states.screening.meta.tasks[0].escalation.after',
    ]);
  });

  it('refuses unknown key dates in due dates and keyDateSet', () => {
    const def = base();
    def.machine.states.screening.meta.tasks[0].due = { before: 'birthday', offset: 'P6M' };
    def.machine.states.screening.on.REJECT = { target: 'rejected', guard: { type: 'keyDateSet', params: { name: 'payday' } } };
    const errors = validateDefinition(def);
    expect(paths(errors).sort()).toEqual([
      '$.machine.states.screening.meta.tasks[0].due.before',
      '$.machine.states.screening.on.REJECT.guard.params.name',
    ]);
    for (const error of errors) expect(error.message).toContain(KNOWN_KEY_DATES.join(', '));
  });

  it('accepts every due form, working days included', () => {
    const def = base();
    const tasks = def.machine.states.screening.meta.tasks;
    tasks.push({ key: 'b', title: 'B', assignee: { role: 'police' }, due: { after: 'releaseDate', offset: 'P1D' } });
    tasks.push({ key: 'c', title: 'C', assignee: { role: 'police' }, due: { workingDays: 10 } });
    tasks.push({ key: 'd', title: 'D', assignee: { role: 'police' }, due: { workingDays: 10, after: 'conferenceDate' } });
    expect(validateDefinition(def)).toEqual([]);
  });

  it('reports a missing target with the siblings it could have meant', () => {
    const def = base();
    def.machine.states.screening.on.ACCEPT[0].target = 'acepted';
    const errors = validateDefinition(def);
    expect(paths(errors)).toEqual(['$.machine.states.screening.on.ACCEPT[0].target', '$.machine.states.accepted']);
    expect(at(errors, 0, 'errors').message).toMatch(/"acepted".*accepted, rejected/);
    expect(at(errors, 1, 'errors').message).toMatch(/never be entered/);
  });

  it('resolves #id and .child targets as XState does', () => {
    const def = base();
    def.machine.on = { CLOSE: { target: '.rejected' }, RESTART: '#mini.screening' };
    expect(validateDefinition(def)).toEqual([]);
    def.machine.on = { CLOSE: 'rejected' };
    expect(validateDefinition(def)[0]).toMatchObject({ path: '$.machine.on.CLOSE', message: expect.stringContaining('".rejected"') });
  });

  it('reports a missing or wrong initial state', () => {
    const def = base();
    delete def.machine.initial;
    expect(paths(validateDefinition(def))).toContain('$.machine.initial');
    def.machine.initial = 'nowhere';
    expect(validateDefinition(def)[0]).toMatchObject({ path: '$.machine.initial', message: expect.stringContaining('nowhere') });
  });

  it('reports an unreachable state', () => {
    const def = base();
    def.machine.states.orphan = { on: { GO: 'accepted' } };
    expect(validateDefinition(def)).toEqual([{ path: '$.machine.states.orphan', message: expect.stringContaining('never be entered') }]);
  });

  it('reports a state with no way to a final state', () => {
    const def = base();
    def.machine.states.screening.on.PARK = 'parked';
    def.machine.states.parked = { on: { POKE: 'parked' } };
    expect(validateDefinition(def)).toEqual([{ path: '$.machine.states.parked', message: 'state "parked" has no path to a final state' }]);
  });

  it('follows nested states, always and onDone when judging reachability', () => {
    const def = base();
    def.machine.states.screening.on.ACCEPT = 'followUp';
    def.machine.states.followUp = {
      initial: 'one',
      states: { one: { on: { NEXT: 'two' } }, two: { always: 'done' }, done: { type: 'final' } },
      onDone: 'accepted',
    };
    expect(validateDefinition(def)).toEqual([]);
    delete def.machine.states.followUp.onDone;
    expect(paths(validateDefinition(def))).toEqual([
      '$.machine.states.accepted',
      '$.machine.states.followUp.states.one',
      '$.machine.states.followUp.states.two',
      '$.machine.states.followUp.states.done',
    ]);
  });

  it('requires task title and assignee, unique keys, and known user roles on transitions', () => {
    const def = base();
    def.machine.states.screening.meta.tasks.push({ key: 'assess' }, { key: 'x', title: 'X', assignee: { role: '' }, escalation: { after: 'P1D', to: {} } });
    def.machine.states.screening.on.ACCEPT[0].meta.roles = ['police'];
    expect(paths(validateDefinition(def)).sort()).toEqual([
      '$.machine.states.screening.meta.tasks[1].assignee',
      '$.machine.states.screening.meta.tasks[1].key',
      '$.machine.states.screening.meta.tasks[1].title',
      '$.machine.states.screening.meta.tasks[2].assignee.role',
      '$.machine.states.screening.meta.tasks[2].escalation',
      '$.machine.states.screening.meta.tasks[2].escalation.to.role',
      '$.machine.states.screening.on.ACCEPT[0].meta.roles[0]',
    ]);
  });

  it('refuses invoke, delays, history states and functions with a reason', () => {
    const def = base();
    def.machine.states.screening.invoke = { src: 'fetchRecords' };
    def.machine.delays = { long: 1000 };
    def.machine.states.accepted = { type: 'history' };
    const errors = validateDefinition(def);
    expect(errors).toEqual(expect.arrayContaining([
      { path: '$.machine.states.screening.invoke', message: expect.stringContaining('invoke is not supported') },
      { path: '$.machine.delays', message: expect.stringContaining('ISO 8601') },
      { path: '$.machine.states.accepted.type', message: expect.stringContaining('history') },
    ]));
    const withCode = base();
    withCode.machine.states.screening.on.ACCEPT[0].guard = () => true;
    expect(validateDefinition(withCode)).toEqual([
      { path: '$.machine.states.screening.on.ACCEPT[0].guard', message: expect.stringContaining('never carries code') },
    ]);
  });

  it('reports wrong top-level fields', () => {
    expect(paths(validateDefinition({ key: 'Bad Key', machine: {} }))).toEqual(['$.key', '$.title', '$.machine.id', '$.machine.states']);
  });

  it('refuses prototype keys', () => {
    const def = JSON.parse('{"key":"mini","title":"M","machine":{"id":"m","initial":"a","states":{"a":{"type":"final"},"__proto__":{"type":"final"}}}}');
    expect(validateDefinition(def)).toEqual([{ path: '$.machine.states.__proto__', message: 'key "__proto__" is not allowed' }]);
    const ctor = base();
    ctor.machine.states.screening.on.constructor = 'accepted';
    expect(paths(validateDefinition(ctor))).toEqual(['$.machine.states.screening.on.constructor']);
  });

  it('does not resolve targets through the prototype chain', () => {
    const def = base();
    def.machine.states.screening.on.REJECT = 'toString';
    const errors = validateDefinition(def);
    expect(errors).toEqual([{ path: '$.machine.states.screening.on.REJECT', message: expect.stringContaining('"toString" does not exist') }]);
  });

  describe('hostile input', () => {
    function timed(input: unknown): ValidationError[] {
      const started = performance.now();
      const errors = validateDefinition(input);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(errors.length).toBeGreaterThan(0);
      return errors;
    }

    it.each([null, undefined, 0, 42, 'definition', true, [], [1, 2]])('refuses %p as a definition', (input) => {
      expect(timed(input)).toEqual([{ path: '$', message: expect.stringContaining('a definition is an object') }]);
    });

    it('refuses 10,000 levels of nested states', () => {
      const def = base();
      let node: Record<string, unknown> = def.machine.states.screening;
      for (let i = 0; i < 10_000; i += 1) {
        const child: Record<string, unknown> = {};
        node.initial = 'n';
        node.states = { n: child };
        node = child;
      }
      expect(firstOf(timed(def), 'errors').message).toMatch(/nested too deeply/);
    });

    it('refuses 40 levels of states within the JSON depth limit', () => {
      const def = base();
      let node: Record<string, unknown> = def.machine.states.screening;
      for (let i = 0; i < 40; i += 1) {
        const child: Record<string, unknown> = {};
        node.initial = 'n';
        node.states = { n: child };
        node = child;
      }
      expect(timed(def).some((e) => /states are nested too deeply \(more than 32/.test(e.message))).toBe(true);
    });

    it('refuses a million-element array', () => {
      const def = base();
      def.machine.states.screening.meta.tasks = new Array(1_000_000).fill({ key: 'a' });
      expect(timed(def)).toEqual([{ path: '$.machine.states.screening.meta.tasks', message: expect.stringContaining('array is too long') }]);
    });

    it('refuses an object with 100,000 keys', () => {
      const def = base();
      const on: Record<string, string> = {};
      for (let i = 0; i < 100_000; i += 1) on[`E${i}`] = 'rejected';
      def.machine.states.screening.on = on;
      expect(firstOf(timed(def), 'errors').message).toMatch(/too many keys/);
    });

    it('survives throwing getters and proxies', () => {
      const getter = base();
      Object.defineProperty(getter.machine, 'states', { enumerable: true, get: () => { throw new Error('boom'); } });
      expect(timed(getter)).toEqual([{ path: '$.machine.states', message: 'accessor properties are not allowed' }]);
      const proxy = new Proxy(base(), { ownKeys: () => { throw new Error('no keys'); } });
      expect(firstOf(timed(proxy), 'errors').path).toBe('$');
    });
  });
});
