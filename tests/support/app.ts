import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parseConfig, type AppConfig } from '../../libs/core/src/config/config.schema.js';
import { prepareDatabase } from '../../libs/core/src/database/prepare-database.js';
import { AppModule } from '../../apps/api/src/app.module.js';
import { configureHttpApp } from '../../apps/api/src/http-app.js';

export const ADMIN = { email: 'admin@convene.local', password: 'convene-admin' };

// Test responses are read loosely: assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  url: string;
  app: NestExpressApplication;
  config: AppConfig;
  db: DataSource;
  /** Logs in and returns a bearer token. */
  login(email: string, password: string): Promise<string>;
  /** JSON request; `token` adds the bearer header. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request<T = any>(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * Boots the real app (API + worker in one process, as `npm start` does) on a random port, against
 * the test database prepared by `npm test` (DATABASE_URL) and the configured queue backend.
 */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: run the integration tests through `npm test` (scripts/test.mjs)');
  }
  const config = parseConfig({ ...process.env, BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...overrides });
  await prepareDatabase(config.databaseUrl!);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { worker: true }), {
    bodyParser: false,
    logger: false,
  });
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const request: TestApp['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (iCalendar, HTML): keep the text
    }
    return { status: res.status, body: body as never, headers: res.headers };
  };

  return {
    url,
    app,
    config,
    db: app.get<DataSource>(getDataSourceToken()),
    request,
    async login(email, password) {
      const res = await request<{ accessToken: string }>('POST', '/api/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken;
    },
    close: () => app.close(),
  };
}

/** Unique names so test files never collide in the shared test database. */
export const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;

const PARTNERSHIP = [
  { role: 'coordinator', kind: 'local_authority', user: 'case_manager' },
  { role: 'probation', kind: 'probation', user: 'agency_staff' },
  { role: 'police', kind: 'police', user: 'agency_staff' },
  { role: 'prison', kind: 'prison', user: 'agency_staff' },
  { role: 'housing', kind: 'housing', user: 'agency_staff' },
  { role: 'health', kind: 'health', user: 'agency_staff' },
  { role: 'exit_programme', kind: 'exit_programme', user: 'agency_staff' },
] as const;

/** The roles of a seeded partnership (one agency and one user each). */
export type PartnershipRole = (typeof PARTNERSHIP)[number]['role'];

/** Every partnership role, in the order `seedPartnership` creates them. */
export const PARTNERSHIP_ROLES: readonly PartnershipRole[] = PARTNERSHIP.map((p) => p.role);

export interface Partnership {
  adminToken: string;
  agencies: Record<PartnershipRole, { id: string; name: string }>;
  tokens: Record<PartnershipRole, string>;
  users: Record<PartnershipRole, { id: string; email: string }>;
}

/**
 * A city partnership: one agency per role with one user each (a case manager at the city, staff
 * elsewhere). Keys of `agencies`, `tokens` and `users` are the roles.
 */
export async function seedPartnership(t: TestApp, extra: Partial<Record<string, Record<string, unknown>>> = {}): Promise<Partnership> {
  const adminToken = await t.login(ADMIN.email, ADMIN.password);
  const agencies: Partial<Partnership['agencies']> = {};
  const tokens: Partial<Partnership['tokens']> = {};
  const users: Partial<Partnership['users']> = {};
  for (const p of PARTNERSHIP) {
    const name = unique(p.role);
    const agency = await t.request<{ id: string }>('POST', '/api/agencies', { token: adminToken, body: { name, kind: p.kind, ...(extra[p.role] ?? {}) } });
    if (agency.status !== 201) throw new Error(`agency: ${agency.status} ${JSON.stringify(agency.body)}`);
    agencies[p.role] = { id: agency.body.id, name };
    const email = `${p.role}.${randomUUID().slice(0, 8)}@example.org`;
    const password = 'correct horse battery staple';
    const user = await t.request<{ id: string }>('POST', '/api/users', {
      token: adminToken,
      body: { email, name: `${p.role} user`, password, agencyId: agency.body.id, roles: [p.user] },
    });
    if (user.status !== 201) throw new Error(`user: ${user.status} ${JSON.stringify(user.body)}`);
    users[p.role] = { id: user.body.id, email };
    tokens[p.role] = await t.login(email, password);
  }
  return { adminToken, agencies: complete(agencies, 'agency'), tokens: complete(tokens, 'token'), users: complete(users, 'user') };
}

/** The record with an entry for every partnership role (each is set in the loop above). */
function complete<V>(partial: Partial<Record<PartnershipRole, V>>, what: string): Record<PartnershipRole, V> {
  for (const p of PARTNERSHIP) if (partial[p.role] === undefined) throw new Error(`seedPartnership: no ${what} for ${p.role}`);
  return partial as Record<PartnershipRole, V>;
}

/** Polls until `check` returns (or resolves to) a truthy value, or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
