import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock } from '#core';
import type { Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { CaseRepository } from '../cases/case.repository.js';
import { ConferenceRepository } from '../conferences/conference.repository.js';
import { IdempotencyRepository } from '../idempotency/idempotency.repository.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { DeliveryRepository } from '../notifications/delivery.repository.js';
import { NotificationRepository } from '../notifications/notification.repository.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { CaseNoteRepository } from './case-note.repository.js';
import { LawfulBasisRepository } from './lawful-basis.repository.js';

/** The key date that, while set, holds the case's data back from erasure (docs/governance.md). */
export const LEGAL_HOLD_KEY_DATE = 'legalHold';

export type ErasureOutcome = 'erased' | 'already_erased' | 'held' | 'not_found';

/**
 * Erasure, the effect of the registry action `eraseCaseData`: the case's personal data — subject,
 * notes, minutes text, decisions, task notes and outcomes, event data, instance contexts,
 * notification titles and rules, delivery errors, stored idempotent responses, lawful-basis notes —
 * goes in the caller's transaction; the reference, dates, states, the lawful bases and the record of
 * the erasure stay. Emails written as `.eml` files for the case's notifications are deleted. A
 * legal hold (key date `legalHold`) blocks it (recorded, nothing erased). Erasing twice is harmless.
 */
@Injectable()
export class CaseErasure {
  private readonly log = new Logger('CaseErasure');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async eraseIn(tx: Db, caseId: string, cause: { actor?: Actor | null; instanceId?: string | null }): Promise<ErasureOutcome> {
    const c = await CaseRepository.lockForErasure(tx, caseId);
    if (!c) return 'not_found';
    if (c.status === 'erased') return 'already_erased';
    const actor = cause.actor ?? null;
    const hold = c.keyDates[LEGAL_HOLD_KEY_DATE];
    if (typeof hold === 'string' && hold !== '') {
      await CaseEventRepository.append(tx, { caseId, instanceId: cause.instanceId ?? null, type: 'case.erasure_held', actorUserId: actor?.userId ?? null, actorAgencyId: actor?.agencyId ?? null, data: { legalHold: hold } });
      await this.audit.record(tx, actor, { action: 'case.erase_held', caseId, resource: 'case', resourceId: caseId, detail: { legalHold: hold } });
      return 'held';
    }
    const at = this.clock.now();
    const notes = await CaseNoteRepository.eraseForCase(tx, caseId);
    await ConferenceRepository.eraseForCase(tx, caseId);
    await TaskRepository.eraseForCase(tx, caseId);
    await CaseEventRepository.eraseDataForCase(tx, caseId);
    await InstanceRepository.eraseContextsOfCase(tx, caseId);
    await DeliveryRepository.eraseForCase(tx, caseId);
    const notifications = await NotificationRepository.eraseForCase(tx, caseId);
    await LawfulBasisRepository.eraseNotes(tx, caseId);
    const responses = await IdempotencyRepository.eraseResponsesMentioning(tx, caseId);
    await CaseRepository.erase(tx, caseId, at);
    // The record of the erasure, written after the event data went so it is kept.
    const detail = { erasedAt: at.toISOString(), notes, notifications: notifications.length, storedResponses: responses };
    await CaseEventRepository.append(tx, { caseId, instanceId: cause.instanceId ?? null, type: 'case.erased', actorUserId: actor?.userId ?? null, actorAgencyId: actor?.agencyId ?? null, data: detail });
    await this.audit.record(tx, actor, { action: 'case.erase', caseId, resource: 'case', resourceId: caseId, detail });
    await this.removeEmails(notifications);
    return 'erased';
  }

  /**
   * The `.eml` files the file mailer wrote for these notifications (`<DATA_DIR>/mail/notification-<id>.eml`).
   * Files are not transactional: they go as the erasure runs (a rolled-back erasure leaves the data
   * in the database and the copies gone, never the other way round).
   */
  private async removeEmails(notificationIds: readonly string[]): Promise<void> {
    const dir = join(this.config.dataDir, 'mail');
    for (const id of notificationIds) {
      try {
        await rm(join(dir, `notification-${id}.eml`), { force: true });
      } catch (error) {
        this.log.warn(`could not delete an email file of an erased case: ${(error as Error).message}`);
      }
    }
  }
}
