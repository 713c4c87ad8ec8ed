import { randomUUID } from 'node:crypto';
import { BENCH_ADMIN } from './app-process.js';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ApiRequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A small JSON client for the API over loopback (fetch keeps connections alive). */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  // Responses are read loosely: the bench checks only status codes and the fields it needs, and
  // each caller names the shape of those fields (`unknown` when it reads none).
  async request<T = unknown>(method: string, path: string, opts: ApiRequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Like `request`, but throws unless the status is `expected`. */
  async expect<T = unknown>(expected: number, method: string, path: string, opts: ApiRequestOptions = {}): Promise<T> {
    const res = await this.request<T>(method, path, opts);
    if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }

  async login(email: string, password: string): Promise<string> {
    return (await this.expect<{ accessToken: string }>(200, 'POST', '/api/auth/login', { body: { email, password } })).accessToken;
  }
}

export interface BenchAgency {
  id: string;
  role: string;
  token: string;
  userId: string;
}

/** A city partnership: the city (case manager) and partner agencies (staff), created over the API. */
export interface Partnership {
  adminToken: string;
  city: BenchAgency;
  partners: BenchAgency[];
}

const PARTNERS = [
  { role: 'probation', kind: 'probation' },
  { role: 'police', kind: 'police' },
  { role: 'prison', kind: 'prison' },
  { role: 'housing', kind: 'housing' },
  { role: 'health', kind: 'health' },
] as const;

/** Creates one agency and one user in it, and logs that user in. */
export async function createAgencyWithUser(
  api: ApiClient,
  adminToken: string,
  spec: { role: string; kind: string; userRole: 'case_manager' | 'agency_staff'; webhookUrl?: string },
): Promise<BenchAgency> {
  const tag = randomUUID().slice(0, 8);
  const agency = await api.expect<{ id: string }>(201, 'POST', '/api/agencies', {
    token: adminToken,
    body: { name: `${spec.role} ${tag}`, kind: spec.kind, ...(spec.webhookUrl ? { webhookUrl: spec.webhookUrl } : {}) },
  });
  const email = `${spec.role}.${tag}@bench.example.org`;
  const password = 'correct horse battery staple';
  const user = await api.expect<{ id: string }>(201, 'POST', '/api/users', {
    token: adminToken,
    body: { email, name: `${spec.role} user`, password, agencyId: agency.id, roles: [spec.userRole] },
  });
  return { id: agency.id, role: spec.role, userId: user.id, token: await api.login(email, password) };
}

export async function seedPartnership(api: ApiClient): Promise<Partnership> {
  const adminToken = await api.login(BENCH_ADMIN.email, BENCH_ADMIN.password);
  const city = await createAgencyWithUser(api, adminToken, { role: 'coordinator', kind: 'local_authority', userRole: 'case_manager' });
  const partners: BenchAgency[] = [];
  for (const p of PARTNERS) partners.push(await createAgencyWithUser(api, adminToken, { ...p, userRole: 'agency_staff' }));
  return { adminToken, city, partners };
}
