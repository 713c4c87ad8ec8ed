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

/** Who read or changed what, when. Entries name ids, never personal data. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(db: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await AuditRepository.insert(db, {
      userId: actor?.userId ?? null,
      agencyId: actor?.agencyId ?? null,
      action: entry.action,
      caseId: entry.caseId ?? null,
      resource: entry.resource ?? null,
      resourceId: entry.resourceId ?? null,
      detail: entry.detail ?? null,
      requestId: entry.requestId ?? null,
    });
  }

  /** The audit log for administrators (the route checks the role), newest first. */
  async search(q: AuditQuery) {
    return AuditRepository.search(this.ds.manager, q);
  }
}
