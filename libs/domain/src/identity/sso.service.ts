import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig, DomainError } from '#core';
import { AuditService } from '../audit/audit.service.js';
import { transaction } from '../db.js';
import { SsoHandoffRepository, type HandoffUser } from './sso-handoff.repository.js';
import { UserRepository } from './user.repository.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';
import { SessionService, type TokenPair } from './session.service.js';

/** How long a sign-in at the provider may take, and how long the web app has to pick up its code. */
const FLOW_SECONDS = 600;
const HANDOFF_SECONDS = 60;

/** Why a single sign-on was refused; the login page shows a message per reason. */
export type SsoRefusal = 'unknown_user' | 'unverified_email' | 'failed';

interface FlowState {
  typ: 'oidc-flow';
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/**
 * Single sign-on through the partnership's OpenID Connect provider: authorization code flow
 * with PKCE (openid-client). State, nonce and the PKCE verifier travel in a signed, HttpOnly,
 * ten-minute cookie bound to the browser that started, so nothing is stored before sign-in and a
 * callback URL handed to someone else fails. The provider's **verified** email is matched to an
 * existing active user — never created on the fly. The web app then gets a one-time code in the
 * URL fragment (never sent to a server, so never in a log) and exchanges it for a session.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('sso');
  private provider?: Promise<oidc.Configuration>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  get enabled(): boolean {
    return this.config.oidc !== undefined;
  }

  /** What the login page offers: single sign-on or not, and how long an access token lives. */
  loginConfig(): { sso: boolean; accessTokenTtlSeconds: number } {
    return { sso: this.enabled, accessTokenTtlSeconds: this.sessions.accessTokenTtlSeconds };
  }

  /** The provider's metadata, discovered once (again after a failure). */
  private discover(): Promise<oidc.Configuration> {
    const settings = this.config.oidc;
    if (!settings) throw new DomainError('not_found', 'Single sign-on is not configured');
    this.provider ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        // Plain http only for a provider on this machine's loopback (development, tests).
        new URL(settings.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      )
      .catch((error: unknown) => {
        this.provider = undefined;
        this.logger.warn({ err: { message: (error as Error).message } }, 'OpenID provider discovery failed');
        throw new DomainError('unavailable', 'The sign-in provider does not answer; try again later or log in with a password');
      });
    return this.provider;
  }

  /** The provider's end-session endpoint, when it has one. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<string | undefined> {
    const provider = await this.discover();
    if (!provider.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(provider, { post_logout_redirect_uri: postLogoutRedirectUri }).href;
  }

  /** Where to send the browser, and the signed cookie that remembers the flow. */
  async start(redirectUri: string): Promise<{ url: string; cookie: string; maxAgeSeconds: number }> {
    const provider = await this.discover();
    const flow: FlowState = { typ: 'oidc-flow', state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), redirectUri };
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    const cookie = await this.jwt.signAsync({ ...flow }, { expiresIn: FLOW_SECONDS });
    return { url: url.href, cookie, maxAgeSeconds: FLOW_SECONDS };
  }

  /**
   * The provider sent the browser back. Returns the one-time code for the web app, or why not.
   * Every check is openid-client's: state, PKCE, issuer, audience, signature and nonce of the ID token.
   */
  async callback(currentUrl: URL, cookie: string | undefined): Promise<{ code: string } | { refused: SsoRefusal }> {
    const flow = cookie ? await this.jwt.verifyAsync<FlowState>(cookie).catch(() => undefined) : undefined;
    if (!flow || flow.typ !== 'oidc-flow') return { refused: 'failed' };
    const provider = await this.discover();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(provider, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      if (typeof claims.email !== 'string' || claims.email_verified === undefined) {
        // Some providers put email only in UserInfo (OIDC Core 5.4); openid-client checks its subject.
        const info = await oidc.fetchUserInfo(provider, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims, email: claims.email ?? info.email, email_verified: claims.email_verified ?? info.email_verified };
      }
    } catch (error) {
      this.logger.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'single sign-on failed');
      return { refused: 'failed' };
    }
    if (typeof claims.email !== 'string' || claims.email_verified !== true) return { refused: 'unverified_email' };
    const user = await UserRepository.findActiveByEmail(this.ds.manager, claims.email);
    if (!user) return { refused: 'unknown_user' };
    const code = newSecretToken();
    await SsoHandoffRepository.insert(this.ds.manager, { codeHash: hashSecretToken(code), userId: user.id, validSeconds: HANDOFF_SECONDS });
    return { code };
  }

  /** The web app trades its one-time code for a session (once, within a minute). */
  async exchange(code: string): Promise<TokenPair & { user: HandoffUser }> {
    return transaction(this.ds, async (tx) => {
      const user = await SsoHandoffRepository.redeem(tx, hashSecretToken(code));
      if (!user) throw new DomainError('unauthorized', 'This sign-in code is invalid, used or expired; sign in again');
      const { sessionId, ...tokens } = await this.sessions.start(tx, user.id, 'oidc');
      await this.audit.record(tx, { ...user, userId: user.id }, { action: 'session.sso_login', resource: 'session', resourceId: sessionId });
      return { ...tokens, user };
    });
  }
}
