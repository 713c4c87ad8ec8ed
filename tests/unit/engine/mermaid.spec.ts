import { describe, expect, it } from '@jest/globals';
import { activeStatePaths, toMermaid } from '../../../libs/engine/src/mermaid.js';
import type { PathwayDefinition } from '../../../libs/engine/src/types.js';

const definition: PathwayDefinition = {
  key: 'mini',
  title: 'Mini',
  machine: {
    id: 'mini',
    initial: 'screening',
    on: { PROPOSE_CLOSURE: { target: '.closed', actions: [{ type: 'startPathway', params: { key: 'closure' } }], meta: { title: 'Propose closure' } } },
    states: {
      screening: {
        meta: {
          title: 'Screening',
          tasks: [
            { key: 'a', title: 'A', assignee: { role: 'coordinator' } },
            { key: 'b', title: 'B', assignee: { role: 'police' } },
          ],
        },
        on: {
          ACCEPT: { target: 'followUp', guard: { type: 'quorumMet', params: { roles: ['police', 'probation'] } }, meta: { title: 'Accept' } },
          NOTE: { actions: ['recordData'] },
        },
        after: { P5D: 'routing' },
      },
      routing: { always: [{ target: 'closed', guard: { type: 'keyDateSet', params: { name: 'exitDate' } } }, { target: 'followUp' }] },
      followUp: {
        meta: { title: 'Follow-up' },
        initial: 'six',
        states: {
          six: { meta: { title: 'Six months', tasks: [{ key: 'c', title: 'C', assignee: { role: 'coordinator' } }] }, on: { DONE: 'end' } },
          end: { type: 'final' },
        },
        onDone: 'closed',
      },
      closed: { type: 'final', meta: { title: 'Closed' } },
    },
  },
};

describe('toMermaid', () => {
  const text = toMermaid(definition);
  const lines = text.split('\n').map((line) => line.trim());

  it('starts a state diagram at the initial state, with titles and task counts', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines[1]).toBe('[*] --> screening');
    expect(lines).toContain('screening : Screening (2 tasks)');
    expect(lines).toContain('followUp_six : Six months (1 task)');
    expect(lines).toContain('routing : routing');
  });

  it('labels transitions with title, event, guard, delay, always and hand-over', () => {
    expect(lines).toContain('screening --> followUp : Accept (ACCEPT) [quorumMet(police, probation)]');
    expect(lines).toContain('screening --> routing : after P5D');
    expect(lines).toContain('routing --> closed : always [keyDateSet(exitDate)]');
    expect(lines).toContain('routing --> followUp : always');
    expect(lines).toContain('screening --> screening : NOTE');
    expect(lines).toContain('anyState --> closed : Propose closure (PROPOSE_CLOSURE) / start closure');
  });

  it('draws nested states as a composite state and final states to [*]', () => {
    const open = lines.indexOf('state followUp {');
    const close = lines.indexOf('}', open);
    expect(open).toBeGreaterThan(0);
    expect(lines.slice(open + 1, close)).toEqual([
      '[*] --> followUp_six',
      'followUp_six : Six months (1 task)',
      'followUp_end : end',
      'followUp_end --> [*]',
      'followUp_six --> followUp_end : DONE',
    ]);
    expect(lines).toContain('followUp --> closed : done');
    expect(lines).toContain('closed --> [*]');
  });

  it('is deterministic and marks highlighted states', () => {
    expect(toMermaid(definition)).toBe(text);
    expect(text).not.toContain('classDef current');
    const highlighted = toMermaid(definition, { highlight: activeStatePaths({ followUp: 'six' }) });
    expect(highlighted).toContain('classDef current');
    expect(highlighted.trimEnd().split('\n').at(-1)?.trim()).toBe('class followUp,followUp_six current');
    expect(toMermaid(definition, { highlight: ['mini.screening'] })).toContain('class screening current');
  });
});

describe('activeStatePaths', () => {
  it('lists active states with their ancestors', () => {
    expect(activeStatePaths('screening')).toEqual(['screening']);
    expect(activeStatePaths({ followUp: 'six' })).toEqual(['followUp', 'followUp.six']);
  });
});
