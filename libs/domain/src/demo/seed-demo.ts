import { DemoCaseDriver, type DemoActors } from './demo-case-driver.js';
import { DEMO_CASES } from './demo-cases.js';
import { DemoClient, DemoSeedError } from './demo-client.js';
import { DEMO_AGENCIES, DEMO_PASSWORD, DEMO_USERS, type DemoAgencyKey } from './demo-partnership.js';

export interface AdminCredentials {
  email: string;
  password: string;
}

export interface DemoSeedResult {
  /** What this run added; all zero on a second run. */
  created: { agencies: number; users: number; cases: number };
  agencies: Array<{ key: DemoAgencyKey; id: string; name: string; created: boolean }>;
  logins: Array<{ email: string; password: string; name: string; agency: string; roles: string[]; label: string }>;
  cases: Array<{ id: string; reference: string; subject: string; stage: string; created: boolean }>;
  /** Whether conferences were scheduled and attended (the server had the conference endpoints). */
  conferences: boolean;
}

/**
 * Seeds the demo partnership through the public HTTP API at `baseUrl`: agencies, users and five
 * cases at different steps. Idempotent: agencies are matched by name, users by email and cases by
 * subject among the city case manager's cases, so a second run adds nothing.
 */
export async function seedDemo(baseUrl: string, admin: AdminCredentials, opts: { log?: (line: string) => void } = {}): Promise<DemoSeedResult> {
  const log = opts.log ?? (() => {});
  const client = new DemoClient(baseUrl.replace(/\/+$/, ''));
  const adminToken = await client.login(admin.email, admin.password);
  const created = { agencies: 0, users: 0, cases: 0 };

  const existingAgencies = (await client.call<{ items: Array<{ id: string; name: string }> }>('GET', '/api/agencies', adminToken, undefined, [200])).body.items;
  const agencies: DemoSeedResult['agencies'] = [];
  for (const a of DEMO_AGENCIES) {
    const found = existingAgencies.find((x) => x.name === a.name);
    if (found) {
      agencies.push({ key: a.key, id: found.id, name: a.name, created: false });
      continue;
    }
    const { key, ...body } = a;
    const res = await client.call<{ id: string }>('POST', '/api/agencies', adminToken, body, [201]);
    agencies.push({ key, id: res.body.id, name: a.name, created: true });
    created.agencies++;
    log(`agency  + ${a.name}`);
  }
  const agencyIds = Object.fromEntries(agencies.map((a) => [a.key, a.id])) as Record<DemoAgencyKey, string>;

  const existingUsers = (await client.call<{ items: Array<{ email: string }> }>('GET', '/api/users', adminToken, undefined, [200])).body.items;
  const known = new Set(existingUsers.map((u) => u.email.toLowerCase()));
  for (const u of DEMO_USERS) {
    if (known.has(u.email.toLowerCase())) continue;
    await client.call('POST', '/api/users', adminToken, { email: u.email, name: u.name, password: DEMO_PASSWORD, agencyId: agencyIds[u.agency], roles: u.roles }, [201]);
    created.users++;
    log(`user    + ${u.email}`);
  }

  const caseManager = DEMO_USERS.find((u) => u.agency === 'city' && u.roles.includes('case_manager'))!;
  const caseManagerToken = await client.login(caseManager.email, DEMO_PASSWORD);
  const actors: DemoActors = {
    client,
    agencyIds,
    caseManagerToken,
    conferences: await hasConferenceEndpoints(client),
    async tokenFor(agencyId) {
      const key = agencies.find((a) => a.id === agencyId)?.key;
      const user = key === 'city' ? caseManager : DEMO_USERS.find((u) => u.agency === key && u.roles.includes('agency_staff'));
      if (!user) throw new DemoSeedError(`no demo user at agency ${agencyId}`);
      return client.login(user.email, DEMO_PASSWORD);
    },
  };

  const existingCases = await listCases(client, caseManagerToken);
  const cases: DemoSeedResult['cases'] = [];
  for (const spec of DEMO_CASES) {
    const found = existingCases.find((c) => c.subject?.name === spec.subject.name && c.leadAgencyId === agencyIds.city);
    if (found) {
      cases.push({ id: found.id, reference: found.reference, subject: spec.subject.name, stage: spec.stage, created: false });
      continue;
    }
    const driver = await DemoCaseDriver.open(actors, { subject: spec.subject, participants: spec.participants, keyDates: spec.keyDates?.() });
    await spec.drive(driver);
    cases.push({ id: driver.caseId, reference: driver.reference, subject: spec.subject.name, stage: spec.stage, created: true });
    created.cases++;
    log(`case    + ${driver.reference} ${spec.subject.name}: ${spec.stage}`);
  }

  const agencyName = (key: DemoAgencyKey) => DEMO_AGENCIES.find((a) => a.key === key)!.name;
  return {
    created,
    agencies,
    logins: [
      { email: admin.email, password: admin.password, name: 'Administrator', agency: '—', roles: ['admin'], label: 'administrator (no case content)' },
      ...DEMO_USERS.map((u) => ({ email: u.email, password: DEMO_PASSWORD, name: u.name, agency: agencyName(u.agency), roles: [...u.roles], label: u.label })),
    ],
    cases,
    conferences: actors.conferences,
  };
}

async function hasConferenceEndpoints(client: DemoClient): Promise<boolean> {
  const res = await client.send<{ paths?: Record<string, unknown> } | null | undefined>('GET', '/docs-json', undefined);
  const paths = Object.keys((res.status === 200 && res.body?.paths) || {});
  const has = (pattern: RegExp) => paths.some((p) => pattern.test(p));
  return has(/^\/api\/cases\/\{[^}]+\}\/conferences$/) && has(/^\/api\/conferences\/\{[^}]+\}\/attendance$/);
}

interface CaseSummary {
  id: string;
  reference: string;
  leadAgencyId: string;
  subject?: { name?: string };
}

async function listCases(client: DemoClient, token: string): Promise<CaseSummary[]> {
  const all: CaseSummary[] = [];
  for (let offset = 0; ; offset += 200) {
    const res = await client.call<{ items: CaseSummary[] }>('GET', `/api/cases?limit=200&offset=${offset}`, token, undefined, [200]);
    all.push(...res.body.items);
    if (res.body.items.length < 200) return all;
  }
}
