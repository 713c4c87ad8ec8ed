import { many, one, single, type Db } from '../db.js';
import type { UserRole } from './actor.js';

/** A user as the API shows it (never the password hash). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
  active: boolean;
  createdAt: Date;
}

const COLUMNS = `id, email, name, agency_id AS "agencyId", roles, active, created_at AS "createdAt"`;

/** Serialises the bootstrap administrator's creation across instances starting at once. */
const BOOTSTRAP_LOCK = 0x636f6e77;
/** Serialises administrators' demotions, so two admins cannot demote each other at once. */
const ADMIN_DEMOTION_LOCK = 0x61646d6e;

/** Owner of `users`. */
export const UserRepository = {
  async lockBootstrap(db: Db): Promise<void> {
    await many(db, 'SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
  },

  async lockAdminDemotions(db: Db): Promise<void> {
    await many(db, 'SELECT pg_advisory_xact_lock($1)', [ADMIN_DEMOTION_LOCK]);
  },

  async any(db: Db): Promise<boolean> {
    return (await one(db, 'SELECT 1 FROM users LIMIT 1')) !== undefined;
  },

  async insert(
    db: Db,
    user: { email: string; name: string; passwordHash: string; agencyId?: string | null; roles: UserRole[] },
  ): Promise<UserView> {
    return single<UserView>(
      db,
      `INSERT INTO users (email, name, password_hash, agency_id, roles) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [user.email, user.name, user.passwordHash, user.agencyId ?? null, user.roles],
    );
  },

  async get(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<UserView | undefined> {
    return one<UserView>(db, `SELECT ${COLUMNS} FROM users WHERE id = $1${opts.lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
  },

  async list(db: Db): Promise<UserView[]> {
    return many<UserView>(db, `SELECT ${COLUMNS} FROM users ORDER BY lower(email)`);
  },

  /** A user by email (any case) with their password hash, for a login. */
  async findWithPasswordHash(db: Db, email: string): Promise<(UserView & { passwordHash: string }) | undefined> {
    return one<UserView & { passwordHash: string }>(
      db,
      `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
  },

  /** An active user by email (any case), for single sign-on. */
  async findActiveByEmail(db: Db, email: string): Promise<{ id: string; agencyId: string | null } | undefined> {
    return one<{ id: string; agencyId: string | null }>(
      db,
      `SELECT id, agency_id AS "agencyId" FROM users WHERE lower(email) = lower($1) AND active`,
      [email],
    );
  },

  async passwordHashOf(db: Db, id: string): Promise<string | undefined> {
    return (await one<{ passwordHash: string }>(db, `SELECT password_hash AS "passwordHash" FROM users WHERE id = $1`, [id]))?.passwordHash;
  },

  async countOtherActiveAdmins(db: Db, exceptId: string): Promise<number> {
    const row = await single<{ n: number }>(db, `SELECT count(*)::int AS n FROM users WHERE active AND 'admin' = ANY(roles) AND id <> $1`, [exceptId]);
    return row.n;
  },

  async update(
    db: Db,
    id: string,
    user: { name: string; roles: UserRole[]; agencyId: string | null; active: boolean },
  ): Promise<UserView> {
    return single<UserView>(
      db,
      `UPDATE users SET name = $2, roles = $3, agency_id = $4, active = $5 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, user.name, user.roles, user.agencyId, user.active],
    );
  },

  async setPasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
    await many(db, `UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [id, passwordHash]);
  },
};
