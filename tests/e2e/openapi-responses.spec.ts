import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { Agency, AgencyList } from '../../apps/api/src/agencies/agencies.responses.js';
import { AuditList } from '../../apps/api/src/audit/audit.responses.js';
import { AuthConfig, CurrentUser, LoginResponse, TokenPair } from '../../apps/api/src/auth/auth.responses.js';
import { CaseCreated, CaseDetail, CaseList, EventResult, ParticipantAdded, PathwayStarted } from '../../apps/api/src/cases/cases.responses.js';
import { Conference, ConferenceList } from '../../apps/api/src/conferences/conferences.responses.js';
import { NotificationList, NotificationsRead } from '../../apps/api/src/notifications/notifications.responses.js';
import { openApiDocumentOffline } from '../../apps/api/src/openapi-document.js';
import {
  DraftCreated,
  MigrationDryRun,
  PathwayDefinition,
  PathwayDetail,
  PathwayDiagram,
  PathwayDiff,
  PathwayHistory,
  PathwayInstances,
  PathwayList,
  PathwayVersion,
  ValidationResult,
  VersionPublished,
} from '../../apps/api/src/pathways/pathways.responses.js';
import { Task, TaskList } from '../../apps/api/src/tasks/tasks.responses.js';
import { ReminderList, Timeline } from '../../apps/api/src/timeline/case-activity.responses.js';
import { User, UserList } from '../../apps/api/src/users/users.responses.js';
import { Health } from '../../libs/core/src/health/health.responses.js';
import { ADMIN, PARTNERSHIP_ROLES, seedPartnership, startTestApp, unique, type Partnership, type TestApp } from '../support/app.js';
import { defined } from '../support/defined.js';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>> };

/**
 * The OpenAPI document tells the truth about response bodies: the document the web client is
 * generated from (built without a database) is the one /docs-json serves, every JSON success
 * response names a schema, and real responses of the main routes match their schemas — with no
 * field the schema leaves out.
 */
describe('OpenAPI response schemas', () => {
  let t: TestApp;
  let p: Partnership;
  let doc: Doc;
  const checked = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    doc = (await t.request<Doc>('GET', '/docs-json')).body;
  });
  afterAll(() => t.close());

  /** Sends a request, expects the status, and checks the body against the route's documented schema. */
  async function call<S extends z.ZodType>(method: string, path: string, status: number, schema: S, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await t.request(method, path, { token: opts.token ?? p.tokens.coordinator, body: opts.body, headers: opts.headers });
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) throw new Error(`${method} ${path} does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`);
    // Parsing drops what a schema does not list: a field the API sends but does not document shows here.
    expect(parsed.data).toEqual(res.body);
    const template = documentedPath(path);
    const ref = doc.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema?.$ref;
    expect({ route: `${method} ${template}`, ref }).toEqual({ route: `${method} ${template}`, ref: expect.stringMatching(/^#\/components\/schemas\//) });
    checked.add(`${method} ${template}`);
    return parsed.data;
  }

  /** The document's path template a concrete path matches. */
  function documentedPath(path: string): string {
    const [bare = ''] = path.split('?');
    const segments = bare.split('/');
    const found = Object.keys(doc.paths).find((template) => {
      const parts = template.split('/');
      return parts.length === segments.length && parts.every((part, i) => part === segments[i] || /^\{.+\}$/.test(part));
    });
    if (!found) throw new Error(`no documented path for ${bare}`);
    return found;
  }

  it('is the document scripts/openapi-client.mjs generates the web client from', async () => {
    expect(await openApiDocumentOffline()).toEqual(doc);
  });

  it('names a schema for every JSON success response', () => {
    const prose: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          if (!/^2/.test(status) || status === '204') continue;
          const content = response.content ?? {};
          if (Object.keys(content).length === 0 || (content['application/json'] && !content['application/json'].schema?.$ref)) prose.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    // 202 (a reset email) has no body.
    expect(prose.filter((r) => !r.endsWith(' 202'))).toEqual([]);
  });

  it('matches real responses of the main routes', async () => {
    const admin = p.adminToken;
    await call('GET', '/health', 200, Health);
    await call('GET', '/api/auth/config', 200, AuthConfig);
    const login = await call('POST', '/api/auth/login', 200, LoginResponse, { body: { email: ADMIN.email, password: ADMIN.password } });
    await call('POST', '/api/auth/refresh', 200, TokenPair, { body: { refreshToken: login.refreshToken } });
    await call('GET', '/api/auth/me', 200, CurrentUser);

    const agencies = await call('GET', '/api/agencies', 200, AgencyList);
    expect(agencies.items.length).toBeGreaterThan(0);
    const agency = await call('POST', '/api/agencies', 201, Agency, {
      token: admin,
      body: { name: unique('Schema agency'), kind: 'housing', webhookSecret: 'a-secret-of-sixteen+', deliveryHours: { days: ['mon', 'tue'], from: '09:00', to: '17:00' } },
    });
    await call('PATCH', `/api/agencies/${agency.id}`, 200, Agency, { token: admin, body: { webhookSecret: 'another-secret-of-16', deliveryHours: 'always' } });
    await call('GET', `/api/agencies/${agency.id}`, 200, Agency);
    const user = await call('POST', '/api/users', 201, User, {
      token: admin,
      body: { email: `schema.${unique('u').split(' ')[1]}@example.org`, name: 'Schema User', password: 'correct horse battery staple', agencyId: agency.id, roles: ['agency_staff'] },
    });
    await call('PATCH', `/api/users/${user.id}`, 200, User, { token: admin, body: { name: 'Schema User 2' } });
    await call('GET', `/api/users/${user.id}`, 200, User, { token: admin });
    await call('GET', '/api/users', 200, UserList, { token: admin });

    const pathways = await call('GET', '/api/pathways', 200, PathwayList, { token: admin });
    expect(pathways.items.map((x) => x.key)).toContain('referral');
    const referral = await call('GET', '/api/pathways/referral', 200, PathwayDetail, { token: admin });
    await call('GET', `/api/pathways/referral/versions/${referral.publishedVersion}`, 200, PathwayVersion, { token: admin });
    await call('GET', `/api/pathways/referral/versions/${referral.publishedVersion}/diagram`, 200, PathwayDiagram, { token: admin });
    await call('POST', '/api/pathways/validate', 200, ValidationResult, { token: admin, body: { definition: { key: 'x' } } });
    const key = `schema-${unique('k').split(' ')[1]}`;
    const definition = (v: string) => ({ key, title: 'Schema', machine: { id: key, initial: 'open', states: { open: { on: { DONE: v } }, [v]: { type: 'final' } } } });
    await call('POST', `/api/pathways/${key}/versions`, 201, DraftCreated, { token: admin, body: { definition: definition('done') } });
    await call('POST', `/api/pathways/${key}/versions/1/publish`, 200, VersionPublished, { token: admin });
    await call('POST', `/api/pathways/${key}/versions`, 201, DraftCreated, { token: admin, body: { definition: definition('closed') } });
    await call('GET', `/api/pathways/${key}/diff?from=1&to=2`, 200, PathwayDiff, { token: admin });
    await call('GET', `/api/pathways/${key}/history`, 200, PathwayHistory, { token: admin });
    const exported = await t.request('GET', `/api/pathways/${key}/versions/1/export`, { token: admin });
    expect(PathwayDefinition.parse(exported.body)).toEqual(exported.body);

    const created = await call('POST', '/api/cases', 201, CaseCreated, {
      body: {
        subject: { name: 'Schema Subject', dateOfBirth: '1990-01-01' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }],
        keyDates: { releaseDate: '2030-01-01' },
      },
    });
    const caseId = created.id;
    await call('POST', `/api/cases/${caseId}/participants`, 201, ParticipantAdded, { body: { agencyId: p.agencies.police.id, role: 'police' } });
    const started = await call('POST', `/api/cases/${caseId}/pathways`, 201, PathwayStarted, { body: { key: 'referral' } });
    const own = await call('POST', `/api/cases/${caseId}/pathways`, 201, PathwayStarted, { body: { key } });
    const detail = await call('GET', `/api/cases/${caseId}`, 200, CaseDetail);
    expect(detail.tasks.length).toBeGreaterThan(0);
    await call('PATCH', `/api/cases/${caseId}`, 200, CaseDetail, { body: { keyDates: { releaseDate: '2030-02-01' } } });
    await call('GET', '/api/cases', 200, CaseList);
    await call('GET', `/api/cases?q=${encodeURIComponent(created.reference)}`, 200, CaseList, { token: p.tokens.probation });

    const tasks = await call('GET', `/api/tasks?caseId=${caseId}&status=open`, 200, TaskList);
    const probationTask = defined(tasks.items.find((x) => x.assigneeAgencyId === p.agencies.probation.id) ?? tasks.items[0], 'an open task');
    const staff = PARTNERSHIP_ROLES.find((role) => p.agencies[role].id === probationTask.assigneeAgencyId) ?? 'coordinator';
    await call('GET', `/api/tasks/${probationTask.id}`, 200, Task, { token: p.tokens[staff] });
    await call('POST', `/api/tasks/${probationTask.id}/acknowledge`, 200, Task, { token: p.tokens[staff] });
    await call('POST', `/api/tasks/${probationTask.id}/complete`, 200, Task, { token: p.tokens[staff], body: { outcome: 'done', note: 'Schema' } });
    await call('GET', '/api/tasks', 200, TaskList, { token: p.tokens[staff] });
    const other = tasks.items.find((x) => x.id !== probationTask.id)!;
    await call('PATCH', `/api/tasks/${other.id}`, 200, Task, { body: { dueAt: '2031-01-01T10:00:00Z', reason: 'Schema check' } });
    await call('POST', `/api/tasks/${other.id}/reassign`, 200, Task, { body: { agencyId: p.agencies.police.id, reason: 'Schema check' } });

    const event = await call('POST', `/api/cases/${caseId}/events`, 200, EventResult, {
      headers: { 'Idempotency-Key': `schema-${caseId}` },
      body: { instanceId: own.instanceId, type: 'DONE' },
    });
    // A replay answers the stored response: the same schema.
    await call('POST', `/api/cases/${caseId}/events`, 200, EventResult, {
      headers: { 'Idempotency-Key': `schema-${caseId}` },
      body: { instanceId: own.instanceId, type: 'DONE' },
    });
    expect(event.revision).toBeGreaterThan(own.revision);
    expect(started.status).toBe('active');

    const conference = await call('POST', `/api/cases/${caseId}/conferences`, 201, Conference, {
      body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60, location: 'City hall' },
    });
    await call('PATCH', `/api/conferences/${conference.id}`, 200, Conference, { body: { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() } });
    await call('POST', `/api/conferences/${conference.id}/attendance`, 200, Conference, { body: { agencyId: p.agencies.probation.id, attended: false, apologies: 'Away' } });
    await call('POST', `/api/conferences/${conference.id}/minutes`, 200, Conference, {
      body: {
        text: 'Minutes',
        decisions: ['Go on', { text: 'Housing first', rationale: 'Release soon' }],
        actions: [{ title: 'Find a flat', agencyId: p.agencies.probation.id, dueAt: '2031-01-01T10:00:00Z' }],
      },
    });
    await call('GET', `/api/conferences/${conference.id}`, 200, Conference);
    await call('GET', `/api/cases/${caseId}/conferences`, 200, ConferenceList);

    await call('GET', `/api/cases/${caseId}/timeline`, 200, Timeline);
    await call('GET', `/api/cases/${caseId}/reminders?status=all`, 200, ReminderList);
    await call('GET', `/api/cases/${caseId}/reminders`, 200, ReminderList, { token: p.tokens.probation });
    await call('GET', '/api/notifications', 200, NotificationList, { token: p.tokens.probation });
    await call('POST', '/api/notifications/read-all', 200, NotificationsRead, { token: p.tokens.probation });
    await call('GET', `/api/audit?caseId=${caseId}`, 200, AuditList, { token: admin });
    await call('GET', `/api/pathways/referral/instances`, 200, PathwayInstances, { token: admin });
    await call('POST', `/api/cases/${caseId}/pathways`, 201, PathwayStarted, { body: { key } });
    await call('POST', `/api/pathways/${key}/migrations/dry-run`, 200, MigrationDryRun, { token: admin, body: { fromVersion: 1, toVersion: 2 } });

    expect(checked.size).toBeGreaterThan(40);
  });
});
