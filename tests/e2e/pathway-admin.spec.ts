import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { statelyWithInvoke, testKey, v1 } from './pathway-admin-fixtures.js';

type Problem = { path: string; message: string };

describe('pathway administration: validation, diagrams, files and retirement', () => {
  let t: TestApp;
  let p: Partnership;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    admin = await t.login(ADMIN.email, ADMIN.password);
  }, 60_000);
  afterAll(() => t.close());

  it('refuses an unknown guard, a missing target and an unreachable state, each with its path', async () => {
    const key = testKey('test-invalid');
    const definition = v1(key);
    const intake = definition.machine.states.intake as Record<string, unknown>;
    intake.on = {
      NEXT: { target: 'review', guard: 'noSuchGuard', meta: { title: 'Next' } },
      SKIP: { target: 'nowhere', meta: { title: 'Skip' } },
    };
    (definition.machine.states as Record<string, unknown>).orphan = { meta: { title: 'Nobody comes here' }, on: { BACK: { target: 'intake' } } };

    const checked = await t.request('POST', '/api/pathways/validate', { token: admin, body: { definition } });
    expect(checked.status).toBe(200);
    expect(checked.body.valid).toBe(false);
    const paths = checked.body.errors.map((e: Problem) => e.path);
    expect(paths).toContain('$.machine.states.intake.on.NEXT.guard');
    expect(paths).toContain('$.machine.states.intake.on.SKIP.target');
    expect(paths).toContain('$.machine.states.orphan');
    const message = (path: string) => checked.body.errors.find((e: Problem) => e.path === path).message;
    expect(message('$.machine.states.intake.on.NEXT.guard')).toMatch(/noSuchGuard/);
    expect(message('$.machine.states.orphan')).toMatch(/never be entered/);

    const saved = await t.request('POST', `/api/pathways/${key}/versions`, { token: admin, body: { definition } });
    expect(saved.status).toBe(422);
    expect(saved.headers.get('content-type')).toContain('application/problem+json');
    expect(saved.body.errors).toEqual(checked.body.errors);
    expect((await t.request('GET', `/api/pathways/${key}`, { token: admin })).status).toBe(404);
  }, 30_000);

  it.each(['referral', 'release-planning', 'review', 'closure'])('renders the diagram of the shipped %s pathway', async (key) => {
    const diagram = await t.request('GET', `/api/pathways/${key}/versions/1/diagram`, { token: admin });
    expect(diagram.status).toBe(200);
    expect(diagram.body.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(diagram.body.mermaid).toMatch(/^stateDiagram-v2/);
    const version = await t.request('GET', `/api/pathways/${key}/versions/1`, { token: admin });
    for (const state of Object.keys(version.body.definition.machine.states)) expect(diagram.body.mermaid).toContain(state);
    // The SVG prints each top-level state's title; its id is only in the box's tooltip.
    const svg = diagram.body.svg as string;
    const printed = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const states = version.body.definition.machine.states as Record<string, { meta?: { title?: string } }>;
    for (const [id, state] of Object.entries(states)) {
      if (state.meta?.title) expect(printed).toContain(state.meta.title.replace(/&/g, '&amp;'));
      if (state.meta?.title && state.meta.title !== id) expect(printed).not.toContain(id);
      expect(svg).toContain(`data-state="${id}"`);
    }
  }, 30_000);

  it('exports a version as a file that imports back to the same definition', async () => {
    const key = testKey('test-export');
    expect((await t.request('POST', `/api/pathways/${key}/versions`, { token: admin, body: { definition: v1(key) } })).status).toBe(201);
    const exported = await fetch(`${t.url}/api/pathways/${key}/versions/1/export`, { headers: { authorization: `Bearer ${admin}` } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/json/);
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="${key}.json"`);
    const text = await exported.text();
    expect(text.startsWith('{\n  "key": ')).toBe(true);
    const file = JSON.parse(text);
    expect(file).toEqual(v1(key));

    // The same file again under its own key: a second version, byte-for-byte the same definition.
    const again = await t.request('POST', '/api/pathways/import', { token: admin, body: { definition: file } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ key, version: 2, status: 'draft', createdPathway: false });
    const history = await t.request('GET', `/api/pathways/${key}/history`, { token: admin });
    const drafts = history.body.items.filter((e: { action: string }) => e.action === 'pathway.draft');
    expect(drafts.map((e: { detail: { checksum: string } }) => e.detail.checksum)).toEqual([again.body.checksum, again.body.checksum]);
    expect(drafts[0].detail).toMatchObject({ source: 'import', diff: { against: 1, identical: true } });

    // Under a new key: a new pathway.
    const copyKey = testKey('test-copy');
    const copy = await t.request('POST', '/api/pathways/import', { token: admin, body: { definition: file, key: copyKey, title: 'A copy' } });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ key: copyKey, version: 1, status: 'draft', createdPathway: true });
    const stored = await t.request('GET', `/api/pathways/${copyKey}/versions/1`, { token: admin });
    expect(stored.body.definition).toEqual({ ...file, key: copyKey, title: 'A copy' });
  }, 30_000);

  it('imports a Stately machine as a draft, and refuses one that invokes a service with the path of the invoke', async () => {
    const refused = await t.request('POST', '/api/pathways/import', { token: admin, body: { stately: statelyWithInvoke } });
    expect(refused.status).toBe(422);
    const invoke = refused.body.errors.find((e: Problem) => e.path === '$.machine.states.waiting.invoke');
    expect(invoke).toBeDefined();
    expect(invoke.message).toMatch(/invoked actors.*not supported/);
    expect((await t.request('GET', '/api/pathways/stately-invoke', { token: admin })).status).toBe(404);

    const key = testKey('test-stately');
    const machine = {
      id: 'editor-machine',
      initial: 'open',
      states: { open: { on: { FINISH: { target: 'finished' } } }, finished: { type: 'final' } },
    };
    const imported = await t.request('POST', '/api/pathways/import', { token: admin, body: { stately: machine, key, title: 'From the editor' } });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ key, version: 1, status: 'draft', createdPathway: true });
    expect(imported.body.definition).toMatchObject({ key, title: 'From the editor', machine: { initial: 'open' } });

    const neither = await t.request('POST', '/api/pathways/import', { token: admin, body: { key } });
    expect(neither.status).toBe(400);
    const notAdmin = await t.request('POST', '/api/pathways/import', { token: p.tokens.coordinator, body: { stately: machine, key } });
    expect(notAdmin.status).toBe(403);
  }, 30_000);

  it('retires versions: no new instances; the published one only with force', async () => {
    const key = testKey('test-retire');
    for (let i = 0; i < 2; i++) {
      expect((await t.request('POST', `/api/pathways/${key}/versions`, { token: admin, body: { definition: v1(key) } })).status).toBe(201);
    }
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: admin })).status).toBe(200);

    const draft = await t.request('POST', `/api/pathways/${key}/versions/2/retire`, { token: admin, body: { reason: 'superseded before use' } });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ key, version: 2, status: 'retired', changed: true });
    const twice = await t.request('POST', `/api/pathways/${key}/versions/2/retire`, { token: admin });
    expect(twice.body).toMatchObject({ status: 'retired', changed: false });

    const published = await t.request('POST', `/api/pathways/${key}/versions/1/retire`, { token: admin });
    expect(published.status).toBe(409);
    expect(published.body.detail).toMatch(/published version/);

    const caseRes = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Retire Subject' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.police.id, role: 'police' }] },
    });
    const started = await t.request('POST', `/api/cases/${caseRes.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);

    const forced = await t.request('POST', `/api/pathways/${key}/versions/1/retire`, { token: admin, body: { force: true } });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ status: 'retired', runningInstances: 1 });
    const pathway = await t.request('GET', `/api/pathways/${key}`, { token: admin });
    expect(pathway.body.publishedVersion).toBeNull();

    // The running instance carries on; a new one cannot start.
    const detail = await t.request('GET', `/api/cases/${caseRes.body.id}`, { token: p.tokens.coordinator });
    expect(detail.body.pathways[0]).toMatchObject({ version: 1, status: 'active' });
    const other = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Second Subject' }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
    });
    const refused = await t.request('POST', `/api/cases/${other.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/no published version/);

    const history = await t.request('GET', `/api/pathways/${key}/history`, { token: admin });
    const retirements = history.body.items.filter((e: { action: string }) => e.action === 'pathway.retire');
    expect(retirements.map((e: { version: number; detail: { forced: boolean } }) => [e.version, e.detail.forced])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(retirements[1].detail.reason).toBe('superseded before use');
    expect((await t.request('GET', `/api/pathways/${key}/history`, { token: p.tokens.coordinator })).status).toBe(403);
  }, 30_000);
});
