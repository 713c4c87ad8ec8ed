/**
 * Test support for the shipped pathways: loads workflows/*.json and plays the part of the services
 * around the engine, keeping the tasks and timers its effects open and close.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvent, startInstance, stateIds, type StepOptions } from '../../../libs/engine/src/engine.js';
import type { CompiledPathway } from '../../../libs/engine/src/compile.js';
import type { Effect, EngineFacts, PathwayDefinition, PathwayEvent, PersistedSnapshot, StepResult } from '../../../libs/engine/src/types.js';
import { KNOWN_KEY_DATES } from '../../../libs/engine/src/validator.js';

export const SHIPPED = ['referral', 'release-planning', 'review', 'closure'] as const;

export function loadDefinition(key: string): PathwayDefinition {
  return JSON.parse(readFileSync(join(process.cwd(), 'workflows', `${key}.json`), 'utf8')) as PathwayDefinition;
}

/** Every participant role the shipped pathways name, so any quorum is met. */
export const ALL_ROLES = ['coordinator', 'referrer', 'probation', 'police', 'prison', 'housing', 'health', 'exit_programme'];

/** Key dates a case in custody would have, around `now`. */
export function keyDatesAround(now: Date): Record<string, string> & { releaseDate: string; referralDate: string } {
  const day = 86_400_000;
  const date = (offsetDays: number) => new Date(now.getTime() + offsetDays * day).toISOString().slice(0, 10);
  const dates: Record<string, string> = {};
  // A legal hold is not a date a case normally has: it holds the case back from erasure.
  for (const name of KNOWN_KEY_DATES) if (name !== 'legalHold') dates[name] = date(60);
  return { ...dates, releaseDate: date(240), referralDate: date(-3) };
}

interface TaskRow {
  stateId: string;
  key: string;
  status: 'open' | 'done' | 'cancelled';
  dueAt: string | null;
}

/** One pathway instance and what the durable layer would hold for it. */
export class Instance {
  snapshot: PersistedSnapshot = {};
  value: unknown;
  status: 'active' | 'done' = 'active';
  readonly tasks: TaskRow[] = [];
  readonly timers = new Map<string, { event: string; fireAt: string }>();
  readonly started: string[] = [];
  readonly notified: Array<{ kind: string; role: string }> = [];
  lastEffects: Effect[] = [];

  constructor(
    readonly pathway: CompiledPathway,
    public keyDates: Record<string, string | null | undefined>,
    public attended: string[] = ALL_ROLES,
    public now = new Date('2027-01-04T09:00:00Z'),
  ) {}

  facts(): EngineFacts {
    return {
      keyDates: this.keyDates,
      tasks: this.tasks.map(({ stateId, key, status }) => ({ stateId, key, status })),
      latestConferenceAttendedRoles: this.attended,
    };
  }

  private options(): StepOptions {
    return { now: this.now, facts: this.facts() };
  }

  start(): StepResult {
    return this.record(startInstance(this.pathway, this.options()));
  }

  send(event: PathwayEvent): StepResult {
    const result = applyEvent(this.pathway, this.snapshot, event, this.options());
    return result.changed ? this.record(result) : result;
  }

  /** Delivers a pending timer whose event is `eventType`, as the worker would when it fires. */
  fire(eventType: string): StepResult {
    const entry = [...this.timers.entries()].find(([, timer]) => timer.event === eventType);
    if (!entry) throw new Error(`no pending timer for ${eventType}`);
    this.timers.delete(entry[0]);
    this.now = new Date(entry[1].fireAt);
    return this.send({ type: eventType });
  }

  /** Agencies complete every open task. */
  completeOpenTasks(): void {
    for (const task of this.tasks) if (task.status === 'open') task.status = 'done';
  }

  openTasks(): string[] {
    return this.tasks.filter((t) => t.status === 'open').map((t) => `${t.stateId}#${t.key}`).sort();
  }

  activeIds(): string[] {
    return stateIds(this.pathway, this.snapshot);
  }

  private record(result: StepResult): StepResult {
    this.snapshot = result.snapshot;
    this.value = result.value;
    this.status = result.status;
    this.lastEffects = result.effects;
    for (const effect of result.effects) {
      switch (effect.type) {
        case 'task.open':
          this.tasks.push({ stateId: effect.stateId, key: effect.task.key, status: 'open', dueAt: effect.dueAt });
          break;
        case 'task.cancel':
          for (const task of this.tasks) {
            if (task.stateId === effect.stateId && task.key === effect.taskKey && task.status === 'open') task.status = 'cancelled';
          }
          break;
        case 'timer.set':
          this.timers.set(effect.timerId, { event: effect.event, fireAt: effect.fireAt });
          break;
        case 'timer.cancel':
          this.timers.delete(effect.timerId);
          break;
        case 'pathway.start':
          this.started.push(effect.key);
          break;
        case 'notify':
          this.notified.push({ kind: effect.kind, role: effect.role });
          break;
        default:
          break;
      }
    }
    return result;
  }
}
