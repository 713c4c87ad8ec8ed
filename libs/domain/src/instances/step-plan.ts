import type { PathwayEvent, StepResult } from '#engine';
import type { AuditRecordInput } from '../audit/audit.repository.js';
import type { PlannedCaseEvent } from '../cases/case-event.repository.js';
import { agenciesWithRole, type CaseContext } from '../cases/case-context.js';
import type { PlannedClaim } from '../idempotency/idempotency.repository.js';
import type { Actor } from '../identity/actor.js';
import type { PlannedNotification } from '../notifications/notification.repository.js';
import { reminderJobId, timerJobId } from '../outbox/outbox.js';
import type { PlannedReminderRow } from '../reminders/reminder.repository.js';
import { planTaskReminders } from '../reminders/reminder-writer.js';
import type { PlannedTask } from '../tasks/task.repository.js';
import type { PlannedTimer } from '../timers/timer.repository.js';
import type { Instance } from './instance.repository.js';

/** An outbox row as the plan carries it: a job to add, with its id, payload and moment. */
export interface PlannedOutboxRow {
  topic: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: string | null;
}

/**
 * Everything one user event writes, as rows per table: what `StepRepository.flush` commits in
 * one statement. Rows that only exist once others are written (the pending reminders of the
 * tasks cancelled, the deliveries of the notifications that were not withheld, and their jobs)
 * are derived by the statement itself.
 */
export interface StepPlan {
  /** The compare-and-set: the instance moves from `expectedRevision` to `expectedRevision + 1`. */
  instance: { id: string; expectedRevision: number; snapshot: unknown; value: unknown; status: string };
  claims: PlannedClaim[];
  events: PlannedCaseEvent[];
  cancelTasks: Array<{ state_id: string; task_key: string }>;
  tasks: PlannedTask[];
  reminders: PlannedReminderRow[];
  /** Timer ids (XState send ids) whose pending timers are cancelled. */
  cancelTimers: string[];
  timers: PlannedTimer[];
  notifications: PlannedNotification[];
  outbox: PlannedOutboxRow[];
  audit: AuditRecordInput[];
  /** Merged into the payload of every job the statement queues itself (the request id). */
  jobContext: { requestId?: string };
}

export interface StepPlanInput {
  instance: Instance;
  ctx: CaseContext;
  /** The pathway's title: a `notify` action's default title. */
  pathwayTitle: string;
  step: StepResult;
  event: PathwayEvent;
  actor: Actor;
  now: Date;
  /** The link a notification carries (NotificationWriter.linkFor). */
  link: (target: { caseId: string; taskId?: string | null }) => string;
  newId: () => string;
  requestId?: string;
  audit: AuditRecordInput[];
  /** The caller's Idempotency-Key with the response to store (the step's outcome). */
  claim?: { userId: string; key: string; requestHash: string; statusCode: number; response: unknown };
}

/**
 * The pure write plan of a user event's step: the engine's effects turned into rows, exactly as
 * `InstanceService.applyEffects` writes them one statement at a time. Undefined when the step
 * needs that statement-by-statement path: effects that start pathways, close or erase the case
 * or record its lawful basis (each reads and writes more than its own rows), and the rare step
 * whose effects act on what the same step created (a task opened then cancelled, a timer set
 * twice or set then cancelled), since one statement's parts do not see each other's rows.
 */
export function planStep(input: StepPlanInput): StepPlan | undefined {
  const { instance: row, ctx, step, event, actor, now } = input;
  const revision = row.revision + 1;
  const caseId = ctx.case.id;
  const withContext = (payload: Record<string, unknown>) => (input.requestId === undefined ? payload : { ...payload, requestId: input.requestId });
  const origin = (state: string) => ({ pathway: row.pathwayKey, version: row.version, state });
  const plan: StepPlan = {
    instance: { id: row.id, expectedRevision: row.revision, snapshot: step.snapshot, value: step.value, status: step.status },
    claims: input.claim
      ? [{ user_id: input.claim.userId, key: input.claim.key, request_hash: input.claim.requestHash, status_code: input.claim.statusCode, response: input.claim.response }]
      : [],
    events: [
      {
        case_id: caseId,
        instance_id: row.id,
        type: event.type,
        data: event.data ?? {},
        actor_user_id: actor.userId,
        actor_agency_id: actor.agencyId,
        from_state: row.stateValue,
        to_state: step.value,
        revision,
      },
    ],
    cancelTasks: [],
    tasks: [],
    reminders: [],
    cancelTimers: [],
    timers: [],
    notifications: [],
    outbox: [],
    audit: input.audit,
    jobContext: input.requestId === undefined ? {} : { requestId: input.requestId },
  };
  const openedTasks = new Set<string>();
  const setTimers = new Set<string>();
  const dedupeKeys = new Set<string>();
  const notify = (n: Omit<PlannedNotification, 'id' | 'case_id'>) => {
    if (dedupeKeys.has(n.dedupe_key)) return;
    dedupeKeys.add(n.dedupe_key);
    plan.notifications.push({ id: input.newId(), case_id: caseId, ...n });
  };

  for (const effect of step.effects) {
    switch (effect.type) {
      case 'task.cancel':
        if (openedTasks.has(`${effect.stateId}\u0000${effect.taskKey}`)) return undefined;
        plan.cancelTasks.push({ state_id: effect.stateId, task_key: effect.taskKey });
        break;
      case 'task.open': {
        openedTasks.add(`${effect.stateId}\u0000${effect.task.key}`);
        const spec = effect.task;
        const dueAt = effect.dueAt ? new Date(effect.dueAt) : null;
        const holders = agenciesWithRole(ctx, spec.assignee.role);
        for (const agencyId of holders.length > 0 ? holders.map((h) => h.agencyId) : [null]) {
          const id = input.newId();
          plan.tasks.push({
            id,
            case_id: caseId,
            instance_id: row.id,
            state_id: effect.stateId,
            task_key: spec.key,
            title: spec.title,
            assignee_role: spec.assignee.role,
            assignee_agency_id: agencyId,
            due_at: dueAt ? dueAt.toISOString() : null,
            spec,
          });
          for (const r of planTaskReminders(ctx, { agencyId, dueAt, spec }, { source: 'task', ...origin(effect.stateId), task: spec.key }, now)) {
            const reminderId = input.newId();
            plan.reminders.push({ id: reminderId, case_id: caseId, task_id: id, agency_id: r.agencyId, kind: r.kind, due_at: r.dueAt.toISOString(), rule: r.rule, status: 'pending' });
            plan.outbox.push({
              topic: 'add:reminder.send',
              job_id: reminderJobId(reminderId, 1),
              payload: withContext({ reminderId, generation: 1 }),
              run_at: r.dueAt.toISOString(),
            });
          }
          if (agencyId) {
            notify({
              agency_id: agencyId,
              kind: 'task_assigned',
              title: spec.title,
              link: input.link({ caseId, taskId: id }),
              task_id: id,
              due_at: dueAt ? dueAt.toISOString() : null,
              rule: { source: 'task', ...origin(effect.stateId), task: spec.key, kind: 'task_assigned' },
              dedupe_key: `task_assigned:${id}`,
            });
          }
        }
        break;
      }
      case 'timer.set': {
        if (setTimers.has(effect.timerId)) return undefined;
        setTimers.add(effect.timerId);
        const id = input.newId();
        plan.timers.push({ id, instance_id: row.id, timer_id: effect.timerId, event: effect.event, fire_at: effect.fireAt, revision });
        plan.outbox.push({
          topic: 'add:timer.fire',
          job_id: timerJobId(id),
          payload: withContext({ instanceId: row.id, timerRowId: id, timerId: effect.timerId, event: effect.event, revision }),
          run_at: new Date(effect.fireAt).toISOString(),
        });
        break;
      }
      case 'timer.cancel':
        if (setTimers.has(effect.timerId)) return undefined;
        plan.cancelTimers.push(effect.timerId);
        break;
      case 'notify': {
        // `title` is a free-form action param: any JSON value, as String() prints it.
        const title: unknown = effect.params?.title ?? input.pathwayTitle;
        for (const agency of agenciesWithRole(ctx, effect.role)) {
          notify({
            agency_id: agency.agencyId,
            kind: effect.kind,
            title: String(title),
            link: input.link({ caseId }),
            task_id: null,
            due_at: null,
            rule: { source: 'pathway', pathway: row.pathwayKey, version: row.version, kind: effect.kind, revision },
            dedupe_key: `notify:${row.id}:${revision}:${effect.kind}:${agency.agencyId}`,
          });
        }
        break;
      }
      case 'instance.done':
        break;
      case 'pathway.start':
      case 'case.close':
      case 'case.lawfulBasis':
      case 'case.erase':
        return undefined;
    }
  }
  return plan;
}
