import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '#core';
import type { Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CaseParticipantRepository } from '../cases/case-participant.repository.js';
import { CaseRepository } from '../cases/case.repository.js';
import type { RunOnce } from '../idempotency/idempotency.service.js';
import { CaseNoteRepository, type CaseNote } from './case-note.repository.js';

export interface AddNoteInput {
  text: string;
  /** Agencies (taking part in the case) the note is restricted to; the author's agency is always added. */
  restrictedTo?: string[];
}

/**
 * Case notes. A restricted note exists only for the agencies it names and its author's agency:
 * for everyone else it is absent — from notes, timeline, search and exports — because every read
 * of `case_notes` takes the reader's agency (CaseNoteRepository). Notes never go into
 * notifications or the event log, so they cannot surface there.
 */
@Injectable()
export class CaseNoteService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** Adds a note (anyone who sees the case), once per Idempotency-Key. */
  add(actor: Actor, caseId: string, input: AddNoteInput, once: RunOnce): Promise<CaseNote> {
    return once(
      (tx) => this.addIn(tx, actor, caseId, input),
      () => this.access.assertCase(this.ds.manager, actor, caseId),
    );
  }

  private async addIn(tx: Db, actor: Actor, caseId: string, input: AddNoteInput): Promise<CaseNote> {
    await this.access.assertCase(tx, actor, caseId);
    const c = await CaseRepository.get(tx, caseId);
    if (c?.status === 'erased') throw new DomainError('conflict', 'The case was erased');
    let restrictedTo: string[] | null = null;
    if (input.restrictedTo) {
      const participants = new Set((await CaseParticipantRepository.forCase(tx, caseId)).map((p) => p.agencyId));
      const errors = input.restrictedTo
        .map((id, i) => (participants.has(id) ? null : { path: `$.restrictedTo[${i}]`, message: 'this agency does not take part in the case' }))
        .filter((e): e is { path: string; message: string } => e !== null);
      if (errors.length > 0) throw new DomainError('unprocessable', 'A note can be restricted only to agencies taking part in the case', { errors });
      restrictedTo = [...new Set([...(actor.agencyId ? [actor.agencyId] : []), ...input.restrictedTo])];
    }
    const { id } = await CaseNoteRepository.insert(tx, { caseId, text: input.text, restrictedTo, userId: actor.userId, agencyId: actor.agencyId });
    await this.audit.record(tx, actor, {
      action: 'note.create',
      caseId,
      resource: 'note',
      resourceId: id,
      detail: restrictedTo ? { restrictedTo } : undefined,
    });
    return (await CaseNoteRepository.visibleOne(tx, id, actor.agencyId))!;
  }

  /** The case's notes the caller's agency may see, newest first; the read is audited with the ids shown. */
  list(actor: Actor, caseId: string, page: { limit: number; offset: number }) {
    return this.ds.transaction(async (tx) => {
      await this.access.assertCase(tx, actor, caseId);
      const items = await CaseNoteRepository.visible(tx, caseId, actor.agencyId, page);
      await this.audit.record(tx, actor, { action: 'note.list', caseId, resource: 'note', detail: { ids: items.map((n) => n.id) } });
      return { items };
    });
  }
}
