import { Injectable } from '@nestjs/common';
import { Clock } from '../../../core/src/clock/clock.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { many, one, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { InstanceService } from '../instances/instance.service.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { loadCaseContext } from './case-context.js';
import { KeyDateMoves } from './key-date-moves.js';
import type { TaskSpec } from '../../../engine/src/index.js';

export interface CreateCaseInput {
  subject: { name: string; dateOfBirth?: string };
  leadAgencyId: string;
  participants: Array<{ agencyId: string; role: string }>;
  keyDates?: Record<string, string | null>;
  lawfulBasis?: string;
}

export interface CaseFilters {
  status?: 'open' | 'closed';
  pathway?: string;
  state?: string;
  agencyId?: string;
  overdue?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

const COORDINATOR = 'coordinator';

/** Cases: creation with a readable reference, listing with filters, detail, participants, key dates. */
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
  ) {}

  async create(tx: Db, actor: Actor, input: CreateCaseInput) {
    this.access.assertCaseManager(actor);
    const participants = dedupe([
      ...input.participants,
      ...(input.participants.some((p) => p.agencyId === input.leadAgencyId)
        ? []
        : [{ agencyId: input.leadAgencyId, role: COORDINATOR }]),
    ]);
    const agencyIds = [...new Set(participants.map((p) => p.agencyId))];
    // An inactive agency (docs/identity.md) joins no new case.
    const known = await many<{ id: string; active: boolean }>(tx, 'SELECT id, active FROM agencies WHERE id = ANY($1::uuid[])', [agencyIds]);
    const missing = agencyIds.filter((id) => !known.some((k) => k.id === id && k.active));
    if (missing.length > 0) {
      throw new DomainError('unprocessable', known.some((k) => !k.active) ? 'The agency is inactive' : 'Unknown agency', {
        errors: missing.map((id) => ({
          path: id === input.leadAgencyId ? '$.leadAgencyId' : `$.participants[${input.participants.findIndex((p) => p.agencyId === id)}].agencyId`,
          message: known.some((k) => k.id === id) ? 'inactive agency' : 'no such agency',
        })),
      });
    }
    const year = this.clock.now().getUTCFullYear();
    const counter = await one<{ last: number }>(
      tx,
      `INSERT INTO case_reference_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = case_reference_counters.last + 1 RETURNING last`,
      [year],
    );
    const reference = `CNV-${year}-${String(counter!.last).padStart(4, '0')}`;
    const row = await one<{ id: string; created_at: Date }>(
      tx,
      `INSERT INTO cases (reference, subject, lead_agency_id, key_dates, lawful_basis, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
      [reference, JSON.stringify(input.subject), input.leadAgencyId, JSON.stringify(input.keyDates ?? {}), input.lawfulBasis ?? null, actor.userId],
    );
    await tx.query(
      `INSERT INTO case_participants (case_id, agency_id, role, added_by)
       SELECT $1, a, r, $4 FROM unnest($2::uuid[], $3::text[]) AS t(a, r)`,
      [row!.id, participants.map((p) => p.agencyId), participants.map((p) => p.role), actor.userId],
    );
    await tx.query(
      `INSERT INTO case_events (case_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, 'case.created', $2, $3, $4)`,
      [row!.id, actor.userId, actor.agencyId, JSON.stringify({ reference })],
    );
    await this.audit.record(tx, actor, { action: 'case.create', caseId: row!.id, resource: 'case', resourceId: row!.id });
    const detail = await this.detail(tx, actor, row!.id, { audit: false });
    return { ...detail, possibleRepeatOf: await this.earlierReferrals(tx, actor, row!.id, input.subject) };
  }

  /**
   * Cases of the same person (same name, and the same date of birth when both are known) opened in
   * the last 12 months and visible to the caller: practice counts a referral within 12 months as a
   * repeat, not a new case. The case manager decides (the referral pathway's MARK_REPEAT).
   */
  private async earlierReferrals(tx: Db, actor: Actor, caseId: string, subject: CreateCaseInput['subject']) {
    const filter = this.access.caseFilter(actor, 'c', 4);
    return many<{ id: string; reference: string; status: string; createdAt: Date }>(
      tx,
      `SELECT c.id, c.reference, c.status, c.created_at AS "createdAt" FROM cases c
        WHERE c.id <> $1 AND lower(c.subject->>'name') = lower($2)
          AND ($3::text IS NULL OR c.subject->>'dateOfBirth' IS NULL OR c.subject->>'dateOfBirth' = $3)
          AND c.created_at > now() - interval '12 months' AND ${filter.sql}
        ORDER BY c.created_at DESC LIMIT 5`,
      [caseId, subject.name, subject.dateOfBirth ?? null, ...filter.params],
    );
  }

  async list(actor: Actor, f: CaseFilters) {
    const filter = this.access.caseFilter(actor, 'c', 1);
    const params: unknown[] = [...filter.params];
    const where = [filter.sql];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status) add((n) => `c.status = ${n}`, f.status);
    if (f.pathway) add((n) => `EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.pathway_key = ${n} AND i.status = 'active')`, f.pathway);
    if (f.state) {
      add(
        (n) => `EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.status = 'active'
                 AND (i.state_value #>> '{}' = ${n} OR i.state_value::text LIKE '%"' || ${n} || '"%'))`,
        f.state,
      );
    }
    if (f.agencyId) add((n) => `EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.agency_id = ${n})`, f.agencyId);
    if (f.overdue) where.push(`EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now())`);
    if (f.q) add((n) => `c.reference ILIKE '%' || ${n} || '%'`, f.q);
    const clause = where.join(' AND ');
    const taskFilter = this.access.taskFilter(actor, 't', params.length + 1);
    const rows = await many<Record<string, unknown>>(
      this.ds.manager,
      `SELECT c.id, c.reference, c.status, c.subject, c.lead_agency_id AS "leadAgencyId", c.key_dates AS "keyDates",
              c.created_at AS "createdAt", c.updated_at AS "updatedAt",
              coalesce((SELECT json_agg(json_build_object('instanceId', i.id, 'key', i.pathway_key, 'version', i.version,
                        'state', i.state_value, 'status', i.status) ORDER BY i.created_at)
                 FROM pathway_instances i WHERE i.case_id = c.id), '[]') AS pathways,
              (SELECT count(*)::int FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND ${taskFilter.sql}) AS "openTasks",
              (SELECT count(*)::int FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now() AND ${taskFilter.sql}) AS "overdueTasks"
         FROM cases c WHERE ${clause}
        ORDER BY c.created_at DESC, c.id LIMIT ${f.limit} OFFSET ${f.offset}`,
      [...params, ...taskFilter.params],
    );
    const total = await one<{ total: number }>(this.ds.manager, `SELECT count(*)::int AS total FROM cases c WHERE ${clause}`, params);
    return { items: rows, total: total!.total, limit: f.limit, offset: f.offset };
  }

  async detail(db: Db, actor: Actor, caseId: string, opts: { audit?: boolean; requestId?: string } = {}) {
    await this.access.assertCase(db, actor, caseId);
    const c = await one<{
      id: string;
      reference: string;
      status: string;
      subject: unknown;
      lead_agency_id: string;
      key_dates: Record<string, string | null>;
      lawful_basis: string | null;
      created_at: Date;
      updated_at: Date;
      closed_at: Date | null;
    }>(db, `SELECT * FROM cases WHERE id = $1`, [caseId]);
    const participants = await many(
      db,
      `SELECT p.agency_id AS "agencyId", a.name AS "agencyName", a.kind AS "agencyKind", p.role, p.added_at AS "addedAt"
         FROM case_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.case_id = $1 ORDER BY p.added_at, a.name`,
      [caseId],
    );
    const pathways = await this.instances.views(db, caseId, c!.key_dates);
    const taskFilter = this.access.taskFilter(actor, 't', 2);
    const tasks = await many(
      db,
      `SELECT t.id, t.title, t.task_key AS "taskKey", t.state_id AS "stateId", t.instance_id AS "instanceId",
              t.assignee_role AS "assigneeRole", t.assignee_agency_id AS "assigneeAgencyId", t.due_at AS "dueAt",
              t.status, (t.status = 'open' AND t.due_at < now()) AS overdue, t.completed_at AS "completedAt"
         FROM tasks t WHERE t.case_id = $1 AND t.status <> 'cancelled' AND ${taskFilter.sql}
        ORDER BY t.status = 'open' DESC, t.due_at NULLS LAST, t.created_at`,
      [caseId, ...taskFilter.params],
    );
    const conferences = await many(
      db,
      `SELECT id, scheduled_at AS "scheduledAt", duration_minutes AS "durationMinutes", location, status
         FROM conferences WHERE case_id = $1 ORDER BY scheduled_at DESC`,
      [caseId],
    );
    if (opts.audit !== false) {
      await this.audit.record(db, actor, { action: 'case.read', caseId, resource: 'case', resourceId: caseId, requestId: opts.requestId });
    }
    return {
      id: c!.id,
      reference: c!.reference,
      status: c!.status,
      subject: c!.subject,
      leadAgencyId: c!.lead_agency_id,
      participants,
      keyDates: c!.key_dates,
      lawfulBasis: c!.lawful_basis,
      createdAt: c!.created_at,
      updatedAt: c!.updated_at,
      closedAt: c!.closed_at,
      pathways,
      tasks,
      conferences,
    };
  }

  /**
   * Sets or clears key dates. Everything counted from a date that changed moves with it in this
   * transaction (open tasks' due dates and their pending reminders: `KeyDateMoves`), and guards
   * that read key dates are evaluated again.
   */
  async updateKeyDates(tx: Db, actor: Actor, caseId: string, keyDates: Record<string, string | null>) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    // Lock order (docs/architecture.md): the case's active instances first, then the case and the tasks hanging off them.
    const active = await many<{ id: string }>(tx, `SELECT id FROM pathway_instances WHERE case_id = $1 AND status = 'active' ORDER BY id FOR NO KEY UPDATE`, [caseId]);
    const [before] = await many<{ key_dates: Record<string, string | null> }>(tx, `SELECT key_dates FROM cases WHERE id = $1 FOR NO KEY UPDATE`, [caseId]);
    const [after] = await many<{ key_dates: Record<string, string | null> }>(
      tx,
      `UPDATE cases SET key_dates = (
          SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(key_dates || $2::jsonb) AS e(k, v) WHERE v <> 'null'::jsonb),
        updated_at = now() WHERE id = $1 RETURNING key_dates`,
      [caseId, JSON.stringify(keyDates)],
    );
    const changed = Object.keys(keyDates).filter((k) => (before?.key_dates[k] ?? null) !== (after?.key_dates[k] ?? null));
    const moved = await this.keyDateMoves.follow(tx, caseId, changed, this.clock.now());
    await tx.query(
      `INSERT INTO case_events (case_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, 'case.key_dates_changed', $2, $3, $4)`,
      [caseId, actor.userId, actor.agencyId, JSON.stringify({ keyDates: Object.keys(keyDates), tasksMoved: moved.map((m) => ({ taskId: m.taskId, keyDate: m.keyDate, from: m.from, to: m.to })) })],
    );
    await this.audit.record(tx, actor, { action: 'case.update', caseId, resource: 'case', resourceId: caseId, detail: { keyDates: Object.keys(keyDates), tasksMoved: moved.length } });
    for (const instance of active) await this.instances.reevaluate(tx, instance.id, { actor });
  }

  /**
   * Adds an agency in a role. Open tasks waiting for that role without an agency are assigned to
   * it, with their reminders.
   */
  async addParticipant(tx: Db, actor: Actor, caseId: string, input: { agencyId: string; role: string }) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    const agency = await one<{ active: boolean }>(tx, 'SELECT active FROM agencies WHERE id = $1', [input.agencyId]);
    if (!agency) throw new DomainError('unprocessable', 'Unknown agency', { errors: [{ path: '$.agencyId', message: 'no such agency' }] });
    if (!agency.active) throw new DomainError('unprocessable', 'The agency is inactive', { errors: [{ path: '$.agencyId', message: 'inactive agency' }] });
    const inserted = await many(
      tx,
      `INSERT INTO case_participants (case_id, agency_id, role, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [caseId, input.agencyId, input.role, actor.userId],
    );
    if (inserted.length === 0) throw new DomainError('conflict', 'The agency already takes part in this role');
    const ctx = (await loadCaseContext(tx, caseId))!;
    const waiting = await many<{ id: string; due_at: Date | null; spec: TaskSpec; pathway_key: string; version: number; state_id: string }>(
      tx,
      `UPDATE tasks t SET assignee_agency_id = $3, updated_at = now()
         FROM pathway_instances i
        WHERE t.case_id = $1 AND t.assignee_role = $2 AND t.assignee_agency_id IS NULL AND t.status = 'open' AND i.id = t.instance_id
        RETURNING t.id, t.due_at, t.spec, i.pathway_key, i.version, t.state_id`,
      [caseId, input.role, input.agencyId],
    );
    for (const t of waiting) {
      await this.reminders.scheduleForTask(
        tx,
        ctx,
        { id: t.id, agencyId: input.agencyId, dueAt: t.due_at ? new Date(t.due_at) : null, spec: t.spec },
        { pathway: t.pathway_key, version: t.version, state: t.state_id },
        this.clock.now(),
      );
    }
    await tx.query(
      `INSERT INTO case_events (case_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, 'participant.added', $2, $3, $4)`,
      [caseId, actor.userId, actor.agencyId, JSON.stringify(input)],
    );
    await this.audit.record(tx, actor, { action: 'participant.add', caseId, resource: 'agency', resourceId: input.agencyId, detail: { role: input.role } });
    return { caseId, agencyId: input.agencyId, role: input.role, assignedTasks: waiting.length };
  }

  /**
   * Removes an agency from the case: it loses access at once. Its open tasks go to another agency in
   * the same role when there is one, otherwise they are cancelled; its pending reminders are cancelled.
   */
  async removeParticipant(tx: Db, actor: Actor, caseId: string, agencyId: string) {
    this.access.assertCaseManager(actor);
    await this.access.assertCase(tx, actor, caseId);
    const lead = await one<{ lead_agency_id: string }>(tx, 'SELECT lead_agency_id FROM cases WHERE id = $1', [caseId]);
    if (lead!.lead_agency_id === agencyId) throw new DomainError('unprocessable', 'The lead agency cannot be removed');
    const removed = await many<{ role: string }>(
      tx,
      'DELETE FROM case_participants WHERE case_id = $1 AND agency_id = $2 RETURNING role',
      [caseId, agencyId],
    );
    if (removed.length === 0) throw new DomainError('not_found', 'The agency does not take part in this case');
    const open = await many<{
      id: string;
      assignee_role: string;
      instance_id: string | null;
      state_id: string | null;
      task_key: string | null;
      due_at: Date | null;
      spec: TaskSpec | null;
      pathway_key: string | null;
      version: number | null;
    }>(
      tx,
      `SELECT t.id, t.assignee_role, t.instance_id, t.state_id, t.task_key, t.due_at, t.spec, i.pathway_key, i.version
         FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id
        WHERE t.case_id = $1 AND t.assignee_agency_id = $2 AND t.status = 'open'`,
      [caseId, agencyId],
    );
    const ctx = (await loadCaseContext(tx, caseId))!;
    await this.reminders.cancelForTasks(tx, open.map((t) => t.id));
    let reassigned = 0;
    let cancelled = 0;
    for (const task of open) {
      // Another agency in the role takes the task over, unless it already holds its own copy of it.
      const other = await one<{ agency_id: string }>(
        tx,
        `SELECT p.agency_id FROM case_participants p
          WHERE p.case_id = $1 AND p.role = $2
            AND NOT EXISTS (SELECT 1 FROM tasks t WHERE $5::text IS NOT NULL AND t.case_id = $1 AND t.assignee_agency_id = p.agency_id AND t.status <> 'cancelled'
                              AND t.instance_id IS NOT DISTINCT FROM $3 AND t.state_id IS NOT DISTINCT FROM $4 AND t.task_key IS NOT DISTINCT FROM $5)
          ORDER BY p.added_at LIMIT 1`,
        [caseId, task.assignee_role, task.instance_id, task.state_id, task.task_key],
      );
      if (other) {
        await tx.query('UPDATE tasks SET assignee_agency_id = $2, updated_at = now() WHERE id = $1', [task.id, other.agency_id]);
        if (task.spec && task.pathway_key && task.state_id) {
          await this.reminders.scheduleForTask(
            tx,
            ctx,
            { id: task.id, agencyId: other.agency_id, dueAt: task.due_at ? new Date(task.due_at) : null, spec: task.spec },
            { pathway: task.pathway_key, version: task.version!, state: task.state_id },
            this.clock.now(),
          );
        }
        reassigned++;
      } else {
        await tx.query(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = $1`, [task.id]);
        cancelled++;
      }
    }
    await tx.query(
      `INSERT INTO case_events (case_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, 'participant.removed', $2, $3, $4)`,
      [caseId, actor.userId, actor.agencyId, JSON.stringify({ agencyId, roles: removed.map((r) => r.role), reassigned, cancelled })],
    );
    await this.audit.record(tx, actor, { action: 'participant.remove', caseId, resource: 'agency', resourceId: agencyId });
    return { reassigned, cancelled };
  }
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
