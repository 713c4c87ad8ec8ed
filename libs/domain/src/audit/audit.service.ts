import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Db } from '../db.js';
import { AuditRepository, type AuditRecordInput, type AuditSearch, type ListReadAudit } from './audit.repository.js';
import type { Actor } from '../identity/actor.js';

export interface AuditEntry {
  action: string;
  caseId?: string | null;
  resource?: string;
  resourceId?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string;
}

export type AuditQuery = AuditSearch;

/** The row `AuditService.record` writes for `entry` (a one-statement write carries it in its plan). */
export function auditRow(actor: Actor | null, entry: AuditEntry): AuditRecordInput {
  return {
    userId: actor?.userId ?? null,
    agencyId: actor?.agencyId ?? null,
    action: entry.action,
    caseId: entry.caseId ?? null,
    resource: entry.resource ?? null,
    resourceId: entry.resourceId ?? null,
    detail: entry.detail ?? null,
    requestId: entry.requestId ?? null,
  };
}

/** Who read or changed what, when. Entries name ids, never personal data. */
/** Audit search totals above this are reported as `total: 1000, totalCapped: true` (like the case list). */
export const AUDIT_TOTAL_CAP = 1000;

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(db: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await AuditRepository.insert(db, auditRow(actor, entry));
  }

  /**
   * A list read: one row naming every case among `rows` (each with its `caseId` and `id`) and, per
   * case, the ids of its rows the reader was shown; `GET /api/audit` reads it back as one entry per
   * case. One small insert per request, whatever the page size. Nothing is written for an empty page.
   */
  async recordListRead(db: Db, actor: Actor, action: string, resource: string, rows: ReadonlyArray<{ caseId: string | null; id: string }>, requestId?: string): Promise<void> {
    const idsByCase: Record<string, string[]> = {};
    for (const r of rows) {
      if (!r.caseId) continue;
      (idsByCase[r.caseId] ??= []).push(r.id);
    }
    const caseIds = Object.keys(idsByCase);
    if (caseIds.length === 0) return;
    await AuditRepository.insertListRead(db, {
      userId: actor.userId,
      agencyId: actor.agencyId,
      action,
      resource,
      caseIds,
      idsByCase,
      requestId: requestId ?? null,
    });
  }

  /**
   * The record of a list read that a repository writes in the list's own statement
   * (`AuditRepository.auditedPage`): the same row `recordListRead` would insert, without its round trip.
   */
  listRead(actor: Actor, action: string, resource: string, requestId?: string): ListReadAudit {
    return { userId: actor.userId, agencyId: actor.agencyId, action, resource, requestId: requestId ?? null };
  }

  /** The audit log for administrators (the route checks the role), newest first; total counted up to AUDIT_TOTAL_CAP. */
  async search(q: AuditQuery) {
    const { items, matched } = await AuditRepository.search(this.ds.manager, q, AUDIT_TOTAL_CAP);
    return { items, total: Math.min(matched, AUDIT_TOTAL_CAP), totalCapped: matched > AUDIT_TOTAL_CAP };
  }
}
