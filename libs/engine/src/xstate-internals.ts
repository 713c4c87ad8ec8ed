import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';

/**
 * The one place the engine reads XState internals. XState 5 keeps the active state nodes of a
 * snapshot in the private field `_nodes` (parents before children, leaves included); its public API only
 * gives the state *value*, from which the nodes would have to be re-resolved on every guard. The
 * engine needs the nodes to explain refusals and list allowed events, so it reads the field here,
 * checked by tests/unit/engine/xstate-internals.spec.ts against the pinned `xstate` version
 * (package.json pins it exactly; upgrade it only together with that test).
 */
export const XSTATE_CHECKED_VERSION = '5.33.3';

/**
 * The active state nodes of a machine snapshot, root included, in XState's order: a parent before
 * its children, and states entered by the last transition after those that stayed.
 */
export function activeNodes(snapshot: AnyMachineSnapshot): AnyStateNode[] {
  return activeNodesOf(snapshot) ?? [];
}

/**
 * The same for a snapshot XState hands a guard's `check` hook, typed `unknown` there: the nodes, or
 * undefined when it is not a machine snapshot.
 */
export function activeNodesOf(snapshot: unknown): AnyStateNode[] | undefined {
  const nodes = (snapshot as { _nodes?: unknown } | null | undefined)?._nodes;
  return Array.isArray(nodes) ? (nodes as AnyStateNode[]) : undefined;
}
