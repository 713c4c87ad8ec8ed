import type { Db } from '../db.js';
import { CaseRepository, type CaseParticipant, type CaseSummary } from './case.repository.js';

export type { CaseParticipant, CaseSummary } from './case.repository.js';

/** What effects need to know about a case: its row and who plays which role. */
export interface CaseContext {
  case: CaseSummary;
  participants: CaseParticipant[];
}

/** The case with its participants; `lock` locks the case row. */
export async function loadCaseContext(db: Db, caseId: string, lock = false): Promise<CaseContext | undefined> {
  return CaseRepository.context(db, caseId, lock);
}

/** Agencies holding `role` in the case; the lead agency stands in for `coordinator` when nobody holds it. */
export function agenciesWithRole(ctx: CaseContext, role: string): CaseParticipant[] {
  const holders = ctx.participants.filter((p) => p.role === role);
  if (holders.length > 0 || role !== 'coordinator') return holders;
  return ctx.participants.filter((p) => p.agencyId === ctx.case.leadAgencyId).slice(0, 1);
}

/** Whose calendar counts for working days: the lead agency's country and zone (the default country otherwise). */
export function leadCalendar(ctx: CaseContext, defaultCountry: string): { country: string; timezone?: string } {
  const lead = ctx.participants.find((p) => p.agencyId === ctx.case.leadAgencyId);
  return lead ? { country: lead.country, timezone: lead.timezone } : { country: defaultCountry };
}
