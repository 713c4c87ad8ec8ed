import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock, DomainError, QUEUE, RequestContext, secondsLate, timerLateness } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  allowedEvents,
  applyEvent,
  checkEvent,
  startInstance,
  type AllowedEvent,
  type CompiledPathway,
  type Effect,
  type PathwayEvent,
  type StepResult,
} from '#engine';
import type { Actor } from '../identity/actor.js';
import { isUniqueViolation, type Db } from '../db.js';
import type { AuditRecordInput } from '../audit/audit.repository.js';
import type { IdempotencyKeyRef, IdempotencyService } from '../idempotency/idempotency.service.js';
import { planStep } from './step-plan.js';
import { enqueue, timerJobId } from '../outbox/outbox.js';
import { loadCaseContext, agenciesWithRole, leadCalendar, type CaseContext } from '../cases/case-context.js';
import { PathwayCatalog } from '../pathways/pathway-catalog.service.js';
import { TaskWriter } from '../tasks/task-writer.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { InstanceRepository, type Instance } from './instance.repository.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { CaseRepository, type SqlCondition } from '../cases/case.repository.js';
import { TimerRepository } from '../timers/timer.repository.js';
import { loadFacts } from './facts.js';
import { StepRepository, type StepInput } from './step.repository.js';
import { CaseErasure } from '../governance/case-erasure.js';
import { recordLawfulBasis } from '../governance/lawful-basis.js';

export interface InstanceView {
  instanceId: string;
  key: string;
  version: number;
  state: unknown;
  status: Instance['status'];
  revision: number;
  /** Events the case manager (or the roles named) may send now: guards evaluated. */
  allowedEvents: AllowedEvent[];
  /** Every event of the current state, refused ones with `enabled: false` and the reason (for UIs). */
  availableEvents: AllowedEvent[];
}

/** Who or what caused a change, for the event log. */
export type Cause = { actor: Actor } | { system: 'timer' | 'pathway' | 'migration' };

const MAX_CHAINED_STARTS = 8;

/**
 * Durable execution around the pure engine. Every change to an instance happens in ONE transaction:
 * the new snapshot (compare-and-set on the revision), the case's event log, the tasks, and outbox
 * rows for timers, reminders and notifications. PostgreSQL is the source of truth; the queue only
 * carries wake-ups.
 */
@Injectable()
export class InstanceService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly catalog: PathwayCatalog,
    private readonly tasks: TaskWriter,
    private readonly notifications: NotificationWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly erasure: CaseErasure,
  ) {}

  /**
   * The partnership's calendar for working-day due dates: the lead agency's country and time zone
   * (its public holidays count), or DEFAULT_COUNTRY.
   */
  private calendarOf(ctx: CaseContext): { country: string; timezone?: string } {
    return leadCalendar(ctx, this.config.defaultCountry);
  }

  /** Starts the published version of pathway `key` for a case, inside the caller's transaction. */
  async start(tx: Db, caseId: string, key: string, cause: Cause, startedBy?: string): Promise<Instance> {
    const ctx = await loadCaseContext(tx, caseId, true);
    if (!ctx) throw new DomainError('not_found', 'Case not found');
    if (ctx.case.status !== 'open') throw new DomainError('conflict', 'The case is closed');
    return this.startIn(tx, ctx, key, cause, startedBy, 0);
  }

  private async startIn(tx: Db, ctx: CaseContext, key: string, cause: Cause, startedBy: string | undefined, depth: number): Promise<Instance> {
    if (await InstanceRepository.isRunning(tx, ctx.case.id, key)) throw new DomainError('conflict', `Pathway '${key}' is already running for this case`);
    const version = await this.catalog.publishedVersion(key, tx);
    const pathway = await this.catalog.compiledVersion(key, version, tx);
    const now = this.clock.now();
    const facts = await loadFacts(tx, ctx.case.id, null, ctx.case.keyDates);
    const step = startInstance(pathway, { now, facts, ...this.calendarOf(ctx) });
    const row = await InstanceRepository.insert(tx, {
      caseId: ctx.case.id,
      key,
      version,
      snapshot: step.snapshot,
      value: step.value,
      status: step.status,
      startedBy,
    });
    await this.logEvent(tx, ctx.case.id, row.id, 'pathway.started', null, null, step.value, row.revision, cause);
    await this.applyEffects(tx, ctx, row, pathway, step.effects, now, cause, depth);
    return row;
  }

  /**
   * Applies a user's event. 422 when the event is unknown here or a guard refuses (with the reason),
   * 403-as-422 when the caller's role may not send it, 409 when `expectedRevision` is stale or a
   * concurrent writer won.
   */
  /**
   * A user's event in two round trips and no transaction around them: one read (StepRepository.read:
   * access, instance, case, facts and the caller's committed Idempotency-Key) and one write
   * (StepRepository.flush: the whole step's write plan, gated on the compare-and-set, with the
   * key's claim and `audit`). The same checks and answers as {@link sendEvent}: 404, 409, 422; a
   * repeated key answers the first response (`replayed`). `'sequential'` when the step's effects
   * need the statement-by-statement path (planStep says which): the caller runs `sendEvent` in a
   * transaction instead, and nothing was written here.
   */
  async sendEventInOneWrite<T>(
    db: Db,
    args: {
      caseId: string;
      instanceId: string;
      event: PathwayEvent;
      actor: Actor;
      expectedRevision?: number;
      visible: SqlCondition;
      key?: IdempotencyKeyRef;
      idempotency: IdempotencyService;
      audit: AuditRecordInput[];
      respond: (view: InstanceView) => T;
    },
  ): Promise<{ body: T; replayed: boolean } | 'sequential'> {
    const { key, idempotency } = args;
    const read = await StepRepository.read(db, args.caseId, args.instanceId, args.visible, key);
    if (key && read.stored) {
      const replay = idempotency.replayOf(key, read.stored);
      // A replay is checked too: an agency removed from the case must not read a stored response.
      if (read.input === 'case_not_found') throw new DomainError('not_found', 'Case not found');
      return { body: replay.body as T, replayed: true };
    }
    const { row, ctx, facts, pathway, step, now } = await this.stepOf(read.input, args.event, args.actor, args.expectedRevision, db);
    const revision = row.revision + 1;
    const body = args.respond(this.view({ ...row, snapshot: step.snapshot, stateValue: step.value, status: step.status, revision }, pathway, facts));
    const plan = planStep({
      instance: row,
      ctx,
      pathwayTitle: pathway.definition.title,
      step,
      event: args.event,
      actor: args.actor,
      now,
      link: (target) => this.notifications.linkFor(target),
      newId: randomUUID,
      requestId: RequestContext.requestId,
      audit: args.audit,
      claim: key && { ...key, statusCode: 200, response: body },
    });
    if (!plan) return 'sequential';
    let written: number | undefined;
    try {
      written = await StepRepository.flush(db, plan);
    } catch (error) {
      if (!key || !isUniqueViolation(error)) throw error;
      // A concurrent request with the same key committed first (or still holds its claim).
      const stored = await idempotency.committed(key);
      if (stored) return { body: stored.body as T, replayed: true };
      throw new DomainError('conflict', 'A concurrent request with this Idempotency-Key is still in progress; try again', { retryable: true });
    }
    if (written === undefined) {
      // Another writer moved the instance first: perhaps this very request, sent twice at once.
      const stored = key && (await idempotency.committed(key));
      if (stored) return { body: stored.body as T, replayed: true };
      throw new DomainError('conflict', 'The pathway instance was changed by someone else; reload and try again');
    }
    return { body, replayed: false };
  }

  /** The checks of a user's event on what the step's read found, and the engine's step (pure). */
  private async stepOf(input: StepInput | 'case_not_found' | undefined, event: PathwayEvent, actor: Actor, expectedRevision: number | undefined, db: Db) {
    if (input === 'case_not_found') throw new DomainError('not_found', 'Case not found');
    if (!input) throw new DomainError('not_found', 'Pathway instance not found');
    const { instance: row, ctx, facts } = input;
    if (expectedRevision !== undefined && row.revision !== expectedRevision) {
      throw new DomainError('conflict', `The pathway instance is at revision ${row.revision}, not ${expectedRevision}`, {
        currentRevision: row.revision,
      });
    }
    if (row.status !== 'active') throw new DomainError('unprocessable', `The pathway instance is ${row.status}`);
    // A closed case's remaining pathway (closure: follow-ups, retention) still takes events.
    const pathway = await this.catalog.compiledVersion(row.pathwayKey, row.version, db);
    const check = checkEvent(pathway, row.snapshot, event, facts);
    if (!check.ok) {
      throw new DomainError('unprocessable', check.message, { reason: check.code, ...(check.guard ? { guard: check.guard } : {}) });
    }
    const roles = check.meta.roles ?? ['case_manager'];
    if (!actor.roles.some((r) => roles.includes(r))) {
      throw new DomainError('unprocessable', `Your role may not send ${event.type}: it needs ${roles.join(' or ')}`, {
        reason: 'role_not_allowed',
      });
    }
    const now = this.clock.now();
    const step = applyEvent(pathway, row.snapshot, event, { now, facts, ...this.calendarOf(ctx) });
    return { row, ctx, facts, pathway, step, now };
  }

  async sendEvent(
    tx: Db,
    caseId: string,
    instanceId: string,
    event: PathwayEvent,
    actor: Actor,
    expectedRevision?: number,
    visible?: SqlCondition,
  ): Promise<InstanceView> {
    // One round trip: the access check (`visible`, a condition on the case alias `c` with its
    // placeholders from $3), the instance, its case and participants, and the facts (StepRepository).
    const input = await StepRepository.load(tx, caseId, instanceId, visible);
    const { row, ctx, facts, pathway, step, now } = await this.stepOf(input, event, actor, expectedRevision, tx);
    const revision = await this.commitStep(tx, ctx, row, pathway, step, event, now, { actor });
    return this.view({ ...row, snapshot: step.snapshot, stateValue: step.value, status: step.status, revision }, pathway, facts);
  }

  /**
   * Delivers a fired timer. Ignored (marked stale) when the instance has moved on: the timer row is
   * no longer pending, or the machine no longer handles its event. Locks the instance row, so a
   * concurrent user event loses its compare-and-set and gets a clear 409.
   */
  async fireTimer(timerRowId: string): Promise<'fired' | 'stale' | 'skipped'> {
    let dueAt: Date | undefined;
    const outcome = await this.ds.transaction(async (tx): Promise<'fired' | 'stale' | 'skipped'> => {
      // The instance first, then its timer: the order an event or a migration locks them in.
      const row = await InstanceRepository.lockOwnerOf(tx, { timerId: timerRowId });
      const timer = await TimerRepository.lock(tx, timerRowId);
      if (!timer || timer.status !== 'pending') return 'skipped';
      if (!row || row.status !== 'active') {
        await TimerRepository.settle(tx, timer.id, 'stale');
        return 'stale';
      }
      const ctx = (await loadCaseContext(tx, row.caseId))!;
      const pathway = await this.catalog.compiledVersion(row.pathwayKey, row.version, tx);
      const facts = await loadFacts(tx, row.caseId, row.id, ctx.case.keyDates);
      const now = this.clock.now();
      const event = { type: timer.event };
      const step = applyEvent(pathway, row.snapshot, event, { now, facts, ...this.calendarOf(ctx) });
      await TimerRepository.settle(tx, timer.id, step.changed ? 'fired' : 'stale');
      if (!step.changed) return 'stale';
      await this.commitStep(tx, ctx, row, pathway, step, event, now, { system: 'timer' });
      dueAt = timer.fireAt;
      return 'fired';
    });
    if (outcome === 'fired' && dueAt) timerLateness.observe(secondsLate(this.clock.now(), new Date(dueAt)));
    return outcome;
  }

  /**
   * Re-evaluates an instance after something outside it changed (a task completed, a conference
   * recorded): `always` transitions whose guards now pass are taken. No-op when nothing changes.
   */
  async reevaluate(tx: Db, instanceId: string, cause: Cause): Promise<boolean> {
    const row = await InstanceRepository.get(tx, instanceId, { lock: true });
    if (!row || row.status !== 'active') return false;
    const ctx = (await loadCaseContext(tx, row.caseId))!;
    const pathway = await this.catalog.compiledVersion(row.pathwayKey, row.version, tx);
    const facts = await loadFacts(tx, row.caseId, row.id, ctx.case.keyDates);
    const now = this.clock.now();
    const event = { type: 'convene.reevaluate' };
    const step = applyEvent(pathway, row.snapshot, event, { now, facts, ...this.calendarOf(ctx) });
    if (!step.changed) return false;
    await this.commitStep(tx, ctx, row, pathway, step, event, now, cause);
    return true;
  }

  async views(db: Db, caseId: string, keyDates: Record<string, string | null>): Promise<InstanceView[]> {
    const rows = await InstanceRepository.forCase(db, caseId);
    const result: InstanceView[] = [];
    for (const row of rows) {
      const pathway = await this.catalog.compiledVersion(row.pathwayKey, row.version, db);
      const facts = row.status === 'active' ? await loadFacts(db, caseId, row.id, keyDates) : undefined;
      result.push(this.view(row, pathway, facts));
    }
    return result;
  }

  view(row: Instance, pathway: CompiledPathway, facts?: Awaited<ReturnType<typeof loadFacts>>): InstanceView {
    const available = row.status === 'active' && facts ? allowedEvents(pathway, row.snapshot, facts) : [];
    return {
      instanceId: row.id,
      key: row.pathwayKey,
      version: row.version,
      state: row.stateValue,
      status: row.status,
      revision: row.revision,
      allowedEvents: available.filter((e) => e.enabled),
      availableEvents: available,
    };
  }

  private async commitStep(
    tx: Db,
    ctx: CaseContext,
    row: Instance,
    pathway: CompiledPathway,
    step: StepResult,
    event: PathwayEvent,
    now: Date,
    cause: Cause,
  ): Promise<number> {
    const revision = await InstanceRepository.compareAndSet(tx, row.id, row.revision, {
      snapshot: step.snapshot,
      value: step.value,
      status: step.status,
    });
    if (revision === undefined) {
      throw new DomainError('conflict', 'The pathway instance was changed by someone else; reload and try again');
    }
    await this.logEvent(tx, ctx.case.id, row.id, event.type, event.data ?? null, row.stateValue, step.value, revision, cause);
    await this.applyEffects(tx, ctx, { ...row, revision }, pathway, step.effects, now, cause, 0);
    return revision;
  }

  private async applyEffects(
    tx: Db,
    ctx: CaseContext,
    row: Instance,
    pathway: CompiledPathway,
    effects: Effect[],
    now: Date,
    cause: Cause,
    depth: number,
  ): Promise<void> {
    const origin = (state: string) => ({ pathway: row.pathwayKey, version: row.version, state });
    for (const effect of effects) {
      switch (effect.type) {
        case 'task.cancel':
          await this.tasks.cancelForState(tx, row.id, effect.stateId, effect.taskKey);
          break;
        case 'task.open':
          await this.tasks.open(
            tx,
            ctx,
            {
              instanceId: row.id,
              stateId: effect.stateId,
              spec: effect.task,
              dueAt: effect.dueAt ? new Date(effect.dueAt) : null,
              origin: origin(effect.stateId),
            },
            now,
          );
          break;
        case 'timer.set': {
          const timerRowId = await TimerRepository.set(tx, {
            instanceId: row.id,
            timerId: effect.timerId,
            event: effect.event,
            fireAt: effect.fireAt,
            revision: row.revision,
          });
          await enqueue(tx, [
            {
              kind: 'add',
              job: 'timer.fire',
              jobId: timerJobId(timerRowId),
              payload: { instanceId: row.id, timerRowId, timerId: effect.timerId, event: effect.event, revision: row.revision },
              runAt: new Date(effect.fireAt),
            },
          ]);
          break;
        }
        case 'timer.cancel': {
          const cancelled = await TimerRepository.cancelPending(tx, row.id, effect.timerId);
          await enqueue(
            tx,
            cancelled.map((id) => ({ kind: 'remove' as const, queue: QUEUE.timers, jobId: timerJobId(id) })),
          );
          break;
        }
        case 'notify': {
          // `title` is a free-form action param: any JSON value, as String() prints it.
          const title: unknown = effect.params?.title ?? pathway.definition.title;
          for (const agency of agenciesWithRole(ctx, effect.role)) {
            await this.notifications.create(tx, {
              caseId: ctx.case.id,
              agencyId: agency.agencyId,
              kind: effect.kind,
              title: String(title),
              rule: { source: 'pathway', pathway: row.pathwayKey, version: row.version, kind: effect.kind, revision: row.revision },
              dedupeKey: `notify:${row.id}:${row.revision}:${effect.kind}:${agency.agencyId}`,
            });
          }
          break;
        }
        case 'pathway.start': {
          if (depth >= MAX_CHAINED_STARTS) throw new DomainError('unprocessable', 'Too many chained pathway starts');
          if (!(await InstanceRepository.isRunning(tx, ctx.case.id, effect.key))) await this.startIn(tx, ctx, effect.key, { system: 'pathway' }, row.id, depth + 1);
          break;
        }
        case 'case.close':
          await this.closeCase(tx, ctx, row.id, cause);
          break;
        case 'case.lawfulBasis':
          // The case's one record of its basis (docs/governance.md): guards read it from the facts.
          await recordLawfulBasis(tx, { caseId: ctx.case.id, basis: effect.basis, note: effect.note ?? null, source: 'pathway', instanceId: row.id, actor: 'actor' in cause ? cause.actor : null });
          break;
        case 'case.erase':
          await this.erasure.eraseIn(tx, ctx.case.id, { actor: 'actor' in cause ? cause.actor : null, instanceId: row.id });
          break;
        case 'instance.done':
          break;
      }
    }
  }

  private async closeCase(tx: Db, ctx: CaseContext, closingInstanceId: string, cause: Cause): Promise<void> {
    const others = await InstanceRepository.cancelActiveOfCaseExcept(tx, ctx.case.id, closingInstanceId);
    for (const other of others) {
      await this.tasks.cancelForInstance(tx, other);
      const timers = await TimerRepository.cancelPending(tx, other);
      await enqueue(tx, timers.map((id) => ({ kind: 'remove' as const, queue: QUEUE.timers, jobId: timerJobId(id) })));
      await this.logEvent(tx, ctx.case.id, other, 'pathway.cancelled', null, null, null, null, cause);
    }
    await CaseRepository.close(tx, ctx.case.id);
    ctx.case.status = 'closed';
    await this.logEvent(tx, ctx.case.id, null, 'case.closed', null, null, null, null, cause);
  }

  private async logEvent(
    tx: Db,
    caseId: string,
    instanceId: string | null,
    type: string,
    data: unknown,
    from: unknown,
    to: unknown,
    revision: number | null,
    cause: Cause,
  ): Promise<void> {
    const actor = 'actor' in cause ? cause.actor : undefined;
    await CaseEventRepository.append(tx, {
      caseId,
      instanceId,
      type,
      data: data === null ? { system: 'system' in cause ? cause.system : undefined } : data,
      actorUserId: actor?.userId ?? null,
      actorAgencyId: actor?.agencyId ?? null,
      fromState: from,
      toState: to,
      revision,
    });
  }
}
