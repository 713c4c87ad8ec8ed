import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { ALL_QUEUES, type AppConfig, bearerToken, problem, QUEUE, type QueueName, QueueService, sendProblem } from '#core';
import { IdentityService } from '#domain';
import { setMetricsRoute } from './http-metrics.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'convene_queue_dashboard';
/** The dashboard cookie lives at most this long (and never longer than the token it carries). */
export const QUEUE_DASHBOARD_COOKIE_MAX_SECONDS = 15 * 60;

const DESCRIPTIONS: Record<QueueName, string> = {
  [QUEUE.timers]: 'Pathway timers (after delays): each fires one event into one instance',
  [QUEUE.reminders]: 'Reminders, overdue notices and escalations of tasks and conferences',
  [QUEUE.deliveries]: 'One notification delivered over one channel (webhook, email)',
};

/**
 * bull-board at /admin/queues, for administrators only. A browser cannot send a bearer header when
 * it navigates, so the dashboard also accepts the cookie set by
 * `POST /api/admin/queue-dashboard/session`: it carries the administrator's own access token
 * (HttpOnly, SameSite=Strict, Path=/admin/queues), so every request is checked exactly like an API
 * call — a logout, deactivation or role change shuts the dashboard too. Jobs carry ids only, never
 * personal data, and PostgreSQL stays the source of truth: a job removed here is re-armed by the
 * reconciler.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly queues: QueueService,
    private readonly identity: IdentityService,
  ) {}

  /** Runs after Nest registered its routes and before its 404 handler, so the mount is reachable. */
  onModuleInit(): void {
    const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      // bull-board types its adapter for the Redis backend's Queue; it calls only the API both backends share.
      queues: ALL_QUEUES.map((name) => new BullMQAdapter(this.queues.queue(name) as Queue, { description: DESCRIPTIONS[name], allowRetries: true })),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Convene queues', miscLinks: [{ text: 'Back to Convene', url: '/' }] } },
    });
    this.host.httpAdapter.getInstance<Express>().use(QUEUE_DASHBOARD_PATH, (req, res, next) => this.gate(req, res, next), serverAdapter.getRouter() as RequestHandler);
  }

  private async gate(req: Request, res: Response, next: NextFunction): Promise<void> {
    setMetricsRoute(res, QUEUE_DASHBOARD_PATH);
    try {
      const token = bearerToken(req.headers.authorization) ?? readCookie(req.headers.cookie, QUEUE_DASHBOARD_COOKIE);
      if (!token) return refuse(req, res, 401, 'Administrators only: sign in below, or send Authorization: Bearer <accessToken>');
      const actor = await this.identity.actorFromToken(token);
      if (!actor) return refuse(req, res, 401, 'Your sign-in has expired or was revoked: sign in again');
      if (!actor.roles.includes('admin')) return refuse(req, res, 403, 'This needs the role admin');
      next();
    } catch (error) {
      next(error);
    }
  }
}

/** Problem JSON; a browser navigating here gets a small sign-in page with the same status instead. */
function refuse(req: Request, res: Response, status: 401 | 403, detail: string): void {
  const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html';
  if (!wantsPage) return sendProblem(res, problem(status === 401 ? 'unauthorized' : 'forbidden', status, detail));
  res.status(status).type('html').set('Cache-Control', 'no-store').send(signInPage(detail));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
  }
  return undefined;
}

/** The cookie the session endpoint sets: the caller's access token, for no longer than it is valid. */
export function dashboardCookie(req: Request, res: Response, config: AppConfig, token: string): number {
  const maxAge = Math.max(0, Math.min(QUEUE_DASHBOARD_COOKIE_MAX_SECONDS, secondsLeft(token)));
  res.cookie(QUEUE_DASHBOARD_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: QUEUE_DASHBOARD_PATH,
    secure: req.secure || config.publicUrl.startsWith('https:'),
    maxAge: maxAge * 1000,
  });
  return maxAge;
}

function secondsLeft(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? Math.floor(payload.exp - Date.now() / 1000) : QUEUE_DASHBOARD_COOKIE_MAX_SECONDS;
  } catch {
    return QUEUE_DASHBOARD_COOKIE_MAX_SECONDS;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Signs in (POST /api/auth/login), opens the dashboard session, reloads. Password accounts only. */
function signInPage(detail: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Queue dashboard — Convene</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}[role=status]{margin-top:1rem}</style>
</head>
<body>
<main>
<h1>Queue dashboard</h1>
<p id="why">${escapeHtml(detail)}</p>
<form id="sign-in">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in as an administrator</button>
</form>
<p role="status" id="status"></p>
<p><a href="/">Back to Convene</a></p>
</main>
<script>
document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = document.getElementById('status');
  const fail = async (res) => { status.textContent = ((await res.json().catch(() => ({}))).detail) || 'Refused (' + res.status + ')'; };
  status.textContent = 'Signing in…';
  const login = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: document.getElementById('email').value, password: document.getElementById('password').value }) });
  if (!login.ok) return fail(login);
  const { accessToken } = await login.json();
  const session = await fetch('/api/admin/queue-dashboard/session', { method: 'POST', headers: { authorization: 'Bearer ' + accessToken } });
  if (!session.ok) return fail(session);
  location.reload();
});
</script>
</body>
</html>
`;
}
