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
 * agency, not to a person), but read state is per person (`notification_reads`): one officer
 * reading a reminder does not hide it from a colleague. Only notifications of cases the agency
 * still takes part in are shown.
 */
@Injectable()
export class NotificationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor, q: { unread?: boolean; limit: number; offset: number }) {
    if (!actor.agencyId) return { items: [], total: 0, unread: 0 };
    const cases = this.access.caseFilter(actor, 'c', 3);
    const visible = `n.agency_id = $1 AND ${cases.sql}`;
    const params = [actor.agencyId, actor.userId, ...cases.params];
    const mine = `FROM notifications n JOIN cases c ON c.id = n.case_id
      LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2`;
    const filter = q.unread ? `${visible} AND r.read_at IS NULL` : visible;
    const rows = await many<NotificationRow>(
      this.ds.manager,
      `SELECT n.id, n.kind, n.title, n.link, n.case_id AS "caseId", c.reference AS "caseReference", n.task_id AS "taskId",
              n.conference_id AS "conferenceId", n.due_at AS "dueAt", n.created_at AS "createdAt", r.read_at AS "readAt", n.rule
         ${mine}
        WHERE ${filter} ORDER BY n.created_at DESC, n.id LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    );
    const counts = await one<{ total: number; unread: number }>(
      this.ds.manager,
      `SELECT count(*) FILTER (WHERE ${q.unread ? 'r.read_at IS NULL' : 'true'})::int AS total,
              count(*) FILTER (WHERE r.read_at IS NULL)::int AS unread
         ${mine} WHERE ${visible}`,
      params,
    );
    return {
      items: rows.map(({ rule, ...n }) => ({ ...n, rule, why: describeRule(n.kind, n.title, rule) })),
      total: counts!.total,
      unread: counts!.unread,
    };
  }

  /** Marks one notification read for the caller (idempotent: the first time counts); 404 unless it was sent to their agency. */
  async markRead(tx: Db, actor: Actor, notificationId: string) {
    if (!actor.agencyId || !isUuid(notificationId)) throw new DomainError('not_found', 'Notification not found');
    const cases = this.access.caseFilter(actor, 'c', 3);
    const visible = await one<{ id: string }>(
      tx,
      `SELECT n.id FROM notifications n JOIN cases c ON c.id = n.case_id
        WHERE n.id = $1 AND n.agency_id = $2 AND ${cases.sql}`,
      [notificationId, actor.agencyId, ...cases.params],
    );
    if (!visible) throw new DomainError('not_found', 'Notification not found');
    const row = await one<{ id: string; readAt: Date }>(
      tx,
      `WITH ins AS (
         INSERT INTO notification_reads (notification_id, user_id) VALUES ($1, $2)
         ON CONFLICT (user_id, notification_id) DO NOTHING RETURNING notification_id, read_at)
       SELECT notification_id AS id, read_at AS "readAt" FROM ins
       UNION ALL
       SELECT notification_id, read_at FROM notification_reads WHERE notification_id = $1 AND user_id = $2
       LIMIT 1`,
      [notificationId, actor.userId],
    );
    return row!;
  }

  /** Marks every visible notification read for the caller; returns how many were unread. */
  async markAllRead(tx: Db, actor: Actor) {
    if (!actor.agencyId) return { updated: 0 };
    const cases = this.access.caseFilter(actor, 'c', 3);
    const rows = await many(
      tx,
      `INSERT INTO notification_reads (notification_id, user_id)
       SELECT n.id, $2 FROM notifications n JOIN cases c ON c.id = n.case_id
        WHERE n.agency_id = $1 AND ${cases.sql}
       ON CONFLICT (user_id, notification_id) DO NOTHING RETURNING notification_id`,
      [actor.agencyId, actor.userId, ...cases.params],
    );
    return { updated: rows.length };
  }
}
