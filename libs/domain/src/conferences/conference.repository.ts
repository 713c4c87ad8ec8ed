import { many, one, single, type Db } from '../db.js';

export type ConferenceStatus = 'scheduled' | 'held' | 'cancelled';

export type Decision = string | { text: string; rationale?: string; dissent?: string; restrictedTo?: string[] };

/**
 * The decisions of conference `f` the agency `$<param>` may see: a decision restricted to named
 * agencies (`restrictedTo`) is left out for every other agency — in the SQL, so no reader forgets it.
 */
const visibleDecisions = (param: number) => `CASE WHEN f.decisions IS NULL THEN NULL ELSE
  (SELECT coalesce(jsonb_agg(d ORDER BY o), '[]'::jsonb) FROM jsonb_array_elements(f.decisions) WITH ORDINALITY AS x(d, o)
    WHERE jsonb_typeof(d) <> 'object' OR NOT (d ? 'restrictedTo') OR d->'restrictedTo' ? $${param}::text) END`;

/** A conference row, as its use cases work with it. */
export interface Conference {
  id: string;
  caseId: string;
  scheduledAt: Date;
  durationMinutes: number;
  location: string | null;
  status: ConferenceStatus;
  sequence: number;
}

/** A conference with its case reference and minutes, for the API's view. */
export interface ConferenceDetail extends Conference {
  caseReference: string;
  minutesText: string | null;
  decisions: Decision[] | null;
  minutesRecordedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An invited agency as the API lists it, with its attendance once recorded. */
export interface InviteeView {
  agencyId: string;
  agencyName: string;
  attended: boolean | null;
  apologies: string | null;
  recordedAt: Date | null;
}

const COLUMNS = `f.id, f.case_id AS "caseId", f.scheduled_at AS "scheduledAt", f.duration_minutes AS "durationMinutes",
  f.location, f.status, f.sequence`;

/** Owner of `conferences` and `conference_invitees`. */
export const ConferenceRepository = {
  async insert(db: Db, c: { caseId: string; scheduledAt: Date; durationMinutes: number; location: string | null; createdBy: string }): Promise<Conference> {
    return single<Conference>(
      db,
      `INSERT INTO conferences AS f (case_id, scheduled_at, duration_minutes, location, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [c.caseId, c.scheduledAt, c.durationMinutes, c.location, c.createdBy],
    );
  },

  async invite(db: Db, conferenceId: string, agencyIds: readonly string[]): Promise<void> {
    await many(db, `INSERT INTO conference_invitees (conference_id, agency_id) SELECT $1, unnest($2::uuid[])`, [conferenceId, agencyIds]);
  },

  /** The conference, `lock` locking its row. */
  async get(db: Db, conferenceId: string, opts: { lock?: boolean } = {}): Promise<Conference | undefined> {
    return one<Conference>(db, `SELECT ${COLUMNS} FROM conferences f WHERE f.id = $1${opts.lock ? ' FOR NO KEY UPDATE' : ''}`, [conferenceId]);
  },

  /** Moves the conference: SEQUENCE goes up; duration and location change only when given. */
  async reschedule(db: Db, conferenceId: string, to: { scheduledAt: Date; durationMinutes?: number; location?: string }): Promise<Conference> {
    return single<Conference>(
      db,
      `UPDATE conferences f SET scheduled_at = $2, duration_minutes = coalesce($3, duration_minutes),
              location = coalesce($4, location), sequence = sequence + 1, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [conferenceId, to.scheduledAt, to.durationMinutes ?? null, to.location ?? null],
    );
  },

  async cancel(db: Db, conferenceId: string): Promise<Conference> {
    return single<Conference>(
      db,
      `UPDATE conferences f SET status = 'cancelled', sequence = sequence + 1, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [conferenceId],
    );
  },

  /** Whether an agency attended (or sent apologies); an agency not invited is added as an invitee. */
  async recordAttendance(db: Db, conferenceId: string, a: { agencyId: string; attended: boolean; apologies: string | null }): Promise<void> {
    await many(
      db,
      `INSERT INTO conference_invitees (conference_id, agency_id, attended, apologies, recorded_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (conference_id, agency_id) DO UPDATE SET attended = EXCLUDED.attended, apologies = EXCLUDED.apologies, recorded_at = now()`,
      [conferenceId, a.agencyId, a.attended, a.apologies],
    );
  },

  /** The minutes: the conference is held. */
  async recordMinutes(db: Db, conferenceId: string, m: { text: string; decisions: Decision[]; userId: string }): Promise<void> {
    await many(
      db,
      `UPDATE conferences SET minutes_text = $2, decisions = $3, minutes_recorded_at = now(), minutes_recorded_by = $4,
              status = 'held', updated_at = now() WHERE id = $1`,
      [conferenceId, m.text, JSON.stringify(m.decisions), m.userId],
    );
  },

  /** The case's conferences, latest first. */
  async idsOfCase(db: Db, caseId: string): Promise<string[]> {
    return (await many<{ id: string }>(db, `SELECT id FROM conferences WHERE case_id = $1 ORDER BY scheduled_at DESC, id`, [caseId])).map((r) => r.id);
  },

  /** When the case's conference date is: the next scheduled conference ahead, else the latest scheduled one. */
  async nextScheduledAt(db: Db, caseId: string): Promise<Date | undefined> {
    const next = await one<{ scheduledAt: Date }>(
      db,
      `SELECT scheduled_at AS "scheduledAt" FROM conferences WHERE case_id = $1 AND status = 'scheduled'
        ORDER BY scheduled_at < now(), CASE WHEN scheduled_at >= now() THEN scheduled_at END ASC, scheduled_at DESC
        LIMIT 1`,
      [caseId],
    );
    return next?.scheduledAt;
  },

  /**
   * The conference as the agency `viewerAgencyId` may see it: decisions restricted to other agencies
   * are absent. `{ all: true }` (the subject-access export of the lead's case managers) shows them all.
   */
  async detail(db: Db, conferenceId: string, viewer: string | null | { all: true }): Promise<ConferenceDetail | undefined> {
    const all = viewer !== null && typeof viewer === 'object';
    return one<ConferenceDetail>(
      db,
      `SELECT ${COLUMNS}, c.reference AS "caseReference", f.minutes_text AS "minutesText",
              ${all ? 'f.decisions' : visibleDecisions(2)} AS decisions,
              f.minutes_recorded_at AS "minutesRecordedAt", f.created_at AS "createdAt", f.updated_at AS "updatedAt"
         FROM conferences f JOIN cases c ON c.id = f.case_id WHERE f.id = $1`,
      all ? [conferenceId] : [conferenceId, viewer],
    );
  },

  /** The invitees with their attendance, by agency name. */
  async invitees(db: Db, conferenceId: string): Promise<InviteeView[]> {
    return many<InviteeView>(
      db,
      `SELECT i.agency_id AS "agencyId", a.name AS "agencyName", i.attended, i.apologies, i.recorded_at AS "recordedAt"
         FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id WHERE i.conference_id = $1 ORDER BY a.name, a.id`,
      [conferenceId],
    );
  },

  /** The invitees with where they work (country, time zone), for planning reminders, by agency id. */
  async inviteeCalendars(db: Db, conferenceId: string): Promise<Array<{ agencyId: string; country: string; timezone: string }>> {
    return many<{ agencyId: string; country: string; timezone: string }>(
      db,
      `SELECT i.agency_id AS "agencyId", a.country, a.timezone FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id
        WHERE i.conference_id = $1 ORDER BY i.agency_id`,
      [conferenceId],
    );
  },

  /** What the invitation file says: the conference, its case reference and the lead agency as organizer. */
  async invitation(db: Db, conferenceId: string): Promise<(Conference & { caseReference: string; leadName: string; leadEmail: string | null }) | undefined> {
    return one<Conference & { caseReference: string; leadName: string; leadEmail: string | null }>(
      db,
      `SELECT ${COLUMNS}, c.reference AS "caseReference", a.name AS "leadName", a.email AS "leadEmail"
         FROM conferences f JOIN cases c ON c.id = f.case_id JOIN agencies a ON a.id = c.lead_agency_id
        WHERE f.id = $1`,
      [conferenceId],
    );
  },

  /** The invited agencies' names and email addresses, by name. */
  async attendees(db: Db, conferenceId: string): Promise<Array<{ name: string; email: string | null }>> {
    return many<{ name: string; email: string | null }>(
      db,
      `SELECT a.name, a.email FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id WHERE i.conference_id = $1 ORDER BY a.name`,
      [conferenceId],
    );
  },

  /** Erasure: minutes text, decisions, locations and apologies of the case's conferences go; dates and attendance stay. */
  async eraseForCase(db: Db, caseId: string): Promise<void> {
    await many(db, `UPDATE conferences SET minutes_text = NULL, decisions = NULL, location = NULL WHERE case_id = $1`, [caseId]);
    await many(
      db,
      `UPDATE conference_invitees SET apologies = NULL WHERE apologies IS NOT NULL AND conference_id IN (SELECT id FROM conferences WHERE case_id = $1)`,
      [caseId],
    );
  },
};
