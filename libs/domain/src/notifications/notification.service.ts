import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '#core';
import { transaction } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { describeRule } from './notification-why.js';
import { NotificationRepository } from './notification.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { TOTAL_CAP } from '../tasks/task.service.js';

/**
 * An agency's in-app notifications. Everyone in an agency shares its inbox (a message goes to the
 * agency, not to a person), but read state is per person (`notification_reads`): one officer
 * reading a reminder does not hide it from a colleague. Only notifications of cases the agency
 * still takes part in are shown.
 */
@Injectable()
export class NotificationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, q: { unread?: boolean; limit: number; offset: number }) {
    if (!actor.agencyId) return { items: [], total: 0, totalCapped: false, unread: 0, unreadCapped: false };
    const page = await NotificationRepository.inbox(this.ds.manager, {
      agencyId: actor.agencyId,
      userId: actor.userId,
      cases: this.access.caseFilter(actor, 'c', 3),
      unreadOnly: q.unread === true,
      limit: q.limit,
      offset: q.offset,
      cap: TOTAL_CAP,
    });
    // One audit entry per case shown (the notification ids in its detail), in one insert.
    await this.audit.recordListRead(this.ds.manager, actor, 'notification.list', 'notification', page.items);
    return {
      items: page.items.map(({ rule, ...n }) => ({ ...n, rule, why: describeRule(n.kind, n.title, rule) })),
      total: Math.min(page.total, TOTAL_CAP),
      totalCapped: page.total > TOTAL_CAP,
      unread: Math.min(page.unread, TOTAL_CAP),
      unreadCapped: page.unread > TOTAL_CAP,
    };
  }

  /** Marks one notification read for the caller (idempotent: the first time counts); 404 unless it was sent to their agency. */
  async markRead(actor: Actor, notificationId: string) {
    const agencyId = actor.agencyId;
    if (!agencyId || !isUuid(notificationId)) throw new DomainError('not_found', 'Notification not found');
    return transaction(this.ds, async (tx) => {
      if (!(await NotificationRepository.isVisible(tx, notificationId, agencyId, this.access.caseFilter(actor, 'c', 3)))) {
        throw new DomainError('not_found', 'Notification not found');
      }
      return NotificationRepository.markRead(tx, notificationId, actor.userId);
    });
  }

  /** Marks every visible notification read for the caller; returns how many were unread. */
  async markAllRead(actor: Actor) {
    const agencyId = actor.agencyId;
    if (!agencyId) return { updated: 0 };
    return transaction(this.ds, async (tx) => ({
      updated: await NotificationRepository.markAllRead(tx, agencyId, actor.userId, this.access.caseFilter(actor, 'c', 3)),
    }));
  }
}
