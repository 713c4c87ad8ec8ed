import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DomainError } from '#core';
import { AuditService } from '../audit/audit.service.js';
import { transaction, type Db } from '../db.js';
import type { Actor } from './actor.js';
import { SessionRepository, type RevokeReason, type SessionVia } from './session.repository.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

/** A refresh token not used for this long expires; each refresh starts the period again. */
export const REFRESH_TOKEN_IDLE_DAYS = 14;

export type { RevokeReason, SessionVia } from './session.repository.js';

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
    const sessionId = await SessionRepository.insert(db, userId, via);
    const refreshToken = await this.issueRefreshToken(db, sessionId, 1);
    return { sessionId, accessToken: await this.accessToken(userId, sessionId), refreshToken, expiresIn: this.accessTokenTtlSeconds };
  }

  /**
   * Spends a refresh token for the next pair. Unknown, expired, revoked or inactive → 401; a spent
   * token again → the session is revoked (committed) and 401.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await transaction(this.ds, async (tx) => {
      const row = await SessionRepository.lockRefreshToken(tx, hashSecretToken(refreshToken));
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
      await SessionRepository.spendRefreshToken(tx, hashSecretToken(refreshToken));
      await SessionRepository.touch(tx, row.sessionId);
      const next = await this.issueRefreshToken(tx, row.sessionId, row.generation + 1);
      return { pair: { accessToken: await this.accessToken(row.userId, row.sessionId), refreshToken: next, expiresIn: this.accessTokenTtlSeconds } };
    });
    if ('refused' in outcome) throw new DomainError('unauthorized', outcome.refused!);
    return outcome.pair;
  }

  /** Ends one session: its access and refresh tokens stop working at once. */
  async revokeSession(db: Db, sessionId: string, reason: RevokeReason): Promise<boolean> {
    return SessionRepository.revoke(db, sessionId, reason);
  }

  /** Ends every live session of a user (but `exceptSessionId`); returns how many. */
  async revokeUserSessions(db: Db, userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    return SessionRepository.revokeAllOfUser(db, userId, reason, exceptSessionId);
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
    const user = await SessionRepository.liveUser(this.ds.manager, sid, sub);
    if (!user) return undefined;
    return { userId: user.id, email: user.email, name: user.name, agencyId: user.agencyId, roles: user.roles, sessionId: sid };
  }

  private accessToken(userId: string, sessionId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, sid: sessionId }, { expiresIn: this.accessTokenTtlSeconds });
  }

  private async issueRefreshToken(db: Db, sessionId: string, generation: number): Promise<string> {
    const token = newSecretToken();
    await SessionRepository.insertRefreshToken(db, { hash: hashSecretToken(token), sessionId, generation, idleDays: REFRESH_TOKEN_IDLE_DAYS });
    return token;
  }
}
