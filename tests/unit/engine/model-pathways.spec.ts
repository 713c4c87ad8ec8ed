/**
 * Model-based tests of the shipped pathways: xstate/graph enumerates the paths of each compiled
 * machine, and every path to a final state is then walked through the engine's own API, checking
 * that tasks and timers open and close as the definition says.
 */
import { describe, expect, it } from '@jest/globals';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { AnyMachineSnapshot } from 'xstate';
import { compilePathway, type CompiledPathway } from '../../../libs/engine/src/compile.js';
import type { EngineFacts, PathwayDefinition } from '../../../libs/engine/src/types.js';
import { ACTIONS, GUARDS } from '../../../libs/engine/src/registry.js';
import { resolveTarget } from '../../../libs/engine/src/validator-graph.js';
import { walkMachine, type MachineModel } from '../../../libs/engine/src/validator-machine.js';
import { ALL_ROLES, Instance, keyDatesAround, loadDefinition, SHIPPED } from './model-world.js';

interface GraphEvent {
  type: string;
  data?: Record<string, unknown>;
  facts: EngineFacts;
}

const NOW = new Date('2027-01-04T09:00:00Z');

function modelOf(def: PathwayDefinition): MachineModel {
  const model = walkMachine(def.machine, { kind: 'guard', specs: GUARDS }, { kind: 'action', specs: ACTIONS }, []);
  if (!model) throw new Error('no model');
  return model;
}

/**
 * Facts under which guards pass: all tasks done, everyone attended, and either every key date set
 * or one key date a `keyDateSet` guard asks about missing (or, for one not set by default such as
 * `legalHold`, set), so both sides of such a branch are seen.
 */
function factVariants(def: PathwayDefinition, p: CompiledPathway): EngineFacts[] {
  const tasks = [...p.states.values()].flatMap((state) => state.tasks.map((task) => ({ stateId: state.id, key: task.key, status: 'done' as const })));
  const asked = new Set<string>();
  type Ref = { type?: string; params?: { name?: string; guard?: Ref } };
  // keyDateSet guards, also inside `not` (a legal hold: `not keyDateSet legalHold`).
  const collect = (guard: Ref | undefined) => {
    if (guard?.type === 'keyDateSet' && guard.params?.name) asked.add(guard.params.name);
    if (guard?.type === 'not') collect(guard.params?.guard);
  };
  for (const node of modelOf(def).nodes) {
    for (const transition of node.transitions) collect((transition.config as { guard?: Ref }).guard);
  }
  const all = keyDatesAround(NOW);
  // Each asked key date both missing and set, so both sides of such a branch are seen.
  const variants: Array<Record<string, string | null>> = [
    all,
    ...[...asked].map((name) => ({ ...all, [name]: null })),
    ...[...asked].filter((name) => all[name] === undefined).map((name) => ({ ...all, [name]: all.referralDate })),
  ];
  return variants.map((keyDates) => ({ keyDates, tasks, latestConferenceAttendedRoles: ALL_ROLES }));
}

/** One event per transition alternative, with the data its guard asks for, plus every timer event. */
function eventsOf(def: PathwayDefinition, p: CompiledPathway, facts: EngineFacts): GraphEvent[] {
  const seen = new Map<string, GraphEvent>();
  for (const node of modelOf(def).nodes) {
    for (const transition of node.transitions) {
      if (transition.kind !== 'on') continue;
      const config = transition.config as { guard?: unknown };
      const guard = config.guard as { type?: string; params?: Record<string, unknown> } | undefined;
      let data: Record<string, unknown> | undefined;
      if (guard?.type === 'dataEquals') data = { [String(guard.params?.field)]: guard.params?.value };
      if (guard?.type === 'dataPresent') data = { [String(guard.params?.field)]: 'given in test' };
      const event: GraphEvent = { type: transition.trigger, ...(data ? { data } : {}), facts };
      seen.set(JSON.stringify([event.type, data]), event);
    }
  }
  for (const type of p.delayEvents.keys()) seen.set(type, { type, facts });
  return [...seen.values()];
}

function idsOf(snapshot: AnyMachineSnapshot): string[] {
  return (snapshot._nodes as Array<{ id: string }>).map((node) => node.id);
}

/** Timer events the active states should have pending: `xstate.after.<delay>.<state id>`. */
function expectedTimers(p: CompiledPathway, activeIds: string[]): string[] {
  return [...p.delayEvents.keys()].filter((type) => activeIds.includes(type.split('.').slice(3).join('.'))).sort();
}

describe.each(SHIPPED)('pathway %s, explored with xstate/graph', (key) => {
  const def = loadDefinition(key);
  const p = compilePathway(def);
  const traversals = factVariants(def, p).map((facts) => ({
    events: eventsOf(def, p, facts),
    input: { facts },
    serializeState: (snapshot: AnyMachineSnapshot) => JSON.stringify(snapshot.value),
    limit: 5_000,
  }));

  it('reaches every state by some path (states left at once by "always" included)', () => {
    const paths = traversals.flatMap(
      (traversal) => getShortestPaths(p.machine, traversal as never) as unknown as Array<{ steps: Array<{ state: AnyMachineSnapshot; event: GraphEvent }> }>,
    );
    const reached = new Set<string>();
    const model = modelOf(def);
    for (const path of paths) {
      let before: string[] = [];
      for (const step of path.steps) {
        const after = idsOf(step.state);
        after.forEach((id) => reached.add(id));
        // A state whose `always` transition fired at once never shows in a snapshot: find it as the
        // target of the transition this step took, when one of its `always` targets is now active.
        for (const node of model.nodes) {
          if (!before.includes(node.id)) continue;
          for (const transition of node.transitions) {
            if (transition.trigger !== step.event.type) continue;
            for (const target of transition.targets) {
              const via = resolveTarget(model, node, target.value);
              if (typeof via === 'string') continue;
              // Left at once: by its own `always`, or as a final child by its parent's `onDone`.
              const exits = [
                ...via.transitions.filter((t) => t.kind === 'always').map((t) => ({ t, from: via })),
                ...(via.type === 'final' && via.parent
                  ? via.parent.transitions.filter((t) => t.kind === 'onDone').map((t) => ({ t, from: via.parent as typeof via }))
                  : []),
              ];
              const lands = exits.some(({ t, from }) => t.targets.some((x) => {
                const to = resolveTarget(model, from, x.value);
                return typeof to !== 'string' && after.includes(to.id);
              }));
              if (lands) reached.add(via.id);
            }
          }
        }
        before = after;
      }
    }
    const all = [...p.states.keys()].filter((id) => id !== p.rootId).sort();
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(5);
  });

  it('walks every simple path to a final state through the engine, with tasks and timers as defined', () => {
    const finals = traversals.flatMap((traversal) => {
      const paths = getSimplePaths(p.machine, {
        ...traversal,
        toState: (snapshot: AnyMachineSnapshot) => snapshot.status === 'done',
      } as never) as unknown as Array<{ state: AnyMachineSnapshot; steps: Array<{ state: AnyMachineSnapshot; event: GraphEvent }> }>;
      return paths.filter((path) => path.state.status === 'done').map((path) => ({ path, keyDates: traversal.input.facts.keyDates }));
    });
    const finalStates = new Set(finals.map(({ path }) => JSON.stringify(path.state.value)));
    const declaredFinals = [...p.states.keys()].filter((id) => modelOf(def).ids.get(id)?.type === 'final' && modelOf(def).ids.get(id)?.parent?.parent === null);
    expect(finalStates.size).toBe(declaredFinals.length);

    for (const { path, keyDates } of finals) {
      const instance = new Instance(p, { ...keyDates });
      const startResult = instance.start();
      for (const step of path.steps) {
        if (step.event.type === 'xstate.init') {
          expect(startResult.value).toEqual(step.state.value);
          continue;
        }
        const before = instance.activeIds();
        let result;
        if (step.event.type.startsWith('xstate.after.')) {
          result = instance.fire(step.event.type);
        } else {
          instance.completeOpenTasks();
          result = instance.send({ type: step.event.type, ...(step.event.data ? { data: step.event.data } : {}) });
        }
        const where = `${key}: ${step.event.type} from ${before.join(', ')}`;
        expect({ where, changed: result.changed, value: result.value }).toEqual({ where, changed: true, value: step.state.value as unknown });

        const active = instance.activeIds();
        // Each open task belongs to an active state; each active state's tasks were opened.
        const open = instance.tasks.filter((t) => t.status === 'open');
        expect({ where, stray: open.filter((t) => !active.includes(t.stateId)).map((t) => t.key) }).toEqual({ where, stray: [] });
        for (const id of active) {
          const declared = p.states.get(id)?.tasks.map((t) => t.key) ?? [];
          const recorded = instance.tasks.filter((t) => t.stateId === id).map((t) => t.key);
          expect({ where, id, missing: declared.filter((k) => !recorded.includes(k)) }).toEqual({ where, id, missing: [] });
        }
        const pending = [...instance.timers.values()].map((t) => t.event).sort();
        expect({ where, pending }).toEqual({ where, pending: expectedTimers(p, active) });
      }
      expect(instance.status).toBe('done');
      expect(instance.lastEffects.some((e) => e.type === 'instance.done')).toBe(true);
      expect(instance.openTasks()).toEqual([]);
      expect(instance.timers.size).toBe(0);
    }
  });
});
