import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { many, one, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { describeRule, type RuleLike } from './notification-why.js';

interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  link: string;
  caseId: string;
  caseReference: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: Date | null;
  createdAt: Date;
  readAt: Date | null;
  rule: RuleLike | null;
}

/**
 * An agency's in-app notifications. Everyone in an agency shares its inbox (a message goes to the
 * agency, not to a person); only notifications of cases the agency still takes part in are shown.
 */
@Injectable()
export class NotificationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor, q: { unread?: boolean; limit: number; offset: number }) {
    if (!actor.agencyId) return { items: [], total: 0, unread: 0 };
    const cases = this.access.caseFilter(actor, 'c', 2);
    const visible = `n.agency_id = $1 AND ${cases.sql}`;
    const params = [actor.agencyId, ...cases.params];
    const filter = q.unread ? `${visible} AND n.read_at IS NULL` : visible;
    const rows = await many<NotificationRow>(
      this.ds.manager,
      `SELECT n.id, n.kind, n.title, n.link, n.case_id AS "caseId", c.reference AS "caseReference", n.task_id AS "taskId",
              n.conference_id AS "conferenceId", n.due_at AS "dueAt", n.created_at AS "createdAt", n.read_at AS "readAt", n.rule
         FROM notifications n JOIN cases c ON c.id = n.case_id
        WHERE ${filter} ORDER BY n.created_at DESC, n.id LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    );
    const counts = await one<{ total: number; unread: number }>(
      this.ds.manager,
      `SELECT count(*) FILTER (WHERE ${q.unread ? 'n.read_at IS NULL' : 'true'})::int AS total,
              count(*) FILTER (WHERE n.read_at IS NULL)::int AS unread
         FROM notifications n JOIN cases c ON c.id = n.case_id WHERE ${visible}`,
      params,
    );
    return {
      items: rows.map(({ rule, ...n }) => ({ ...n, rule, why: describeRule(n.kind, n.title, rule) })),
      total: counts!.total,
      unread: counts!.unread,
    };
  }

  /** Marks one notification read (idempotent); 404 unless it was sent to the caller's agency. */
  async markRead(tx: Db, actor: Actor, notificationId: string) {
    if (!actor.agencyId || !isUuid(notificationId)) throw new DomainError('not_found', 'Notification not found');
    const cases = this.access.caseFilter(actor, 'c', 3);
    const row = await one<{ id: string; readAt: Date }>(
      tx,
      `UPDATE notifications n SET read_at = coalesce(n.read_at, now()) FROM cases c
        WHERE n.id = $1 AND n.agency_id = $2 AND c.id = n.case_id AND ${cases.sql}
        RETURNING n.id, n.read_at AS "readAt"`,
      [notificationId, actor.agencyId, ...cases.params],
    );
    if (!row) throw new DomainError('not_found', 'Notification not found');
    return row;
  }

  async markAllRead(tx: Db, actor: Actor) {
    if (!actor.agencyId) return { updated: 0 };
    const cases = this.access.caseFilter(actor, 'c', 2);
    const rows = await many(
      tx,
      `UPDATE notifications n SET read_at = now() FROM cases c
        WHERE n.agency_id = $1 AND n.read_at IS NULL AND c.id = n.case_id AND ${cases.sql} RETURNING n.id`,
      [actor.agencyId, ...cases.params],
    );
    return { updated: rows.length };
  }
}
