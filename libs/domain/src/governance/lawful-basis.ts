import { DomainError } from '#core';
import type { Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { CaseRepository } from '../cases/case.repository.js';
import { isLawfulBasis, LawfulBasisRepository, type LawfulBasisEntry } from './lawful-basis.repository.js';

/**
 * Records a case's lawful basis: the ONE way it changes, whether a case manager sets it
 * (`PATCH /api/cases/:id`) or a pathway event does (`recordLawfulBasis`, e.g. the referral's
 * RECORD_BASIS). The case row holds the current basis (guards read it from the facts), the history
 * keeps every change with who and when, the event log says that it changed (never the note).
 */
export async function recordLawfulBasis(
  tx: Db,
  input: { caseId: string; basis: unknown; note: string | null; source: 'api' | 'pathway'; instanceId?: string | null; actor?: Actor | null },
): Promise<LawfulBasisEntry> {
  if (!isLawfulBasis(input.basis)) {
    throw new DomainError('unprocessable', 'Unknown lawful basis', {
      errors: [{ path: '$.basis', message: 'one of consent, public_task, substantial_public_interest, legal_obligation, vital_interests, none' }],
    });
  }
  await CaseRepository.setLawfulBasis(tx, input.caseId, input.basis);
  const entry = await LawfulBasisRepository.append(tx, {
    caseId: input.caseId,
    basis: input.basis,
    note: input.note,
    source: input.source,
    instanceId: input.instanceId ?? null,
    userId: input.actor?.userId ?? null,
    agencyId: input.actor?.agencyId ?? null,
  });
  await CaseEventRepository.append(tx, {
    caseId: input.caseId,
    instanceId: input.instanceId ?? null,
    type: 'case.lawful_basis',
    actorUserId: input.actor?.userId ?? null,
    actorAgencyId: input.actor?.agencyId ?? null,
    data: { basis: input.basis, source: input.source },
  });
  return entry;
}
