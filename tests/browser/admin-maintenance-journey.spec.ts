import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, seedPartnership, startTestApp, unique, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

describe('journey: an administrator maintains pathways and agencies', () => {
  let app: TestApp;
  let web: WebServer;
  let browser: BrowserSession;
  let p: Partnership;
  // A pathway of its own (a copy of the referral): retiring its published version touches no other test.
  const suffix = randomUUID().slice(0, 8);
  const key = `referral-upkeep-${suffix}`;
  const title = `Referral upkeep ${suffix}`;
  const agencyName = unique('Night shelter');
  let agencyId: string;
  let caseId: string;
  let instanceId: string;

  beforeAll(async () => {
    app = await startTestApp();
    p = await seedPartnership(app);
    const token = p.adminToken;
    const definition = JSON.parse(readFileSync('workflows/referral.json', 'utf8')) as { key: string; title: string; machine: { id: string } };
    definition.key = key;
    definition.title = title;
    definition.machine.id = key;
    const save = async (def: unknown) => {
      const saved = await app.request<{ version: number }>('POST', `/api/pathways/${key}/versions`, { token, body: { definition: def } });
      expect(saved.status).toBe(201);
      return saved.body.version;
    };
    const publish = async (version: number) => expect((await app.request('POST', `/api/pathways/${key}/versions/${version}/publish`, { token })).status).toBe(200);
    await publish(await save(definition));

    // One case runs on version 1; version 2 is published after it (version 1 retires).
    const created = await app.request<{ id: string }>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Robin Upkeep' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.coordinator.id, role: 'coordinator' },
          { agencyId: p.agencies.probation.id, role: 'referrer' },
        ],
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const started = await app.request<{ instanceId: string }>('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    instanceId = started.body.instanceId;
    await publish(await save({ ...definition, title: `${title} (revised)` }));

    const agency = await app.request<{ id: string }>('POST', '/api/agencies', { token, body: { name: agencyName, kind: 'housing' } });
    expect(agency.status).toBe(201);
    agencyId = agency.body.id;

    web = await serveWeb(app.url);
    browser = await openBrowser(web.url);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
  });

  const instanceVersion = async () => {
    const detail = await app.request<{ pathways: Array<{ instanceId: string; version: number }> }>('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator });
    return detail.body.pathways.find((x) => x.instanceId === instanceId)?.version;
  };

  it('moves running cases after the dry run, retires the published version with force, exports and imports it', async () => {
    const { page } = browser;
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto(`/admin/pathways/${key}`);
    await page.getByRole('heading', { level: 1, name: `${title} (revised)` }).waitFor();

    // Migration: the dry run lists the one case still on version 1; apply moves it, after a confirmation.
    expect(await instanceVersion()).toBe(1);
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption('2');
    await page.getByRole('button', { name: 'Run dry run' }).click();
    const plan = page.locator('#dry-run-h ~ .table-wrap');
    await plan.waitFor();
    expect(await plan.locator('tbody tr').count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Apply the migration' }).click();
    await page.getByRole('status').filter({ hasText: '1 instances moved, 0 refused.' }).waitFor();
    expect(asked).toContain('to version 2');
    expect(await instanceVersion()).toBe(2);

    // Retire: the published version is refused with the API's reason; the administrator may force it.
    await page.getByRole('button', { name: 'Retire Version 2' }).click();
    await page.getByText('Retire version 2? No new case will start on it.').waitFor();
    await page.getByRole('button', { name: 'Retire 2', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Version 2 is the published version' }).waitFor();
    await page.getByText(/Version 2 is the published one: once it is retired, no new case can start/).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Retire version 2 anyway' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is retired.' }).waitFor();
    const pathway = await app.request<{ publishedVersion: number | null; versions: Array<{ status: string }> }>('GET', `/api/pathways/${key}`, { token: p.adminToken });
    expect(pathway.body.publishedVersion).toBeNull();
    expect(pathway.body.versions.map((v) => v.status)).toEqual(['retired', 'retired']);
    // A retired version offers no retire button.
    expect(await page.getByRole('button', { name: /^Retire Version/ }).count()).toBe(0);
    await screenshot(page, 'admin-pathway-versions');

    // Export downloads the version as <key>.json; importing that file makes a new draft.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Version 2' }).click()]);
    expect(download.suggestedFilename()).toBe(`${key}.json`);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { key: string; title: string; machine: { states: Record<string, unknown> } };
    expect(exported).toMatchObject({ key, title: `${title} (revised)` });
    expect(Object.keys(exported.machine.states)).toContain('initialConference');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pathways' }).click();
    await page.getByRole('heading', { level: 2, name: 'Import a pathway' }).waitFor();
    await page.getByLabel('Pathway file (JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Import as draft' }).click();
    await page.getByRole('status').filter({ hasText: `Imported ${key} as draft version 3.` }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('link', { name: new RegExp(`Edit ${key}`) }).click();
    const draft = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '3', exact: true }) });
    await draft.getByText('Draft').waitFor();
    const versions = await app.request('GET', `/api/pathways/${key}/versions/3`, { token: p.adminToken });
    expect(versions.body).toMatchObject({ status: 'draft', definition: { key, title: `${title} (revised)` } });

    // A file that is not JSON is said in words.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pathways' }).click();
    await page.getByLabel('Pathway file (JSON)').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"key": ') });
    await page.getByRole('button', { name: 'Import as draft' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not valid JSON' }).waitFor();
  });

  it('edits an agency’s delivery hours, shown again after a reload', async () => {
    const { page } = browser;
    await page.goto('/admin/agencies');
    const row = page.getByRole('row').filter({ hasText: agencyName });
    expect(await row.textContent()).toContain('Office hours (Monday to Friday, 08:00–18:00)');
    await row.getByRole('button', { name: `Edit ${agencyName}` }).click();

    const hours = page.getByRole('group', { name: 'Delivery hours' });
    await hours.getByRole('radio', { name: 'These days and hours' }).check();
    const days = hours.getByRole('group', { name: 'Days' });
    await days.getByRole('checkbox', { name: 'Friday' }).uncheck();
    await days.getByRole('checkbox', { name: 'Saturday' }).check();
    // Keyboard only for the hours: type into the time fields.
    await hours.getByLabel('From').fill('09:30');
    await hours.getByLabel('Until').fill('16:00');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: agencyName }).waitFor();

    const stored = await app.request<{ items: Array<{ id: string; deliveryHours: unknown }> }>('GET', '/api/agencies', { token: p.adminToken });
    const agency = stored.body.items.find((a) => a.id === agencyId);
    expect(agency?.deliveryHours).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'sat'], from: '09:30', to: '16:00' });

    await page.reload();
    const shown = page.getByRole('row').filter({ hasText: agencyName });
    await shown.filter({ hasText: 'Monday, Tuesday, Wednesday, Thursday, Saturday, 09:30–16:00' }).waitFor();
    await shown.getByRole('button', { name: `Edit ${agencyName}` }).click();
    const again = page.getByRole('group', { name: 'Delivery hours' });
    expect(await again.getByRole('radio', { name: 'These days and hours' }).isChecked()).toBe(true);
    expect(await again.getByRole('checkbox', { name: 'Friday' }).isChecked()).toBe(false);
    expect(await again.getByLabel('From').inputValue()).toBe('09:30');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-delivery-hours');

    // Always: reminders outside office hours go at once.
    await again.getByRole('radio', { name: 'Always' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row').filter({ hasText: agencyName }).filter({ hasText: 'Always' }).waitFor();
    const after = await app.request<{ items: Array<{ id: string; deliveryHours: unknown }> }>('GET', '/api/agencies', { token: p.adminToken });
    expect(after.body.items.find((a) => a.id === agencyId)?.deliveryHours).toBe('always');
  });
});
