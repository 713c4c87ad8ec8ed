import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#core';
import { computeDueAt, type DueSpec } from '#engine';
import type { Db } from '../db.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { CaseViewRepository } from './case-view.repository.js';
import { leadCalendar, loadCaseContext } from './case-context.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';

export interface MovedTask {
  taskId: string;
  keyDate: string;
  from: Date | null;
  to: Date | null;
}

/** The key date a task's due date is counted from, if any (`{before|after: name}` or working days after it). */
export function keyDateOf(due: DueSpec | undefined): string | undefined {
  if (typeof due !== 'object' || due === null) return undefined;
  if ('before' in due) return due.before;
  return due.after;
}

/**
 * Time follows the case: when key dates change (a release date set by a parole decision, moved by
 * an appeal; the next conference), every open task counted from them gets its new due date — the
 * computation the engine made when it opened the task, with the new date — and its pending
 * reminders, overdue notices and escalations move with it, in the caller's transaction. Before-due
 * reminders whose new moment has already passed are dropped (the due-date reminder and the overdue
 * notices still come); overdue notices and escalations whose moment has passed go out once, now.
 * A task whose key date is cleared keeps no due date and no pending reminders. A due date a case
 * manager set by hand stays as they set it.
 */
@Injectable()
export class KeyDateMoves {
  constructor(
    private readonly reminders: ReminderWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async follow(tx: Db, caseId: string, names: string[], now: Date): Promise<MovedTask[]> {
    if (names.length === 0) return [];
    const ctx = (await loadCaseContext(tx, caseId))!;
    const tasks = await CaseViewRepository.lockOpenTasksCountedFrom(tx, caseId, names);
    const moved: MovedTask[] = [];
    for (const t of tasks) {
      const keyDate = keyDateOf(t.spec.due);
      if (!keyDate || !names.includes(keyDate)) continue;
      const dueAt = computeDueAt(t.spec, new Date(t.createdAt), ctx.case.keyDates, leadCalendar(ctx, this.config.defaultCountry));
      const before = t.dueAt ? new Date(t.dueAt) : null;
      if ((before?.getTime() ?? null) === (dueAt?.getTime() ?? null)) continue;
      await TaskRepository.setDueAt(tx, t.id, dueAt);
      const base = t.pathwayKey
        ? { source: 'task' as const, pathway: t.pathwayKey, version: t.version ?? undefined, state: t.stateId ?? undefined, task: t.spec.key }
        : { source: 'conference' as const, conference: t.conferenceId, task: t.spec.key };
      const planned = this.reminders.planForTask(ctx, { agencyId: t.assigneeAgencyId, dueAt, spec: t.spec }, base, now);
      await this.reminders.replan(tx, caseId, { taskId: t.id }, planned, `${keyDate} moved`);
      moved.push({ taskId: t.id, keyDate, from: before, to: dueAt });
    }
    return moved;
  }
}
