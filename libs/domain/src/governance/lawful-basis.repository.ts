import { many, single, type Db } from '../db.js';

export const LAWFUL_BASES = ['consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests'] as const;
/** A basis for sharing, or `none`: no basis holds any more (consent withdrawn). */
export type LawfulBasis = (typeof LAWFUL_BASES)[number] | 'none';
export const isLawfulBasis = (value: unknown): value is LawfulBasis =>
  value === 'none' || (typeof value === 'string' && (LAWFUL_BASES as readonly string[]).includes(value));

/** One recorded basis: who recorded it, when, and through what (the API, a pathway event, the case's creation). */
export interface LawfulBasisEntry {
  basis: LawfulBasis;
  note: string | null;
  source: 'create' | 'api' | 'pathway';
  instanceId: string | null;
  recordedBy: string | null;
  recordedAgencyId: string | null;
  recordedAt: Date;
}

/** Owner of `case_lawful_basis`: the kept history of a case's lawful basis (the current one is on `cases`). */
export const LawfulBasisRepository = {
  async append(
    db: Db,
    e: { caseId: string; basis: LawfulBasis; note: string | null; source: LawfulBasisEntry['source']; instanceId?: string | null; userId: string | null; agencyId: string | null },
  ): Promise<LawfulBasisEntry> {
    return single<LawfulBasisEntry>(
      db,
      `INSERT INTO case_lawful_basis (case_id, basis, note, source, instance_id, recorded_by, recorded_agency_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING basis, note, source, instance_id AS "instanceId", recorded_by AS "recordedBy", recorded_agency_id AS "recordedAgencyId", recorded_at AS "recordedAt"`,
      [e.caseId, e.basis, e.note, e.source, e.instanceId ?? null, e.userId, e.agencyId],
    );
  },

  /** Every basis recorded for the case, newest first. */
  async history(db: Db, caseId: string): Promise<LawfulBasisEntry[]> {
    return many<LawfulBasisEntry>(
      db,
      `SELECT basis, note, source, instance_id AS "instanceId", recorded_by AS "recordedBy", recorded_agency_id AS "recordedAgencyId", recorded_at AS "recordedAt"
         FROM case_lawful_basis WHERE case_id = $1 ORDER BY id DESC`,
      [caseId],
    );
  },

  /** Erasure: the notes (free text) go, the bases and their dates stay. */
  async eraseNotes(db: Db, caseId: string): Promise<void> {
    await many(db, `UPDATE case_lawful_basis SET note = NULL WHERE case_id = $1 AND note IS NOT NULL`, [caseId]);
  },
};
