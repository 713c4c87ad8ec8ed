import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { many, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';

export interface AuditEntry {
  action: string;
  caseId?: string | null;
  resource?: string;
  resourceId?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string;
}

export interface AuditQuery {
  caseId?: string;
  userId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Who read or changed what, when. Entries name ids, never personal data. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(db: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await db.query(
      `INSERT INTO audit_log (user_id, agency_id, action, case_id, resource, resource_id, detail, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actor?.userId ?? null,
        actor?.agencyId ?? null,
        entry.action,
        entry.caseId ?? null,
        entry.resource ?? null,
        entry.resourceId ?? null,
        entry.detail ? JSON.stringify(entry.detail) : null,
        entry.requestId ?? null,
      ],
    );
  }

  async query(q: AuditQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.caseId) add('case_id = ?', q.caseId);
    if (q.userId) add('user_id = ?', q.userId);
    if (q.action) add('action = ?', q.action);
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, total] = await Promise.all([
      many(
        this.ds.manager,
        `SELECT id::text, at, user_id AS "userId", agency_id AS "agencyId", action, case_id AS "caseId",
                resource, resource_id AS "resourceId", detail, request_id AS "requestId"
           FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      ),
      many<{ total: number }>(this.ds.manager, `SELECT count(*)::int AS total FROM audit_log ${clause}`, params),
    ]);
    return { items, total: total[0].total };
  }
}
