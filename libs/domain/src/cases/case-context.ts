import { many, one, type Db } from '../db.js';

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
}

/** What effects need to know about a case: its row and who plays which role. */
export interface CaseContext {
  case: CaseRow;
  participants: ParticipantRow[];
}

export async function loadCaseContext(db: Db, caseId: string, lock = false): Promise<CaseContext | undefined> {
  const row = await one<CaseRow>(
    db,
    `SELECT id, reference, status, lead_agency_id, key_dates FROM cases WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [caseId],
  );
  if (!row) return undefined;
  const participants = await many<ParticipantRow>(
    db,
    `SELECT p.agency_id, p.role, a.country, a.timezone
       FROM case_participants p JOIN agencies a ON a.id = p.agency_id
      WHERE p.case_id = $1 ORDER BY p.added_at, p.agency_id`,
    [caseId],
  );
  return { case: row, participants };
}

/** Agencies holding `role` in the case; the lead agency stands in for `coordinator` when nobody holds it. */
export function agenciesWithRole(ctx: CaseContext, role: string): ParticipantRow[] {
  const holders = ctx.participants.filter((p) => p.role === role);
  if (holders.length > 0 || role !== 'coordinator') return holders;
  return ctx.participants.filter((p) => p.agency_id === ctx.case.lead_agency_id).slice(0, 1);
}
