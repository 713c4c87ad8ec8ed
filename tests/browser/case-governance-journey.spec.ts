import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CaseErasure } from '../../libs/domain/src/governance/case-erasure.js';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, signOut, until, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

const PASSWORD = 'correct horse battery staple';
const tag = randomUUID().slice(0, 6);
const PERSON = `Ottoline Brackenridge${tag}`;
const RESTRICTED = `Police intelligence ${tag}: known associate at the Elm Street address`;
const SHARED = `Shared note ${tag}: engaged well with housing`;

interface Created {
  id: string;
  reference: string;
}
interface Detail {
  keyDates: Record<string, string | null>;
  notificationsWithheld: { since: string | null; reason: string } | null;
  conferences: Array<{ status: string }>;
}
interface Exported {
  case: { reference: string; subject: { name: string } };
  notes: Array<{ text: string; restricted: boolean }>;
}

/** `yyyy-mm-dd` some days from now (UTC), as a date input and a key date want it. */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('journey: a case manager governs a case — restricted notes, key dates, lawful basis, cancel, removal, export, erasure', () => {
  let app: TestApp;
  let web: WebServer;
  let p: Partnership;
  let caseId: string;
  let reference: string;
  let erased: { id: string; reference: string };
  const sessions: BrowserSession[] = [];

  const caseDetail = async () => (await app.request<Detail>('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator })).body;
  const openTaskOfPlan = async () => {
    const tasks = await app.request<{ items: Array<{ id: string; title: string; dueAt: string }> }>('GET', `/api/tasks?status=open&caseId=${caseId}`, { token: p.tokens.coordinator });
    return tasks.body.items.find((t) => /Open the release plan/.test(t.title));
  };

  beforeAll(async () => {
    app = await startTestApp();
    p = await seedPartnership(app);
    const created = await app.request<Created>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: PERSON },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.coordinator.id, role: 'coordinator' },
          { agencyId: p.agencies.police.id, role: 'police' },
          { agencyId: p.agencies.probation.id, role: 'probation' },
          { agencyId: p.agencies.housing.id, role: 'housing' },
          { agencyId: p.agencies.prison.id, role: 'prison' },
        ],
        keyDates: { releaseDate: day(240) },
        lawfulBasis: { basis: 'public_task', note: 'Statutory duty to co-operate' },
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    reference = created.body.reference;
    expect((await app.request('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key: 'release-planning' } })).status).toBe(201);
    expect((await app.request('POST', `/api/cases/${caseId}/notes`, { token: p.tokens.housing, body: { text: SHARED } })).status).toBe(201);
    const conference = await app.request('POST', `/api/cases/${caseId}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: new Date(Date.now() + 14 * 86_400_000).toISOString(), location: 'City hall, room 4' },
    });
    expect(conference.status).toBe(201);

    // A second case, erased the way the closure pathway's retention step erases one.
    const other = await app.request<Created>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: `Erased Person${tag}` }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.police.id, role: 'police' }] },
    });
    expect(other.status).toBe(201);
    erased = { id: other.body.id, reference: other.body.reference };
    const erasure = app.app.get(CaseErasure);
    expect(await app.db.transaction((tx) => erasure.eraseIn(tx, erased.id, {}))).toBe('erased');

    web = await serveWeb(app.url);
  }, 120_000);

  afterAll(async () => {
    for (const s of sessions) await s.close();
    await web?.close();
    await app?.close();
  });

  it('walks notes, key dates, lawful basis, conference cancel, participant removal, export and an erased case', async () => {
    const session = await openBrowser(web.url);
    sessions.push(session);
    const { page } = session;
    await signIn(page, p.users.coordinator.email, PASSWORD);
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
    const header = page.locator('header.case-header');

    // Notes: a note only the police may read (with the coordinator's own agency), chosen with the keyboard.
    await page.getByRole('tab', { name: /^Notes/ }).click();
    const notes = page.getByRole('region', { name: 'Notes' });
    await notes.getByText(SHARED).waitFor();
    expect(await notes.locator('li', { hasText: SHARED }).textContent()).toContain('Every agency of the case sees this note.');
    await notes.getByLabel(/^Note/).focus();
    await page.keyboard.type(RESTRICTED);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    const readers = notes.getByRole('group', { name: 'Agencies that may read it' });
    await readers.waitFor();
    // The coordinator's own agency is not offered: it always sees its notes.
    expect(await readers.getByLabel(p.agencies.coordinator.name).count()).toBe(0);
    await readers.getByLabel(p.agencies.police.name).check();
    await notes.getByRole('button', { name: 'Add the note' }).click();
    await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor();
    const restricted = notes.locator('li', { hasText: RESTRICTED });
    await restricted.getByText('Restricted', { exact: true }).waitFor();
    const onlyFor = await restricted.locator('.note-restriction').textContent();
    expect(onlyFor).toContain(p.agencies.police.name);
    expect(onlyFor).toContain(p.agencies.coordinator.name);
    expect(onlyFor).not.toContain(p.agencies.probation.name);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-page-tab-notes');

    // The police officer reads it; probation staff do not see it at all (the shared note, yes).
    const staff = await openBrowser(web.url);
    sessions.push(staff);
    await signIn(staff.page, p.users.police.email, PASSWORD);
    await staff.page.goto(`/cases/${caseId}?tab=notes`);
    await staff.page.getByRole('region', { name: 'Notes' }).getByText(RESTRICTED).waitFor();
    await signOut(staff.page);
    await signIn(staff.page, p.users.probation.email, PASSWORD);
    await staff.page.goto(`/cases/${caseId}?tab=notes`);
    const probationNotes = staff.page.getByRole('region', { name: 'Notes' });
    await probationNotes.getByText(SHARED).waitFor();
    expect(await probationNotes.getByText(RESTRICTED).count()).toBe(0);
    expect(await seriousA11yViolations(staff.page)).toEqual([]);

    // Key dates: the release date moves three weeks later, and the planning task counted from it moves too.
    const before = await openTaskOfPlan();
    expect(before?.dueAt).toBeTruthy();
    await page.getByRole('tab', { name: /^Tasks/ }).click();
    const taskLine = page.locator('li.task', { hasText: 'Open the release plan' });
    const dueBefore = await taskLine.locator('.task-due').textContent();
    expect(await header.locator('dt', { hasText: 'Release date' }).count()).toBe(1);
    expect(await header.textContent()).not.toContain('releaseDate');
    await header.getByRole('button', { name: 'Change key dates' }).click();
    await header.getByText('Open tasks and their reminders counted from a date move with it.', { exact: false }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await header.getByLabel('Release date').fill(day(261));
    await header.getByRole('button', { name: 'Save key dates' }).click();
    await page.getByRole('status').filter({ hasText: 'Key dates saved' }).waitFor();
    const after = await openTaskOfPlan();
    const movedDays = (Date.parse(after!.dueAt) - Date.parse(before!.dueAt)) / 86_400_000;
    expect(movedDays).toBeGreaterThanOrEqual(18);
    expect(movedDays).toBeLessThanOrEqual(24);
    await until(async () => (await taskLine.locator('.task-due').textContent()) !== dueBefore, 'the task’s new due date on the page');
    expect((await caseDetail()).keyDates.releaseDate).toBe(day(261));

    // Lawful basis: consent withdrawn; the page says notifications are withheld, and keeps the history.
    await header.getByRole('button', { name: 'Change the lawful basis' }).click();
    await header.getByLabel(/^Basis for sharing information/).selectOption('none');
    await header.getByText('only the lead agency is notified', { exact: false }).waitFor();
    await header.getByLabel('Note (why)').fill('Consent withdrawn by phone');
    await header.getByRole('button', { name: 'Record the lawful basis' }).click();
    await page.getByRole('status').filter({ hasText: 'Lawful basis recorded.' }).waitFor();
    const warning = header.getByRole('note');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/No lawful basis holds: no agency but the lead is told about this case\. Notifications to the other agencies are withheld since /);
    expect(await header.locator('.facts').textContent()).toContain('None (consent withdrawn)');
    await header.getByText('History of the lawful basis (2)').click();
    const history = await header.locator('.basis-history').textContent();
    expect(history).toContain('Public task');
    expect(history).toContain('Consent withdrawn by phone');
    expect((await caseDetail()).notificationsWithheld).not.toBeNull();
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The conference is cancelled.
    await page.getByRole('tab', { name: /^Conferences/ }).click();
    const conferences = page.getByRole('region', { name: 'Conferences' });
    await conferences.getByText('Cancel the conference').click();
    await conferences.getByLabel('Reason (optional)').fill('The person is in hospital');
    await conferences.getByRole('button', { name: 'Cancel this conference' }).click();
    await page.getByRole('status').filter({ hasText: 'Conference cancelled.' }).waitFor();
    await conferences.getByRole('heading', { name: /Conference on .* Cancelled/ }).waitFor();
    expect(await conferences.getByText('Cancel the conference').count()).toBe(0);
    expect((await caseDetail()).conferences.map((c) => c.status)).toEqual(['cancelled']);

    // Housing is taken off the case, after a confirmation.
    await page.getByRole('tab', { name: /^Agencies/ }).click();
    const agencies = page.getByRole('region', { name: 'Participating agencies' });
    await agencies.getByRole('button', { name: `Remove ${p.agencies.housing.name}` }).click();
    const confirm = agencies.getByRole('group', { name: `Remove ${p.agencies.housing.name}` });
    expect(await confirm.textContent()).toContain('It loses access at once');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: `Remove ${p.agencies.housing.name}` }).click();
    await page.getByRole('status').filter({ hasText: `${p.agencies.housing.name} removed` }).waitFor();
    await agencies.locator('ul.participants li', { hasText: p.agencies.housing.name }).waitFor({ state: 'detached' });
    expect([403, 404]).toContain((await app.request('GET', `/api/cases/${caseId}`, { token: p.tokens.housing })).status);
    // The lead agency cannot be removed, so it is not offered.
    expect(await agencies.getByRole('button', { name: `Remove ${p.agencies.coordinator.name}` }).count()).toBe(0);

    // The subject-access export downloads as one JSON document, restricted notes included and marked.
    const [download] = await Promise.all([page.waitForEvent('download'), header.getByRole('button', { name: 'Download the subject-access export (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe(`subject-access-${reference}.json`);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as Exported;
    expect(exported.case.reference).toBe(reference);
    expect(exported.case.subject.name).toBe(PERSON);
    expect(exported.notes.map((n) => n.text).sort()).toEqual([RESTRICTED, SHARED].sort());
    await page.getByRole('status').filter({ hasText: 'Subject-access export downloaded.' }).waitFor();
    // Agency staff are not offered it (the lead agency's case managers give it).
    await staff.page.goto(`/cases/${caseId}`);
    await staff.page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
    expect(await staff.page.getByRole('button', { name: /subject-access/ }).count()).toBe(0);

    // An erased case: a page that says so and when, not a broken one.
    await page.goto(`/cases/${erased.id}`);
    await page.getByRole('heading', { level: 1, name: erased.reference }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'This case was erased' }).waitFor();
    expect(await page.getByText(/The personal data of this case was erased on \S/).count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('Erased Person');
    await page.getByRole('link', { name: 'Back to the cases' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-erased');
  }, 180_000);
});
