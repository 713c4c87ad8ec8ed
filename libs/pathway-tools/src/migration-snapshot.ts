import type { CompiledPathway, PersistedSnapshot } from '#engine';

/**
 * A persisted XState snapshot of `to` standing in `stateValue`, for an instance that a migration
 * moves there: `applyEvent` continues from it like from any snapshot the engine saved. Runs no
 * entry actions, so tasks and timers come from the migration plan, not from XState.
 * Throws when the value names states that `to` does not have.
 *
 * @example
 * const snapshot = buildSnapshotFor(compilePathway(v2), plan.targetStateValue, oldSnapshot.context);
 */
export function buildSnapshotFor(
  to: CompiledPathway,
  stateValue: unknown,
  context: Record<string, unknown> = {},
): PersistedSnapshot {
  if (stateValue === null || stateValue === undefined) throw new Error('buildSnapshotFor: no state value (is the migration plan ok?)');
  // resolveState's parameter type is the machine's own (here unknown) value and context shape.
  const snapshot = to.machine.resolveState({ value: stateValue as never, context });
  return to.machine.getPersistedSnapshot(snapshot);
}
