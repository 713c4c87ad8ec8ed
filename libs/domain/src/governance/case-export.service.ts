import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock, DomainError } from '#core';
import { hasRole, type Actor } from '../identity/actor.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CaseParticipantRepository } from '../cases/case-participant.repository.js';
import { CaseRepository } from '../cases/case.repository.js';
import { ConferenceService } from '../conferences/conference.service.js';
import { CaseExportRepository } from './case-export.repository.js';
import { CaseNoteRepository } from './case-note.repository.js';
import { LawfulBasisRepository } from './lawful-basis.repository.js';

export const RESTRICTED_NOTICE =
  'This export is for the lead agency\'s case managers answering a subject-access request. It includes notes and decisions restricted to other agencies (marked restricted, with the agencies they are restricted to): check them with those agencies before disclosing them.';

/**
 * The subject-access export: everything Convene holds about a case, as one JSON document, for the
 * case managers of the lead agency; audited (`case.export`). An erased case exports as what is left:
 * `{id, reference, status: "erased", erasedAt}`.
 */
@Injectable()
export class CaseExportService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly conferences: ConferenceService,
    private readonly clock: Clock,
  ) {}

  export(actor: Actor, caseId: string, opts: { requestId?: string } = {}) {
    return this.ds.transaction(async (tx) => {
      await this.access.assertCase(tx, actor, caseId);
      const c = (await CaseRepository.get(tx, caseId))!;
      if (!hasRole(actor, 'case_manager') || actor.agencyId !== c.leadAgencyId) {
        throw new DomainError('forbidden', 'Only case managers of the lead agency may export a case');
      }
      const exportedAt = this.clock.now();
      if (c.status === 'erased') {
        await this.audit.record(tx, actor, { action: 'case.export', caseId, resource: 'case', resourceId: caseId, requestId: opts.requestId, detail: { erased: true } });
        return { id: c.id, reference: c.reference, status: 'erased' as const, erasedAt: c.erasedAt ?? c.updatedAt };
      }
      const notes = await CaseNoteRepository.allForExport(tx, caseId);
      const conferences = [];
      for (const id of await CaseExportRepository.conferenceIds(tx, caseId)) conferences.push(await this.conferences.view(tx, id, { all: true }));
      const restrictedNotes = notes.filter((n) => n.restrictedTo !== null).length;
      const restrictedDecisions = conferences
        .flatMap((f) => f.minutes?.decisions ?? [])
        .filter((d) => typeof d !== 'string' && Array.isArray(d.restrictedTo)).length;
      const document = {
        exportedAt,
        exportedBy: { userId: actor.userId, agencyId: actor.agencyId },
        restricted: { notes: restrictedNotes, decisions: restrictedDecisions, included: true, notice: RESTRICTED_NOTICE },
        case: {
          id: c.id,
          reference: c.reference,
          status: c.status,
          subject: c.subject,
          leadAgencyId: c.leadAgencyId,
          keyDates: c.keyDates,
          lawfulBasis: c.lawfulBasis,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          closedAt: c.closedAt,
        },
        participants: await CaseParticipantRepository.forCase(tx, caseId),
        lawfulBasisHistory: await LawfulBasisRepository.history(tx, caseId),
        notes: notes.map((n) => ({ ...n, restricted: n.restrictedTo !== null })),
        pathways: await CaseExportRepository.instances(tx, caseId),
        events: await CaseExportRepository.events(tx, caseId),
        tasks: await CaseExportRepository.tasks(tx, caseId),
        conferences,
        notifications: await CaseExportRepository.notifications(tx, caseId),
      };
      await this.audit.record(tx, actor, {
        action: 'case.export',
        caseId,
        resource: 'case',
        resourceId: caseId,
        requestId: opts.requestId,
        detail: { restrictedNotes, restrictedDecisions },
      });
      return document;
    });
  }
}
