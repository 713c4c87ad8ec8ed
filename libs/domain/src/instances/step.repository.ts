import type { EngineFacts } from '#engine';
import { prepared, type CteInput, type Db } from '../db.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { participantsOf, type CaseParticipant, type CaseSummary, type SqlCondition } from '../cases/case.repository.js';
import { IdempotencyRepository, type CompletedIdempotencyKey } from '../idempotency/idempotency.repository.js';
import { DeliveryRepository } from '../notifications/delivery.repository.js';
import { NotificationRepository } from '../notifications/notification.repository.js';
import { OutboxRepository, outboxRowsSql } from '../outbox/outbox.repository.js';
import { ReminderRepository } from '../reminders/reminder.repository.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { TimerRepository } from '../timers/timer.repository.js';
import { INSTANCE_COLUMNS, InstanceRepository, type Instance } from './instance.repository.js';
import { attendedRolesOf, instanceTasksOf } from './facts.repository.js';
import type { StepPlan } from './step-plan.js';

/** What a step on an instance reads before the engine runs. */
export interface StepInput {
  instance: Instance;
  ctx: { case: CaseSummary; participants: CaseParticipant[] };
  facts: EngineFacts;
}

/** What the step's read found: the input, or why there is none; and the caller's committed claim of its key, if any. */
export interface StepRead {
  input: StepInput | 'case_not_found' | undefined;
  stored: CompletedIdempotencyKey | undefined;
}

/**
 * A step in two round trips: one read (`read`) and one write (`flush`). Each part's SQL comes from
 * the repository that owns its table; this file only joins them into one statement each.
 */
export const StepRepository = {
  /**
   * Read-only: everything a user event on an instance needs — the instance, its case with the
   * participants and their calendars, and the facts guards read (the instance's state tasks, who
   * attended the latest conference, the lawful basis) — the caller's access to the case, and (with
   * `key`) the caller's committed claim of its Idempotency-Key, in ONE statement.
   * `input` is `'case_not_found'` when the case does not exist or `visible` (a condition on alias
   * `c`, its placeholders from $3; none: any case) does not hold for it; undefined when the
   * instance does not exist or belongs to another case.
   */
  async read(db: Db, caseId: string, instanceId: string, visible: SqlCondition = { sql: 'true', params: [] }, key?: { userId: string; key: string }): Promise<StepRead> {
    const params: unknown[] = [instanceId, caseId, ...visible.params];
    const storedColumn = key ? IdempotencyRepository.completedColumn(`$${params.push(key.userId)}`, `$${params.push(key.key)}`) : 'NULL::json';
    const [row] = await prepared<
      { caseVisible: boolean; stored: CompletedIdempotencyKey | null } & Partial<Instance> & {
          case: (CaseSummary & { lawfulBasis: string | null }) | null;
          participants: CaseParticipant[];
          tasks: EngineFacts['tasks'];
          attended: string[];
        }
    >(
      db,
      `SELECT v."caseVisible", v.stored, ${INSTANCE_COLUMNS},
              (SELECT json_build_object('id', c.id, 'reference', c.reference, 'status', c.status, 'leadAgencyId', c.lead_agency_id,
                                        'keyDates', c.key_dates, 'lawfulBasis', c.lawful_basis)
                 FROM cases c WHERE c.id = pathway_instances.case_id) AS "case",
              ${participantsOf('pathway_instances.case_id')} AS participants,
              ${instanceTasksOf('pathway_instances.id')} AS tasks,
              ${attendedRolesOf('pathway_instances.case_id')} AS attended
         FROM (SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $2 AND ${visible.sql}) AS "caseVisible", ${storedColumn} AS stored) v
         LEFT JOIN pathway_instances ON pathway_instances.id = $1 AND pathway_instances.case_id = $2 AND v."caseVisible"`,
      params,
    );
    const stored = row?.stored ?? undefined;
    if (!row?.caseVisible) return { input: 'case_not_found', stored };
    if (!row.case) return { input: undefined, stored };
    const { caseVisible: _visible, stored: _stored, case: kase, participants, tasks, attended, ...rest } = row;
    const instance = rest as Instance;
    const { lawfulBasis, ...summary } = kase;
    return {
      input: {
        instance,
        ctx: { case: summary, participants },
        facts: { keyDates: summary.keyDates, tasks, latestConferenceAttendedRoles: attended, lawfulBasis },
      },
      stored,
    };
  },

  /** {@link read} without the key: the input only. */
  async load(db: Db, caseId: string, instanceId: string, visible?: SqlCondition): Promise<StepInput | 'case_not_found' | undefined> {
    return (await StepRepository.read(db, caseId, instanceId, visible)).input;
  },

  /**
   * Writes a step's whole {@link StepPlan} in ONE statement of data-modifying CTEs, fed by one jsonb
   * parameter: the compare-and-set on the instance's revision first, and every other part gated on
   * it — the claim of the Idempotency-Key with its response, the event log, tasks cancelled (and
   * their pending reminders, and those reminders' jobs) and opened with their reminders, timers
   * cancelled and set, notifications (not withheld, dedupe key unused) with a delivery per channel
   * and its job, the outbox rows, and the audit entry. One statement is atomic without a
   * transaction around it. Returns the new revision, or undefined when another writer moved the
   * instance first (then nothing was written). A key claimed meanwhile fails the statement with a
   * unique violation (nothing written either).
   */
  async flush(db: Db, plan: StepPlan): Promise<number | undefined> {
    const io: CteInput = { plan: '$1::jsonb', gate: 'EXISTS (SELECT 1 FROM cas)' };
    const ctes: Array<[string, string]> = [
      ['cas', InstanceRepository.compareAndSetCte(io.plan)],
      ['claim', IdempotencyRepository.claimCte(io)],
      ['logged', CaseEventRepository.appendCte(io)],
      ['cancelled_tasks', TaskRepository.cancelOfStatesCte(io)],
      ['cancelled_reminders', ReminderRepository.cancelForTasksCte('cancelled_tasks')],
      ['opened_tasks', TaskRepository.openCte(io)],
      ['scheduled', ReminderRepository.insertCte(io)],
      ['cancelled_timers', TimerRepository.cancelCte(io)],
      ['set_timers', TimerRepository.insertCte(io)],
      ['notified', NotificationRepository.insertCte(io)],
      ['deliveries', DeliveryRepository.insertForNotificationsCte('notified')],
      [
        'queued',
        OutboxRepository.insertCte(io, [
          outboxRowsSql.removeReminders('cancelled_reminders'),
          outboxRowsSql.removeTimers('cancelled_timers'),
          outboxRowsSql.sendDeliveries('deliveries', `(${io.plan}->'jobContext')`),
        ]),
      ],
      ['audited', AuditRepository.insertCte(io)],
    ];
    const [row] = await prepared<{ revision: number | null }>(
      db,
      `WITH ${ctes.map(([name, body]) => `${name} AS (${body})`).join(',\n')}
       SELECT (SELECT revision FROM cas) AS revision`,
      [JSON.stringify(plan)],
    );
    return row?.revision ?? undefined;
  },
};
