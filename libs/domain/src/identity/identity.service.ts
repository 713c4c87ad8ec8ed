import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DomainError } from '#core';
import { createMailer, escapeHtml, type Mailer } from '#notifications';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, transaction, type Db } from '../db.js';
import type { Actor, UserRole } from './actor.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { AttemptThrottle, loginKeys, resetRedeemKeys, resetRequestKeys, type ThrottleKey } from './attempt-throttle.js';
import { assertPasswordAcceptable } from './password-policy.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';
import { SessionService, type TokenPair } from './session.service.js';
import { AgencyRepository } from './agency.repository.js';
import { LoginAttemptRepository } from './login-attempt.repository.js';
import { PasswordResetRepository } from './password-reset.repository.js';
import { UserRepository, type UserView } from './user.repository.js';

/** A password-reset link works once, for this long. */
export const RESET_LINK_HOURS = 24;

export type { UserView } from './user.repository.js';

export interface UserChange {
  name?: string;
  roles?: UserRole[];
  agencyId?: string | null;
  active?: boolean;
}

/** Users, login with rate limiting, passwords and their reset, and the bootstrap administrator. */
@Injectable()
export class IdentityService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('identity');
  private readonly mailer: Mailer;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: AttemptThrottle,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {
    this.mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: join(config.dataDir, 'mail'), from: config.mailFrom });
  }

  /** On a database with no users, creates the bootstrap administrator (under a lock: several instances may start). */
  async onApplicationBootstrap(): Promise<void> {
    await transaction(this.ds, async (tx) => {
      await UserRepository.lockBootstrap(tx);
      if (await UserRepository.any(tx)) return;
      const { email, password, isDefault } = this.config.bootstrapAdmin;
      await UserRepository.insert(tx, { email, name: 'Administrator', passwordHash: await hashPassword(password), roles: ['admin'] });
      if (isDefault) {
        this.logger.warn('created the bootstrap administrator with the default password: change it (see README)');
      } else {
        this.logger.log('created the bootstrap administrator');
      }
    });
  }

  onApplicationShutdown(): void {
    this.mailer.close();
  }

  async login(email: string, password: string, ip: string | undefined): Promise<TokenPair & { user: UserView }> {
    // The attempt is counted before the password is checked, atomically: parallel guesses cannot slip past the limit.
    const keys = loginKeys(email, ip);
    await this.take(keys, 'login attempts');
    const row = await UserRepository.findWithPasswordHash(this.ds.manager, email);
    const ok = row
      ? row.active && (await verifyPassword(password, row.passwordHash))
      : await verifyPassword(password, await DUMMY_HASH_PROMISE).then(() => false);
    await LoginAttemptRepository.record(this.ds.manager, { email, ip: ip ?? null, succeeded: ok });
    if (!ok || !row) throw new DomainError('unauthorized', 'Email or password is wrong');
    await this.throttle.succeeded(keys);
    const { passwordHash: _hash, ...user } = row;
    const { sessionId: _sid, ...tokens } = await this.sessions.start(this.ds.manager, user.id, 'password');
    return { ...tokens, user };
  }

  /** The logged-in user, as `GET /api/auth/me` shows them. */
  me(actor: Actor): { id: string; email: string; name: string; agencyId: string | null; roles: UserRole[] } {
    return { id: actor.userId, email: actor.email, name: actor.name, agencyId: actor.agencyId, roles: actor.roles };
  }

  /** Resolves a bearer token to the current user; see {@link SessionService.actorFromToken} (no cache). */
  actorFromToken(token: string): Promise<Actor | undefined> {
    return this.sessions.actorFromToken(token);
  }

  /** Creates a user (administrators), audited in the same transaction. */
  createUser(
    actor: Actor,
    input: { email: string; name: string; password: string; agencyId: string | null; roles: UserRole[] },
  ): Promise<UserView> {
    return transaction(this.ds, async (tx) => {
      await this.checkAgencyAndRoles(tx, input.agencyId, input.roles);
      assertPasswordAcceptable(input.password, input);
      let user: UserView;
      try {
        user = await UserRepository.insert(tx, {
          email: input.email,
          name: input.name,
          passwordHash: await hashPassword(input.password),
          agencyId: input.agencyId,
          roles: input.roles,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('conflict', 'A user with this email exists already');
        throw error;
      }
      await this.audit.record(tx, actor, { action: 'user.create', resource: 'user', resourceId: user.id, detail: { roles: user.roles } });
      return user;
    });
  }

  /**
   * Changes a user (administrators). Deactivation, or new roles or agency, end every session of
   * theirs at once: the next request with an old token is 401 and refresh fails, so nobody keeps
   * rights they lost. The last active administrator cannot be demoted or deactivated.
   */
  updateUser(actor: Actor, id: string, change: UserChange): Promise<UserView> {
    return transaction(this.ds, (tx) => this.changeUser(tx, actor, id, change));
  }

  private async changeUser(tx: Db, actor: Actor, id: string, change: UserChange): Promise<UserView> {
    const before = await UserRepository.get(tx, id, { lock: true });
    if (!before) throw new DomainError('not_found', 'User not found');
    const after = {
      name: change.name ?? before.name,
      roles: change.roles ?? before.roles,
      agencyId: change.agencyId === undefined ? before.agencyId : change.agencyId,
      active: change.active ?? before.active,
    };
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    if (changed.length === 0) return before;
    if (changed.includes('agencyId') || changed.includes('roles')) await this.checkAgencyAndRoles(tx, after.agencyId, after.roles, changed.includes('agencyId'));
    if (before.active && before.roles.includes('admin') && (!after.active || !after.roles.includes('admin'))) {
      // Serialise administrators' demotions, so two admins cannot demote each other at once.
      await UserRepository.lockAdminDemotions(tx);
      if ((await UserRepository.countOtherActiveAdmins(tx, id)) === 0) throw new DomainError('unprocessable', 'This is the last active administrator: make someone else an administrator first');
    }
    const user = await UserRepository.update(tx, id, after);
    const ends = !after.active ? 'user_deactivated' : changed.some((k) => k === 'roles' || k === 'agencyId') ? 'user_changed' : undefined;
    const revoked = ends ? await this.sessions.revokeUserSessions(tx, id, ends) : 0;
    await this.audit.record(tx, actor, {
      action: 'user.update',
      resource: 'user',
      resourceId: id,
      // Field names and rights, never the name itself (personal data stays in the users table).
      detail: { fields: changed, roles: user.roles, agencyId: user.agencyId, active: user.active, sessionsRevoked: revoked },
    });
    return user;
  }

  /** The caller changes their own password; their other sessions end. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, ip: string | undefined): Promise<void> {
    // A wrong current password counts like a failed login: this is a password check too.
    const keys = loginKeys(actor.email, ip);
    await this.take(keys, 'password attempts');
    const currentHash = await UserRepository.passwordHashOf(this.ds.manager, actor.userId);
    if (!currentHash || !(await verifyPassword(currentPassword, currentHash))) {
      throw new DomainError('unprocessable', 'The current password is wrong', { errors: [{ path: '$.currentPassword', message: 'wrong password' }] });
    }
    await this.throttle.succeeded(keys);
    assertPasswordAcceptable(newPassword, actor, '$.newPassword');
    const hash = await hashPassword(newPassword);
    await transaction(this.ds, async (tx) => {
      await UserRepository.setPasswordHash(tx, actor.userId, hash);
      const revoked = await this.sessions.revokeUserSessions(tx, actor.userId, 'password_changed', actor.sessionId);
      await this.audit.record(tx, actor, { action: 'user.password.change', resource: 'user', resourceId: actor.userId, detail: { sessionsRevoked: revoked } });
    });
  }

  /**
   * An administrator has a single-use reset link emailed to a user (valid {@link RESET_LINK_HOURS} h;
   * only its hash is stored; earlier unused links of that user stop working). The link carries the
   * token in its fragment, which browsers never send to a server, so it stays out of access logs.
   */
  async requestPasswordReset(actor: Actor, userId: string, ip: string | undefined): Promise<void> {
    const user = await this.getUser(userId);
    if (!user.active) throw new DomainError('unprocessable', 'The user is deactivated: activate them first');
    await this.take(resetRequestKeys(userId, ip), 'password reset emails');
    const token = newSecretToken();
    const agency = user.agencyId ? await AgencyRepository.get(this.ds.manager, user.agencyId) : undefined;
    await transaction(this.ds, async (tx) => {
      await PasswordResetRepository.spendAllOfUser(tx, userId);
      await PasswordResetRepository.insert(tx, { tokenHash: hashSecretToken(token), userId, requestedBy: actor.userId, validHours: RESET_LINK_HOURS });
      await this.audit.record(tx, actor, { action: 'user.password.reset_requested', resource: 'user', resourceId: userId });
    });
    const link = `${this.config.publicUrl}/reset-password#token=${token}`;
    await this.mailer.send({
      to: user.email,
      ...resetMessage(agency?.locale ?? 'en', user.name, link),
      messageId: `password-reset-${hashSecretToken(token).slice(0, 24)}`,
    });
  }

  /** Redeems a reset link: sets the password, spends the link and ends every session of the user. */
  async resetPassword(token: string, newPassword: string, ip: string | undefined): Promise<void> {
    await this.take(resetRedeemKeys(ip), 'password reset attempts');
    const invalid = () => new DomainError('bad_request', 'This reset link is invalid, used or expired: ask an administrator for a new one');
    await transaction(this.ds, async (tx) => {
      const row = await PasswordResetRepository.lockRedeemable(tx, hashSecretToken(token));
      if (!row) throw invalid();
      assertPasswordAcceptable(newPassword, row, '$.newPassword');
      await PasswordResetRepository.spend(tx, hashSecretToken(token));
      await UserRepository.setPasswordHash(tx, row.userId, await hashPassword(newPassword));
      const revoked = await this.sessions.revokeUserSessions(tx, row.userId, 'password_reset');
      await this.audit.record(tx, row, { action: 'user.password.reset', resource: 'user', resourceId: row.userId, detail: { sessionsRevoked: revoked } });
    });
  }

  /** Ends the caller's session (logout). */
  async logout(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    await transaction(this.ds, async (tx) => {
      if (await this.sessions.revokeSession(tx, actor.sessionId!, 'logout')) {
        await this.audit.record(tx, actor, { action: 'session.logout', resource: 'session', resourceId: actor.sessionId });
      }
    });
  }

  listUsers(db: Db = this.ds.manager): Promise<UserView[]> {
    return UserRepository.list(db);
  }

  async getUser(id: string): Promise<UserView> {
    const user = await UserRepository.get(this.ds.manager, id);
    if (!user) throw new DomainError('not_found', 'User not found');
    return user;
  }

  /** Case managers and agency staff belong to an agency; a new one must exist and be active. */
  private async checkAgencyAndRoles(db: Db, agencyId: string | null, roles: UserRole[], agencyIsNew = true): Promise<void> {
    if (agencyId) {
      if (!agencyIsNew) return;
      const agency = await AgencyRepository.get(db, agencyId);
      if (!agency) throw new DomainError('unprocessable', 'Unknown agency', { errors: [{ path: '$.agencyId', message: 'no such agency' }] });
      if (!agency.active) throw new DomainError('unprocessable', 'The agency is inactive', { errors: [{ path: '$.agencyId', message: 'inactive agency' }] });
    } else if (roles.some((r) => r !== 'admin')) {
      throw new DomainError('unprocessable', 'Case managers and agency staff belong to an agency', {
        errors: [{ path: '$.agencyId', message: 'required for case_manager and agency_staff' }],
      });
    }
  }

  private async take(keys: ThrottleKey[], what: string): Promise<void> {
    const blocked = await this.throttle.take(keys);
    if (blocked) {
      throw new DomainError('rate_limited', `Too many ${what}; try again in ${waitText(blocked.retryAfterSeconds)}`, {
        retryAfter: blocked.retryAfterSeconds,
      });
    }
  }
}

const waitText = (seconds: number) => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

function resetMessage(locale: string, name: string, link: string): { subject: string; text: string; html: string } {
  const nl = locale.startsWith('nl');
  const subject = nl ? 'Stel een nieuw Convene-wachtwoord in' : 'Set a new Convene password';
  const lines = nl
    ? [`Beste ${name},`, `Een beheerder heeft een nieuw wachtwoord voor je aangevraagd. Deze link werkt één keer, ${RESET_LINK_HOURS} uur lang:`]
    : [`Dear ${name},`, `An administrator asked for a new password for you. This link works once, for ${RESET_LINK_HOURS} hours:`];
  const after = nl ? 'Heb je hier niet om gevraagd? Negeer dit bericht.' : 'Did not expect this? Ignore this message.';
  return {
    subject,
    text: `${lines.join('\n\n')}\n\n${link}\n\n${after}\n`,
    html: `${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>${escapeHtml(after)}</p>`,
  };
}
