import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Db } from '../db.js';
import { AuditRepository, type AuditSearch } from './audit.repository.js';
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

function row(actor: Actor | null, entry: AuditEntry) {
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
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(db: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await AuditRepository.insert(db, row(actor, entry));
  }

  /**
   * Several entries in one statement: a list read records one entry per case it showed (the same
   * action, `detail` naming the ids of that case's rows shown), so "who saw this case" is one query.
   */
  async recordMany(db: Db, actor: Actor | null, entries: readonly AuditEntry[]): Promise<void> {
    await AuditRepository.insertMany(db, entries.map((e) => row(actor, e)));
  }

  /**
   * A list read: one entry per case among `rows` (each with its `caseId` and `id`), `detail.ids`
   * naming the rows of that case the reader was shown. Nothing is written for an empty page.
   */
  async recordListRead(db: Db, actor: Actor, action: string, resource: string, rows: ReadonlyArray<{ caseId: string | null; id: string }>, requestId?: string): Promise<void> {
    const byCase = new Map<string, string[]>();
    for (const r of rows) {
      if (!r.caseId) continue;
      const ids = byCase.get(r.caseId) ?? [];
      ids.push(r.id);
      byCase.set(r.caseId, ids);
    }
    await this.recordMany(
      db,
      actor,
      [...byCase].map(([caseId, ids]) => ({ action, caseId, resource, resourceId: ids.length === 1 ? ids[0] : null, detail: { ids }, requestId })),
    );
  }

  /** The audit log for administrators (the route checks the role), newest first. */
  async search(q: AuditQuery) {
    return AuditRepository.search(this.ds.manager, q);
  }
}
