import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { single, type Db } from '../../../libs/domain/src/db.js';
import type { Actor, UserRole } from '../../../libs/domain/src/identity/actor.js';
import { PathwayCatalog } from '../../../libs/domain/src/pathways/pathway-catalog.service.js';
import type { Medium } from './medium.js';

// Row factories: rows inserted directly (test code may use SQL), each with a random name of its
// own, so files and tests share the run's database without ever seeing each other's rows.

type Conn = DataSource | Db;
const tag = () => randomUUID().slice(0, 8);
const on = (db: Conn): Db => (db instanceof DataSource ? db.manager : db);

export interface AgencyRow {
  id: string;
  name: string;
  kind: string;
}

export async function makeAgency(
  db: Conn,
  opts: { kind?: string; name?: string; country?: string; timezone?: string; deliveryHours?: unknown; webhookUrl?: string; email?: string; active?: boolean } = {},
): Promise<AgencyRow> {
  const kind = opts.kind ?? 'probation';
  return single<AgencyRow>(
    on(db),
    `INSERT INTO agencies (name, kind, country, timezone, delivery_hours, webhook_url, email, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, name, kind`,
    [
      opts.name ?? `${kind} ${tag()}`,
      kind,
      opts.country ?? 'NL',
      opts.timezone ?? 'Europe/Amsterdam',
      opts.deliveryHours === undefined ? null : JSON.stringify(opts.deliveryHours),
      opts.webhookUrl ?? null,
      opts.email ?? null,
      opts.active ?? true,
    ],
  );
}

/** A user (no usable password: the domain is called directly) and the actor the domain sees for them. */
export async function makeUser(db: Conn, opts: { agencyId: string | null; roles: UserRole[]; name?: string }): Promise<Actor> {
  const name = opts.name ?? `user ${tag()}`;
  const email = `${name.replace(/\W+/g, '.')}.${tag()}@example.org`;
  const row = await single<{ id: string }>(
    on(db),
    `INSERT INTO users (email, name, password_hash, agency_id, roles) VALUES ($1, $2, 'not-a-hash', $3, $4) RETURNING id`,
    [email, name, opts.agencyId, opts.roles],
  );
  return { userId: row.id, email, name, agencyId: opts.agencyId, roles: opts.roles };
}

export interface CaseRow {
  id: string;
  reference: string;
}

/** An open case led by `leadAgencyId`, with its participants (the lead as coordinator unless listed). */
export async function makeCase(
  db: Conn,
  opts: { leadAgencyId: string; createdBy?: string; participants?: Array<{ agencyId: string; role: string }>; keyDates?: Record<string, string>; subject?: string },
): Promise<CaseRow> {
  const conn = on(db);
  const row = await single<CaseRow>(
    conn,
    `INSERT INTO cases (reference, subject, lead_agency_id, key_dates, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id, reference`,
    [`MED-${tag()}`, JSON.stringify({ name: opts.subject ?? `Subject ${tag()}` }), opts.leadAgencyId, JSON.stringify(opts.keyDates ?? {}), opts.createdBy ?? null],
  );
  const participants = [...(opts.participants ?? [])];
  if (!participants.some((p) => p.agencyId === opts.leadAgencyId)) participants.unshift({ agencyId: opts.leadAgencyId, role: 'coordinator' });
  for (const [i, p] of participants.entries()) {
    // Distinct added_at: the domain orders participants by it.
    await conn.query(
      `INSERT INTO case_participants (case_id, agency_id, role, added_by, added_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [row.id, p.agencyId, p.role, opts.createdBy ?? null, i],
    );
  }
  return row;
}

/** Publishes a pathway definition under a fresh key through the catalog (it validates and compiles); returns the key. */
export async function makePathway(m: Medium, definition: (key: string) => Record<string, unknown>): Promise<string> {
  const key = `m-${tag()}`;
  const catalog = m.get(PathwayCatalog);
  await m.tx(async (tx) => {
    const draft = await catalog.createDraft(tx, key, definition(key));
    await catalog.publish(tx, key, draft.version, null);
  });
  return key;
}

export interface Partnership {
  city: AgencyRow;
  probation: AgencyRow;
  police: AgencyRow;
  /** The city's case manager (lead agency, coordinator). */
  manager: Actor;
  probationStaff: Actor;
  policeStaff: Actor;
}

/**
 * A small partnership: the city (coordinator, lead) with its case manager, probation and police with
 * one staff member each. Delivery hours are "always" unless given, so reminder times are exact.
 */
export async function makePartnership(db: Conn, opts: { deliveryHours?: unknown } = {}): Promise<Partnership> {
  const deliveryHours = opts.deliveryHours ?? 'always';
  const city = await makeAgency(db, { kind: 'local_authority', deliveryHours });
  const probation = await makeAgency(db, { kind: 'probation', deliveryHours });
  const police = await makeAgency(db, { kind: 'police', deliveryHours });
  return {
    city,
    probation,
    police,
    manager: await makeUser(db, { agencyId: city.id, roles: ['case_manager'] }),
    probationStaff: await makeUser(db, { agencyId: probation.id, roles: ['agency_staff'] }),
    policeStaff: await makeUser(db, { agencyId: police.id, roles: ['agency_staff'] }),
  };
}

/** A case of the partnership: the city leads, probation and police take part. */
export function makePartnershipCase(db: Conn, p: Partnership, opts: { keyDates?: Record<string, string> } = {}): Promise<CaseRow> {
  return makeCase(db, {
    leadAgencyId: p.city.id,
    createdBy: p.manager.userId,
    participants: [
      { agencyId: p.probation.id, role: 'probation' },
      { agencyId: p.police.id, role: 'police' },
    ],
    keyDates: opts.keyDates,
  });
}
