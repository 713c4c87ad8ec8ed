import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, zodBody } from '#core';
import { ApiBearerAuth, ApiFoundResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type Actor, IdentityService, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, SessionService, SsoService } from '#domain';
import { ApiProblems, ApiZodBody, ApiZodOk } from '../common/openapi.js';
import { CurrentActor, Public, type AuthedRequest } from './auth.decorators.js';
import { AuthConfig, CurrentUser, LoginResponse, SsoLoginResponse, TokenPair } from './auth.responses.js';

const LoginBody = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) }).strict();
const secretToken = z.string().min(20).max(200);
const RefreshBody = z.object({ refreshToken: secretToken }).strict();
const PasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH) }).strict();
const ResetBody = z.object({ token: secretToken, newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH) }).strict();
const ExchangeBody = z.object({ code: secretToken }).strict();

const FLOW_COOKIE = 'convene_oidc';
const FLOW_COOKIE_PATH = '/api/auth/oidc';

/** RFC 9110: a 429 says when to come back. */
function withRetryAfter<T>(res: Response, work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof DomainError && typeof error.extra.retryAfter === 'number') res.setHeader('Retry-After', String(error.extra.retryAfter));
    throw error;
  });
}

/** This request's own origin (behind a loopback proxy, X-Forwarded-Proto/Host count): the provider checks it against the registered redirect URIs. */
const originOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    private readonly sessions: SessionService,
    private readonly sso: SsoService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in: starts a session; returns a short-lived access token, a single-use refresh token and the user',
    description:
      'Attempts are limited per account and source, per source and per account (see docs/architecture.md, Login limits); 429 carries `Retry-After`. ' +
      'The access token lives `expiresIn` seconds (at most 900); see docs/identity.md.',
  })
  @ApiZodBody(LoginBody)
  @ApiZodOk(LoginResponse, { description: '`{accessToken, refreshToken, expiresIn, user: {id, email, name, agencyId, roles, active, createdAt}}`' })
  @ApiProblems(400, 401, 429)
  login(@Body(zodBody(LoginBody)) body: z.infer<typeof LoginBody>, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    return withRetryAfter(res, () => this.identity.login(body.email, body.password, req.ip));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Spend a refresh token for a new access and refresh token',
    description: 'A refresh token works once. Presenting a spent one again revokes the whole session (reuse detection) → 401.',
  })
  @ApiZodBody(RefreshBody)
  @ApiZodOk(TokenPair, { description: '`{accessToken, refreshToken, expiresIn}`' })
  @ApiProblems(400, 401)
  refresh(@Body(zodBody(RefreshBody)) body: z.infer<typeof RefreshBody>) {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: "End the caller's session: its access and refresh tokens stop working at once" })
  @ApiNoContentResponse({ description: 'The session is ended' })
  @ApiProblems(401)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.identity.logout(actor);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change your own password; your other sessions end',
    description: `The new password needs ${PASSWORD_MIN_LENGTH}+ characters and may not contain your email address or name. A wrong current password counts as a failed login.`,
  })
  @ApiZodBody(PasswordBody)
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(400, 401, 422, 429)
  async password(
    @Body(zodBody(PasswordBody)) body: z.infer<typeof PasswordBody>,
    @CurrentActor() actor: Actor,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await withRetryAfter(res, () => this.identity.changePassword(actor, body.currentPassword, body.newPassword, req.ip));
  }

  @Public()
  @Post('reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with an emailed reset link (single-use, 24 hours); every session of the user ends' })
  @ApiZodBody(ResetBody)
  @ApiNoContentResponse({ description: 'The password is set; log in with it' })
  @ApiProblems(400, 422, 429)
  async reset(@Body(zodBody(ResetBody)) body: z.infer<typeof ResetBody>, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    await withRetryAfter(res, () => this.identity.resetPassword(body.token, body.newPassword, req.ip));
  }

  @Public()
  @Get('config')
  @ApiOperation({ summary: 'What the login page offers: whether single sign-on is configured' })
  @ApiZodOk(AuthConfig, { description: '`{sso: boolean, accessTokenTtlSeconds}`' })
  config() {
    return this.sso.loginConfig();
  }

  @Public()
  @Get('oidc/start')
  @ApiOperation({ summary: "Single sign-on: redirects to the partnership's OpenID provider (authorization code flow with PKCE)" })
  @ApiFoundResponse({ description: "Redirect to the provider's authorization endpoint; sets a short-lived signed cookie for the callback" })
  @ApiProblems(404, 503)
  async oidcStart(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const flow = await this.sso.start(`${originOf(req)}/api/auth/oidc/callback`);
    res.cookie(FLOW_COOKIE, flow.cookie, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: FLOW_COOKIE_PATH, maxAge: flow.maxAgeSeconds * 1000 });
    res.redirect(302, flow.url);
  }

  @Public()
  @Get('oidc/callback')
  @ApiOperation({
    summary: 'Single sign-on: where the provider sends the browser back',
    description:
      'Matches the ID token\'s verified email to an existing active user. Success: redirect to `/login/complete#code=<one-time code>` ' +
      '(exchange it with `POST /api/auth/oidc/exchange`). Refusal: redirect to `/login?sso_error=unknown_user|unverified_email|failed`.',
  })
  @ApiFoundResponse({ description: 'Redirect to the web app' })
  @ApiProblems(404, 503)
  async oidcCallback(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const outcome = await this.sso.callback(new URL(req.originalUrl, originOf(req)), readCookie(req, FLOW_COOKIE));
    res.clearCookie(FLOW_COOKIE, { path: FLOW_COOKIE_PATH });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, 'code' in outcome ? `/login/complete#code=${outcome.code}` : `/login?sso_error=${outcome.refused}`);
  }

  @Public()
  @Post('oidc/exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Single sign-on: trade the one-time code (valid a minute) for a session' })
  @ApiZodBody(ExchangeBody)
  @ApiZodOk(SsoLoginResponse, { description: '`{accessToken, refreshToken, expiresIn, user}`' })
  @ApiProblems(400, 401)
  exchange(@Body(zodBody(ExchangeBody)) body: z.infer<typeof ExchangeBody>) {
    return this.sso.exchange(body.code);
  }

  @Public()
  @Get('oidc/logout')
  @ApiOperation({ summary: "After logout: redirects to the provider's end-session endpoint when it has one, else to the login page" })
  @ApiFoundResponse({ description: 'Redirect' })
  @ApiProblems(404, 503)
  async oidcLogout(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const back = `${originOf(req)}/login`;
    res.redirect(302, (await this.sso.endSessionUrl(back)) ?? '/login');
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiZodOk(CurrentUser, { description: '`{id, email, name, agencyId, roles}`' })
  @ApiProblems(401)
  me(@CurrentActor() actor: Actor) {
    return this.identity.me(actor);
  }
}
