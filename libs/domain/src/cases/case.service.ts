import { Injectable } from '@nestjs/common';
import { Clock, DomainError } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PathwayEvent } from '#engine';
import type { Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { AuditService, auditRow, type AuditEntry } from '../audit/audit.service.js';
import { IdempotencyService, type OnceCall, type RunOnce } from '../idempotency/idempotency.service.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { InstanceService, type InstanceView } from '../instances/instance.service.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { TOTAL_CAP } from '../tasks/task.service.js';
import { loadCaseContext } from './case-context.js';
import { CaseEventRepository } from './case-event.repository.js';
import { CaseParticipantRepository } from './case-participant.repository.js';
import { CaseRepository, type CaseListFilters, type KeyDates } from './case.repository.js';
import { CaseViewRepository } from './case-view.repository.js';
import { KeyDateMoves } from './key-date-moves.js';
import { LawfulBasisRepository, type LawfulBasis, type LawfulBasisEntry } from '../governance/lawful-basis.repository.js';
import { recordLawfulBasis } from '../governance/lawful-basis.js';

export interface CreateCaseInput {
  subject: { name: string; dateOfBirth?: string };
  leadAgencyId: string;
  participants: Array<{ agencyId: string; role: string }>;
  keyDates?: Record<string, string | null>;
  lawfulBasis?: LawfulBasis | { basis: LawfulBasis; note?: string };
}

/** What `PATCH /api/cases/:id` may change. */
export interface UpdateCaseInput {
  keyDates?: KeyDates;
  lawfulBasis?: { basis: LawfulBasis; note?: string };
}

/** An erased case reads as this and nothing else (CONTRACT §3, `eraseCaseData`). */
export interface ErasedCaseView {
  id: string;
  reference: string;
  status: 'erased';
  erasedAt: Date;
}

export type CaseFilters = CaseListFilters;

/** What starting a pathway answers. */
export interface StartedPathway {
  instanceId: string;
  key: string;
  version: number;
  state: unknown;
  status: string;
  revision: number;
}

/** What sending an event answers: the instance after it, with the events allowed now. */
export type EventOutcome = Pick<InstanceView, 'instanceId' | 'state' | 'status' | 'allowedEvents' | 'availableEvents' | 'revision'>;

const COORDINATOR = 'coordinator';

/**
 * Cases: creation with a readable reference, listing with filters, detail, participants, key dates,
 * and the pathways on a case (start one, send one an event). Each public method is one use case:
 * it opens its unit of work (or runs in the one `RunOnce` opens), checks access, audits, and
 * returns the view.
 */
@Injectable()
export class CaseService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly instances: InstanceService,
    private readonly reminders: ReminderWriter,
    private readonly keyDateMoves: KeyDateMoves,
    private readonly clock: Clock,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Opens a case (case managers), once per Idempotency-Key. */
  create(actor: Actor, input: CreateCaseInput, once: RunOnce) {
    return once((tx) => this.createIn(tx, actor, input));
  }

  private async createIn(tx: Db, actor: Actor, input: CreateCaseInput) {
    this.access.assertCaseManager(actor);
    const participants = dedupe([
      ...input.participants,
      ...(input.participants.some((p) => p.agencyId === input.leadAgencyId)
        ? []
        : [{ agencyId: input.leadAgencyId, role: COORDINATOR }]),
    ]);
    const agencyIds = [...new Set(participants.map((p) => p.agencyId))];
    // An inactive agency (docs/identity.md) joins no new case.
    const known = await CaseParticipantRepository.agencies(tx, agencyIds);
    const missing = agencyIds.filter((id) => !known.some((k) => k.id === id && k.active));
    if (missing.length > 0) {
      throw new DomainError('unprocessable', known.some((k) => !k.active) ? 'The agency is inactive' : 'Unknown agency', {
        errors: missing.map((id) => ({
          path: id === input.leadAgencyId ? '$.leadAgencyId' : `$.participants[${input.participants.findIndex((p) => p.agencyId === id)}].agencyId`,
          message: known.some((k) => k.id === id) ? 'inactive agency' : 'no such agency',
        })),
      });
    }
    const basis = typeof input.lawfulBasis === 'string' ? { basis: input.lawfulBasis } : input.lawfulBasis;
    const year = this.clock.now().getUTCFullYear();
    const last = await CaseRepository.nextReferenceNumber(tx, year);
    const reference = `CNV-${year}-${String(last).padStart(4, '0')}`;
    const row = await CaseRepository.insert(tx, {
      reference,
      subject: input.subject,
      leadAgencyId: input.leadAgencyId,
      keyDates: input.keyDates ?? {},
      lawfulBasis: basis?.basis ?? null,
      createdBy: actor.userId,
    });
    await CaseParticipantRepository.insertMany(tx, row.id, participants, actor.userId);
    if (basis) {
      await LawfulBasisRepository.append(tx, { caseId: row.id, basis: basis.basis, note: basis.note ?? null, source: 'create', userId: actor.userId, agencyId: actor.agencyId });
    }
    await CaseEventRepository.append(tx, { caseId: row.id, type: 'case.created', actorUserId: actor.userId, actorAgencyId: actor.agencyId, data: { reference } });
    await this.audit.record(tx, actor, { action: 'case.create', caseId: row.id, resource: 'case', resourceId: row.id });
    const detail = await this.detail(tx, actor, row.id, { audit: false });
    return { ...detail, possibleRepeatOf: await this.earlierReferrals(tx, actor, row.id, input.subject) };
  }

  /**
   * Cases of the same person (same name, and the same date of birth when both are known) opened in
   * the last 12 months and visible to the caller: practice counts a referral within 12 months as a
   * repeat, not a new case. The case manager decides (the referral pathway's MARK_REPEAT).
   */
  private async earlierReferrals(tx: Db, actor: Actor, caseId: string, subject: CreateCaseInput['subject']) {
    return CaseRepository.earlierReferrals(tx, caseId, subject, this.access.caseFilter(actor, 'c', 4));
  }

  /**
   * A page of the cases the caller may see, the total counted up to TOTAL_CAP (`totalCapped: true`
   * beyond); its audit record (`case.list`, naming every case shown) is written by the page's own statement.
   */
  async list(actor: Actor, f: CaseFilters, opts: { requestId?: string } = {}) {
    const { items, matched } = await CaseRepository.list(
      this.ds.manager,
      this.access.caseFilter(actor, 'c', 1),
      (first) => this.access.taskFilter(actor, 't', first),
      f,
      actor.agencyId,
      TOTAL_CAP,
      this.audit.listRead(actor, 'case.list', 'case', opts.requestId),
    );
    const total = Math.min(matched, TOTAL_CAP);
    return { items, total, totalCapped: matched > TOTAL_CAP, limit: f.limit, offset: f.offset };
  }

  /**
   * The case detail, in one transaction with its audit record (`case.read`); an erased case reads
   * as `{id, reference, status: "erased", erasedAt}` and nothing else.
   */
  show(actor: Actor, caseId: string, opts: { requestId?: string } = {}) {
    return this.ds.transaction(async (tx) => {
      const erased = await this.erasedView(tx, actor, caseId, { requestId: opts.requestId });
      return erased ?? this.detail(tx, actor, caseId, { requestId: opts.requestId });
    });
  }

  /** The erased stub (audited as a `case.read`) when the case was erased, else undefined. 404 unless visible. */
  async erasedView(db: Db, actor: Actor, caseId: string, opts: { audit?: boolean; requestId?: string } = {}): Promise<ErasedCaseView | undefined> {
    await this.access.assertCase(db, actor, caseId);
    const c = await CaseRepository.get(db, caseId);
    if (!c || c.status !== 'erased') return undefined;
    if (opts.audit !== false) {
      await this.audit.record(db, actor, { action: 'case.read', caseId, resource: 'case', resourceId: caseId, requestId: opts.requestId, detail: { erased: true } });
    }
    return { id: c.id, reference: c.reference, status: 'erased', erasedAt: c.erasedAt ?? c.updatedAt };
  }

  /** The case detail in the caller's unit of work; audited as `case.read` unless `audit: false`. */
  async detail(db: Db, actor: Actor, caseId: string, opts: { audit?: boolean; requestId?: string } = {}) {
    await this.access.assertCase(db, actor, caseId);
    const c = (await CaseRepository.get(db, caseId))!;
    const participants = await CaseParticipantRepository.forCase(db, caseId);
    const pathways = await this.instances.views(db, caseId, c.keyDates);
    const tasks = await CaseViewRepository.tasks(db, caseId, this.access.taskFilter(actor, 't', 2));
    const conferences = await CaseViewRepository.conferences(db, caseId);
    const lawfulBasisHistory = await LawfulBasisRepository.history(db, caseId);
    if (opts.audit !== false) {
      await this.audit.record(db, actor, { action: 'case.read', caseId, resource: 'case', resourceId: caseId, requestId: opts.requestId });
    }
    return {
      id: c.id,
      reference: c.reference,
      status: c.status,
      subject: c.subject,
      leadAgencyId: c.leadAgencyId,
      participants,
      keyDates: c.keyDates,
      lawfulBasis: currentBasis(lawfulBasisHistory, c.lawfulBasis),
      lawfulBasisHistory,
      notificationsWithheld: withheld(lawfulBasisHistory, c.lawfulBasis),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      closedAt: c.closedAt,
      pathways,
      tasks,
      conferences,
    };
  }

  /** Sets or clears key dates (case managers) and answers the case detail, in one transaction. */
  changeKeyDates(actor: Actor, caseId: string, keyDates: KeyDates) {
    return this.update(actor, caseId, { keyDates });
  }

  /**
   * `PATCH /api/cases/:id` (case managers): key dates and/or the lawful basis, in one transaction,
   * answering the case detail. Every basis recorded is kept with who and when (`lawfulBasisHistory`).
   */
  update(actor: Actor, caseId: string, input: UpdateCaseInput) {
    return this.ds.transaction(async (tx) => {
      this.access.assertCaseManager(actor);
      await this.access.assertCase(tx, actor, caseId);
      const c = await CaseRepository.get(tx, caseId);
      if (c?.status === 'erased') throw new DomainError('conflict', 'The case was erased');
      if (input.lawfulBasis) {
        // Lock order (docs/architecture.md): the case's active instances first, then the case.
        const active = await InstanceRepository.lockActiveOfCase(tx, caseId);
        await recordLawfulBasis(tx, { caseId, basis: input.lawfulBasis.basis, note: input.lawfulBasis.note ?? null, source: 'api', actor });
        await this.audit.record(tx, actor, { action: 'case.lawful_basis', caseId, resource: 'case', resourceId: caseId, detail: { basis: input.lawfulBasis.basis } });
        // Guards may read the basis (`lawfulBasisIs`): pathways waiting on one move on now.
        if (!input.keyDates) for (const instanceId of active) await this.instances.reevaluate(tx, instanceId, { actor });
      }
      if (input.keyDates) await this.updateKeyDates(tx, actor, caseId, input.keyDates);
      // Lifting a legal hold may let a waiting closure pathway erase the case in this very transaction.
      return (await this.erasedView(tx, actor, caseId, { audit: false })) ?? this.detail(tx, actor, caseId, { audit: false });
    });
  }

  /**
   * Sets or clears key dates. Everything counted from a date that changed moves with it in this
   * transaction (open tasks' due dates and their pending reminders: `KeyDateMoves`), and guards
   * that read key dates are evaluated again.
   */
  private async updateKeyDates(tx: Db, actor: Actor, caseId: string, keyDates: KeyDates) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    // Lock order (docs/architecture.md): the case's active instances first, then the case and the tasks hanging off them.
    const active = await InstanceRepository.lockActiveOfCase(tx, caseId);
    const before = await CaseRepository.lockKeyDates(tx, caseId);
    const after = await CaseRepository.mergeKeyDates(tx, caseId, keyDates);
    const changed = Object.keys(keyDates).filter((k) => (before?.[k] ?? null) !== (after?.[k] ?? null));
    const moved = await this.keyDateMoves.follow(tx, caseId, changed, this.clock.now());
    await CaseEventRepository.append(tx, {
      caseId,
      type: 'case.key_dates_changed',
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      data: { keyDates: Object.keys(keyDates), tasksMoved: moved.map((m) => ({ taskId: m.taskId, keyDate: m.keyDate, from: m.from, to: m.to })) },
    });
    await this.audit.record(tx, actor, { action: 'case.update', caseId, resource: 'case', resourceId: caseId, detail: { keyDates: Object.keys(keyDates), tasksMoved: moved.length } });
    for (const instanceId of active) await this.instances.reevaluate(tx, instanceId, { actor });
  }

  /**
   * Adds an agency in a role (case managers), once per Idempotency-Key. Open tasks waiting for that
   * role without an agency are assigned to it, with their reminders.
   */
  addParticipant(actor: Actor, caseId: string, input: { agencyId: string; role: string }, once: RunOnce) {
    return once(
      (tx) => this.addParticipantIn(tx, actor, caseId, input),
      () => this.access.assertCase(this.ds.manager, actor, caseId),
    );
  }

  private async addParticipantIn(tx: Db, actor: Actor, caseId: string, input: { agencyId: string; role: string }) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    const [agency] = await CaseParticipantRepository.agencies(tx, [input.agencyId]);
    if (!agency) throw new DomainError('unprocessable', 'Unknown agency', { errors: [{ path: '$.agencyId', message: 'no such agency' }] });
    if (!agency.active) throw new DomainError('unprocessable', 'The agency is inactive', { errors: [{ path: '$.agencyId', message: 'inactive agency' }] });
    const inserted = await CaseParticipantRepository.insert(tx, caseId, input, actor.userId);
    if (!inserted) throw new DomainError('conflict', 'The agency already takes part in this role');
    const ctx = (await loadCaseContext(tx, caseId))!;
    const waiting = await TaskRepository.assignWaitingForRole(tx, caseId, input.role, input.agencyId);
    for (const t of waiting) {
      await this.reminders.scheduleForTask(
        tx,
        ctx,
        { id: t.id, agencyId: input.agencyId, dueAt: t.dueAt ? new Date(t.dueAt) : null, spec: t.spec },
        { pathway: t.pathwayKey, version: t.version, state: t.stateId },
        this.clock.now(),
      );
    }
    await CaseEventRepository.append(tx, { caseId, type: 'participant.added', actorUserId: actor.userId, actorAgencyId: actor.agencyId, data: input });
    await this.audit.record(tx, actor, { action: 'participant.add', caseId, resource: 'agency', resourceId: input.agencyId, detail: { role: input.role } });
    return { caseId, agencyId: input.agencyId, role: input.role, assignedTasks: waiting.length };
  }

  /**
   * Removes an agency from the case (case managers): it loses access at once. Its open tasks go to
   * another agency in the same role when there is one, otherwise they are cancelled; its pending
   * reminders are cancelled.
   */
  removeParticipant(actor: Actor, caseId: string, agencyId: string) {
    return this.ds.transaction((tx) => this.removeParticipantIn(tx, actor, caseId, agencyId));
  }

  private async removeParticipantIn(tx: Db, actor: Actor, caseId: string, agencyId: string) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    const lead = await CaseRepository.leadAgencyOf(tx, caseId);
    if (lead === agencyId) throw new DomainError('unprocessable', 'The lead agency cannot be removed');
    const removed = await CaseParticipantRepository.remove(tx, caseId, agencyId);
    if (removed.length === 0) throw new DomainError('not_found', 'The agency does not take part in this case');
    const open = await CaseViewRepository.openTasksOfAgency(tx, caseId, agencyId);
    const ctx = (await loadCaseContext(tx, caseId))!;
    await this.reminders.cancelForTasks(tx, open.map((t) => t.id));
    let reassigned = 0;
    let cancelled = 0;
    for (const task of open) {
      // Another agency in the role takes the task over, unless it already holds its own copy of it.
      const other = await CaseParticipantRepository.firstInRoleWithoutCopy(tx, caseId, task.assigneeRole, task);
      if (other) {
        await TaskRepository.handOver(tx, task.id, other);
        if (task.spec && task.pathwayKey && task.stateId) {
          await this.reminders.scheduleForTask(
            tx,
            ctx,
            { id: task.id, agencyId: other, dueAt: task.dueAt ? new Date(task.dueAt) : null, spec: task.spec },
            { pathway: task.pathwayKey, version: task.version!, state: task.stateId },
            this.clock.now(),
          );
        }
        reassigned++;
      } else {
        await TaskRepository.cancel(tx, task.id);
        cancelled++;
      }
    }
    await CaseEventRepository.append(tx, {
      caseId,
      type: 'participant.removed',
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      data: { agencyId, roles: removed, reassigned, cancelled },
    });
    await this.audit.record(tx, actor, { action: 'participant.remove', caseId, resource: 'agency', resourceId: agencyId });
    return { reassigned, cancelled };
  }

  /** Starts the published version of a pathway on the case (case managers), once per Idempotency-Key. */
  startPathway(actor: Actor, caseId: string, key: string, once: RunOnce): Promise<StartedPathway> {
    this.access.assertCaseManager(actor);
    return once(async (tx) => {
      await this.access.assertCase(tx, actor, caseId);
      const row = await this.instances.start(tx, caseId, key, { actor });
      await this.audit.record(tx, actor, { action: 'pathway.start', caseId, resource: 'instance', resourceId: row.id, detail: { key } });
      return { instanceId: row.id, key: row.pathwayKey, version: row.version, state: row.stateValue, status: row.status, revision: row.revision };
    }, () => this.access.assertCase(this.ds.manager, actor, caseId));
  }

  /**
   * Sends an event to a pathway instance of the case, once per Idempotency-Key; `expectedRevision`
   * (If-Match) must still be current. Who may send it comes from the transition's roles.
   */
  async sendEvent(actor: Actor, caseId: string, instanceId: string, event: PathwayEvent, expectedRevision: number | undefined, call: OnceCall): Promise<EventOutcome> {
    // The access check rides in the step's one read statement (StepRepository.read).
    if (!isUuid(caseId)) throw new DomainError('not_found', 'Case not found');
    const visible = this.access.caseFilter(actor, 'c', 3);
    const audit: AuditEntry = { action: 'pathway.event', caseId, resource: 'instance', resourceId: instanceId, detail: { type: event.type } };
    // Two round trips, no transaction (docs/performance.md): one read, one write of the whole step.
    const direct = await this.instances.sendEventInOneWrite(this.ds.manager, {
      caseId,
      instanceId,
      event,
      actor,
      expectedRevision,
      visible,
      key: call.key,
      idempotency: this.idempotency,
      audit: [auditRow(actor, audit)],
      respond: outcomeOf,
    });
    if (direct !== 'sequential') {
      if (direct.replayed) call.markReplayed();
      return direct.body;
    }
    // Effects that start pathways, close or erase the case or record its basis: one statement at a time, in one transaction.
    return call.once(async (tx) => {
      const view = await this.instances.sendEvent(tx, caseId, instanceId, event, actor, expectedRevision, visible);
      await this.audit.record(tx, actor, audit);
      return outcomeOf(view);
      // A replay is checked too: an agency removed from the case must not read a stored response.
    }, () => this.access.assertCase(this.ds.manager, actor, caseId));
  }
}

function outcomeOf(view: InstanceView): EventOutcome {
  return {
    instanceId: view.instanceId,
    state: view.state,
    status: view.status,
    allowedEvents: view.allowedEvents,
    availableEvents: view.availableEvents,
    revision: view.revision,
  };
}

/** The current basis with who recorded it and when (the newest history entry when it agrees with the case row). */
function currentBasis(history: LawfulBasisEntry[], basis: string | null) {
  if (basis === null) return null;
  const latest = history[0];
  return latest && latest.basis === basis
    ? { basis, note: latest.note, recordedAt: latest.recordedAt, recordedBy: latest.recordedBy, source: latest.source }
    : { basis, note: null, recordedAt: null, recordedBy: null, source: null };
}

/** Why notifications are held back, while no lawful basis holds (`none`): only the lead agency is told. */
function withheld(history: LawfulBasisEntry[], basis: string | null) {
  if (basis !== 'none') return null;
  const since = history[0]?.basis === 'none' ? history[0].recordedAt : null;
  return {
    since,
    reason: 'No lawful basis for sharing holds any more (consent withdrawn): no notification about this case goes to any agency but the lead until a basis is recorded again.',
  };
}

function dedupe(list: Array<{ agencyId: string; role: string }>) {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.agencyId}/${p.role}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
