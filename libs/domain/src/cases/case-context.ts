import type { DeliveryHours } from '../../../engine/src/index.js';
import { one, type Db } from '../db.js';

export interface CaseRow {
  id: string;
  reference: string;
  status: 'open' | 'closed';
  lead_agency_id: string;
  key_dates: Record<string, string | null>;
}

export interface ParticipantRow {
  agency_id: string;
  role: string;
  country: string;
  timezone: string;
  /** `"always"`, days and hours, or null for the default office hours. */
  delivery_hours: DeliveryHours | null;
}

/** What effects need to know about a case: its row and who plays which role. */
export interface CaseContext {
  case: CaseRow;
  participants: ParticipantRow[];
}

export async function loadCaseContext(db: Db, caseId: string, lock = false): Promise<CaseContext | undefined> {
  // One round trip: the case row with its participants (and their agencies' calendars) as JSON.
  const row = await one<CaseRow & { participants: ParticipantRow[] }>(
    db,
    `SELECT c.id, c.reference, c.status, c.lead_agency_id, c.key_dates,
            coalesce((SELECT json_agg(json_build_object('agency_id', p.agency_id, 'role', p.role, 'country', a.country, 'timezone', a.timezone, 'delivery_hours', a.delivery_hours)
                                ORDER BY p.added_at, p.agency_id)
                        FROM case_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.case_id = c.id), '[]') AS participants
       FROM cases c WHERE c.id = $1${lock ? ' FOR NO KEY UPDATE OF c' : ''}`,
    [caseId],
  );
  if (!row) return undefined;
  const { participants, ...caseRow } = row;
  return { case: caseRow, participants };
}

/** Agencies holding `role` in the case; the lead agency stands in for `coordinator` when nobody holds it. */
export function agenciesWithRole(ctx: CaseContext, role: string): ParticipantRow[] {
  const holders = ctx.participants.filter((p) => p.role === role);
  if (holders.length > 0 || role !== 'coordinator') return holders;
  return ctx.participants.filter((p) => p.agency_id === ctx.case.lead_agency_id).slice(0, 1);
}

/** Whose calendar counts for working days: the lead agency's country and zone (the default country otherwise). */
export function leadCalendar(ctx: CaseContext, defaultCountry: string): { country: string; timezone?: string } {
  const lead = ctx.participants.find((p) => p.agency_id === ctx.case.lead_agency_id);
  return lead ? { country: lead.country, timezone: lead.timezone } : { country: defaultCountry };
}
