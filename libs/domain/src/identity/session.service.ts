import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import { many, one, type Db } from '../db.js';
import type { Actor, UserRole } from './actor.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

/** A refresh token not used for this long expires; each refresh starts the period again. */
export const REFRESH_TOKEN_IDLE_DAYS = 14;

export type SessionVia = 'password' | 'oidc';
export type RevokeReason = 'logout' | 'refresh_reuse' | 'password_changed' | 'password_reset' | 'user_changed' | 'user_deactivated';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token is valid. */
  expiresIn: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sessions (docs/identity.md). A login starts one; its access tokens (JWT, `sid` = session id)
 * live at most 15 minutes and its refresh tokens are single-use: each refresh spends the
 * presented one and issues the next generation. A spent one presented again means it was copied
 * — the whole session is revoked (OAuth 2.0 Security BCP, refresh token reuse detection).
 * Every request looks its session up (primary key, joined to the user), so a revocation or
 * deactivation counts on the very next request: there is no cache window.
 */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  get accessTokenTtlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  /** Starts a session for a user who just proved who they are. */
  async start(db: Db, userId: string, via: SessionVia): Promise<TokenPair & { sessionId: string }> {
    const session = (await one<{ id: string }>(db, `INSERT INTO sessions (user_id, via) VALUES ($1, $2) RETURNING id`, [userId, via]))!;
    const refreshToken = await this.issueRefreshToken(db, session.id, 1);
    return { sessionId: session.id, accessToken: await this.accessToken(userId, session.id), refreshToken, expiresIn: this.accessTokenTtlSeconds };
  }

  /**
   * Spends a refresh token for the next pair. Unknown, expired, revoked or inactive → 401; a spent
   * token again → the session is revoked (committed) and 401.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.ds.transaction(async (tx) => {
      const row = await one<{ sessionId: string; generation: number; used: boolean; expired: boolean; revoked: boolean; userId: string; active: boolean }>(
        tx,
        `SELECT r.session_id AS "sessionId", r.generation, r.used_at IS NOT NULL AS used, r.expires_at <= now() AS expired,
                s.revoked_at IS NOT NULL AS revoked, s.user_id AS "userId", u.active
           FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
          WHERE r.token_hash = $1
          FOR NO KEY UPDATE OF r, s`,
        [hashSecretToken(refreshToken)],
      );
      if (!row || row.revoked || !row.active) return { refused: 'The refresh token is not valid; log in again' };
      if (row.used) {
        await this.revokeSession(tx, row.sessionId, 'refresh_reuse');
        await this.audit.record(tx, { userId: row.userId, agencyId: null } as Actor, {
          action: 'session.revoke',
          resource: 'session',
          resourceId: row.sessionId,
          detail: { reason: 'refresh_reuse' },
        });
        return { refused: 'This refresh token was used already: the session is ended; log in again' };
      }
      if (row.expired) return { refused: 'The refresh token expired; log in again' };
      await tx.query(`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [hashSecretToken(refreshToken)]);
      await tx.query(`UPDATE sessions SET last_used_at = now() WHERE id = $1`, [row.sessionId]);
      const next = await this.issueRefreshToken(tx, row.sessionId, row.generation + 1);
      return { pair: { accessToken: await this.accessToken(row.userId, row.sessionId), refreshToken: next, expiresIn: this.accessTokenTtlSeconds } };
    });
    if ('refused' in outcome) throw new DomainError('unauthorized', outcome.refused!);
    return outcome.pair;
  }

  /** Ends one session: its access and refresh tokens stop working at once. */
  async revokeSession(db: Db, sessionId: string, reason: RevokeReason): Promise<boolean> {
    const rows = await many(db, `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [
      sessionId,
      reason,
    ]);
    return rows.length > 0;
  }

  /** Ends every live session of a user (but `exceptSessionId`); returns how many. */
  async revokeUserSessions(db: Db, userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    const rows = await many(
      db,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
      [userId, reason, exceptSessionId ?? null],
    );
    return rows.length;
  }

  /** The caller behind an access token: its session live, its user active, with their current roles and agency. */
  async actorFromToken(token: string): Promise<Actor | undefined> {
    let claims: { sub?: unknown; sid?: unknown };
    try {
      claims = await this.jwt.verifyAsync<{ sub?: unknown; sid?: unknown }>(token);
    } catch {
      return undefined;
    }
    const { sub, sid } = claims;
    if (typeof sub !== 'string' || typeof sid !== 'string' || !UUID.test(sub) || !UUID.test(sid)) return undefined;
    const user = await one<{ id: string; email: string; name: string; agencyId: string | null; roles: UserRole[] }>(
      this.ds.manager,
      `SELECT u.id, u.email, u.name, u.agency_id AS "agencyId", u.roles
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.active`,
      [sid, sub],
    );
    if (!user) return undefined;
    return { userId: user.id, email: user.email, name: user.name, agencyId: user.agencyId, roles: user.roles, sessionId: sid };
  }

  private accessToken(userId: string, sessionId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, sid: sessionId }, { expiresIn: this.accessTokenTtlSeconds });
  }

  private async issueRefreshToken(db: Db, sessionId: string, generation: number): Promise<string> {
    const token = newSecretToken();
    await db.query(
      `INSERT INTO refresh_tokens (token_hash, session_id, generation, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`,
      [hashSecretToken(token), sessionId, generation, REFRESH_TOKEN_IDLE_DAYS],
    );
    return token;
  }
}
