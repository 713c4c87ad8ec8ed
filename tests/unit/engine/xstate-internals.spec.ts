import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createMachine, initialTransition, transition } from 'xstate';
import { activeNodes, activeNodesOf, XSTATE_CHECKED_VERSION } from '../../../libs/engine/src/xstate-internals.js';

// The engine reads XState's private `_nodes` through libs/engine/src/xstate-internals.ts only. These
// tests hold that helper to the installed XState: if an upgrade moves or reshapes the field, they
// fail before any pathway does.
describe('XState internals helper', () => {
  const machine = createMachine({
    id: 'm',
    initial: 'a',
    states: {
      a: { on: { GO: 'b' } },
      b: {
        type: 'parallel',
        states: {
          left: { initial: 'l1', states: { l1: { on: { NEXT: 'l2' } }, l2: {} } },
          right: { initial: 'r1', states: { r1: {} } },
        },
      },
    },
  });

  it('lists the active nodes outermost first, leaves included, for atomic and parallel states', () => {
    const [start] = initialTransition(machine);
    expect(activeNodes(start).map((n) => n.id)).toEqual(['m', 'm.a']);
    const [inB] = transition(machine, start, { type: 'GO' });
    expect(activeNodes(inB).map((n) => n.id)).toEqual(['m', 'm.b', 'm.b.left', 'm.b.left.l1', 'm.b.right', 'm.b.right.r1']);
    const [moved] = transition(machine, inB, { type: 'NEXT' });
    const leaves = activeNodes(moved).filter((n) => n.type === 'atomic');
    // States entered later come after those that stayed: the order is XState's, not the document's.
    expect(leaves.map((n) => n.id)).toEqual(['m.b.right.r1', 'm.b.left.l2']);
    // Nodes are XState's own: parents and transitions are reachable from them.
    expect(leaves[1]?.parent?.id).toBe('m.b.left');
    expect([...(activeNodes(start)[1]?.transitions.keys() ?? [])]).toEqual(['GO']);
  });

  it('answers undefined for what is not a snapshot', () => {
    expect(activeNodesOf(undefined)).toBeUndefined();
    expect(activeNodesOf({ value: 'a' })).toBeUndefined();
  });

  it('is checked against the XState version package.json pins', () => {
    const require = createRequire(import.meta.url);
    const installed = (require('xstate/package.json') as { version: string }).version;
    const pinned = (JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.xstate;
    expect(installed).toBe(XSTATE_CHECKED_VERSION);
    expect(pinned).toBe(XSTATE_CHECKED_VERSION);
  });
});
