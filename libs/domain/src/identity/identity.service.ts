import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { isUniqueViolation, many, one, type Db } from '../db.js';
import type { Actor, UserRole } from './actor.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { AttemptThrottle, loginKeys } from './attempt-throttle.js';

export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
const ACTOR_CACHE_MS = 5_000;
const ACTOR_CACHE_SIZE = 10_000;

export interface UserView {
  id: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
  active: boolean;
  createdAt: Date;
}

const USER_COLUMNS = `id, email, name, agency_id AS "agencyId", roles, active, created_at AS "createdAt"`;

/** Users, login with rate limiting, access tokens, and the bootstrap administrator. */
@Injectable()
export class IdentityService implements OnApplicationBootstrap {
  private readonly logger = new Logger('identity');
  private readonly actors = new Map<string, { actor: Actor; until: number }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: AttemptThrottle,
  ) {}

  /** On a database with no users, creates the bootstrap administrator (under a lock: several instances may start). */
  async onApplicationBootstrap(): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x636f6e77]);
      const any = await one(tx, 'SELECT 1 FROM users LIMIT 1');
      if (any) return;
      const { email, password, isDefault } = this.config.bootstrapAdmin;
      await tx.query(`INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, $3, $4)`, [
        email,
        'Administrator',
        await hashPassword(password),
        ['admin'],
      ]);
      if (isDefault) {
        this.logger.warn('created the bootstrap administrator with the default password: change it (see README)');
      } else {
        this.logger.log('created the bootstrap administrator');
      }
    });
  }

  async login(email: string, password: string, ip: string | undefined): Promise<{ accessToken: string; expiresIn: number; user: UserView }> {
    // The attempt is counted before the password is checked, atomically: parallel guesses cannot slip past the limit.
    const keys = loginKeys(email, ip);
    const blocked = await this.throttle.take(keys);
    if (blocked) {
      throw new DomainError('rate_limited', `Too many login attempts; try again in ${waitText(blocked.retryAfterSeconds)}`, {
        retryAfter: blocked.retryAfterSeconds,
      });
    }
    const row = await one<UserView & { password_hash: string }>(
      this.ds.manager,
      `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    const ok = row
      ? row.active && (await verifyPassword(password, row.password_hash))
      : await verifyPassword(password, await DUMMY_HASH_PROMISE).then(() => false);
    await this.ds.query(`INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, $3)`, [email, ip ?? null, ok]);
    if (!ok || !row) throw new DomainError('unauthorized', 'Email or password is wrong');
    await this.throttle.succeeded(keys);
    const { password_hash: _hash, ...user } = row;
    return { accessToken: await this.issueToken(user.id), expiresIn: ACCESS_TOKEN_TTL_SECONDS, user };
  }

  issueToken(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId }, { expiresIn: ACCESS_TOKEN_TTL_SECONDS });
  }

  /**
   * Resolves a bearer token to the current user (deactivated users are refused). Resolved tokens
   * are cached for a few seconds: a hot path need not verify and re-load on every request, and a
   * deactivation or role change takes effect within ACTOR_CACHE_MS.
   */
  async actorFromToken(token: string): Promise<Actor | undefined> {
    const cached = this.actors.get(token);
    if (cached && cached.until > Date.now()) return cached.actor;
    const actor = await this.resolveToken(token);
    if (actor) {
      if (this.actors.size >= ACTOR_CACHE_SIZE) this.actors.delete(this.actors.keys().next().value!);
      this.actors.set(token, { actor, until: Date.now() + ACTOR_CACHE_MS });
    }
    return actor;
  }

  private async resolveToken(token: string): Promise<Actor | undefined> {
    let sub: string;
    try {
      sub = (await this.jwt.verifyAsync<{ sub: string }>(token)).sub;
    } catch {
      return undefined;
    }
    if (!/^[0-9a-f-]{36}$/i.test(sub)) return undefined;
    const user = await one<UserView>(this.ds.manager, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [sub]);
    if (!user || !user.active) return undefined;
    return { userId: user.id, email: user.email, name: user.name, agencyId: user.agencyId, roles: user.roles };
  }

  async createUser(
    db: Db,
    input: { email: string; name: string; password: string; agencyId: string | null; roles: UserRole[] },
  ): Promise<UserView> {
    if (input.agencyId) {
      const agency = await one(db, 'SELECT 1 FROM agencies WHERE id = $1', [input.agencyId]);
      if (!agency) throw new DomainError('unprocessable', 'Unknown agency', { errors: [{ path: '$.agencyId', message: 'no such agency' }] });
    } else if (input.roles.some((r) => r !== 'admin')) {
      throw new DomainError('unprocessable', 'Case managers and agency staff belong to an agency', {
        errors: [{ path: '$.agencyId', message: 'required for case_manager and agency_staff' }],
      });
    }
    try {
      return (await one<UserView>(
        db,
        `INSERT INTO users (email, name, password_hash, agency_id, roles) VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`,
        [input.email, input.name, await hashPassword(input.password), input.agencyId, input.roles],
      ))!;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'A user with this email exists already');
      throw error;
    }
  }

  listUsers(db: Db = this.ds.manager): Promise<UserView[]> {
    return many<UserView>(db, `SELECT ${USER_COLUMNS} FROM users ORDER BY lower(email)`);
  }

  async getUser(id: string): Promise<UserView> {
    const user = await one<UserView>(this.ds.manager, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    if (!user) throw new DomainError('not_found', 'User not found');
    return user;
  }
}

const waitText = (seconds: number) => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);
