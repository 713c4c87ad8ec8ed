import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

const PASSWORD = 'correct horse battery staple';

/** `yyyy-mm-dd` for a day some days from now, as a date input wants it. */
function daysFromNow(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('journey: a case manager takes a referral to an accepted case and schedules a conference', () => {
  let app: TestApp;
  let web: WebServer;
  let browser: BrowserSession;
  let partnership: Partnership;

  beforeAll(async () => {
    app = await startTestApp();
    partnership = await seedPartnership(app);
    web = await serveWeb(app.url);
    browser = await openBrowser(web.url);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
  });

  it('opens the case, screens it, accepts it, records consent and schedules the initial conference', async () => {
    const { page } = browser;
    const { agencies, users, tokens } = partnership;

    await page.goto('/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Convene' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'login');

    // Case managers land on their dashboard.
    await signIn(page, users.coordinator.email, PASSWORD);
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // A new case: the city coordinates, police take part, probation referred the person.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New case' }).click();
    await page.getByRole('heading', { level: 1, name: 'New case' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Name of the person').fill('Sam Example');
    await page.getByRole('button', { name: 'Add another agency' }).click();
    const police = page.getByRole('group', { name: 'Agency 2' });
    await police.getByLabel('Agency', { exact: true }).selectOption({ label: agencies.police.name });
    expect(await police.getByLabel('Role in this case').inputValue()).toBe('police');
    await page.getByRole('button', { name: 'Add another agency' }).click();
    const referrer = page.getByRole('group', { name: 'Agency 3' });
    await referrer.getByLabel('Agency', { exact: true }).selectOption({ label: agencies.probation.name });
    await referrer.getByLabel('Role in this case').fill('referrer');
    expect(await page.getByLabel('Start pathway').inputValue()).toBe('referral');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;

    // Screening: accepting waits for both screening tasks, and the page says so.
    await page.getByText('Screening', { exact: true }).first().waitFor();
    const accept = page.getByRole('button', { name: 'Accept the referral' });
    expect(await accept.isDisabled()).toBe(true);
    expect(await page.locator('.reason').first().textContent()).toMatch(/task/i);

    // The coordinator does the preliminary assessment here; probation sends its details (API).
    await page.getByRole('button', { name: /Complete… Preliminary assessment/ }).click();
    await page.getByLabel('Note').fill('No referral in the last 12 months; no immediate risk.');
    await page.getByRole('button', { name: 'Mark as done' }).click();
    await page.getByRole('status').filter({ hasText: 'Task completed' }).waitFor();
    const open = await app.request('GET', `/api/tasks?status=open&caseId=${caseId}`, { token: tokens.probation });
    const details = (open.body.items as Array<{ id: string; title: string }>).find((t) => /referral details/i.test(t.title));
    expect(details).toBeDefined();
    expect((await app.request('POST', `/api/tasks/${details!.id}/complete`, { token: tokens.probation, body: { outcome: 'done' } })).status).toBe(200);

    await page.reload();
    await accept.waitFor();
    await page.locator('button:not([disabled])', { hasText: 'Accept the referral' }).waitFor();
    await accept.click();
    await page.getByLabel('Reason for accepting').fill('Meets the threshold for multi-agency support.');
    await page.getByRole('button', { name: 'Confirm: Accept the referral' }).click();
    await page.getByRole('status').filter({ hasText: 'Done: Accept the referral.' }).waitFor();
    await page.locator('.current-step-text', { hasText: 'Consent or lawful basis' }).waitFor();

    // The diagram marks the current step.
    await page.locator('.diagram-canvas [data-state="lawfulBasis"].current-step').waitFor({ state: 'attached' });

    await page.getByRole('button', { name: 'Consent given' }).click();
    await page.getByLabel('Basis for sharing information').selectOption('consent');
    await page.getByRole('button', { name: 'Confirm: Consent given' }).click();
    await page.locator('.current-step-text', { hasText: 'Initial conference' }).waitFor();

    // Schedule the initial conference for two weeks from now, inviting every participant.
    await page.getByRole('tab', { name: /^Conferences/ }).click();
    const conferences = page.getByRole('region', { name: 'Conferences' });
    await conferences.getByLabel(/^Date/).fill(daysFromNow(14));
    await conferences.getByLabel(/^Time/).fill('10:30');
    await conferences.getByLabel('Location').fill('City hall, room 2');
    await conferences.getByRole('button', { name: 'Schedule', exact: true }).click();
    // Wait for the answer either way, so a refusal fails with its words rather than a timeout.
    const answer = page.getByRole('status').filter({ hasText: 'Conference scheduled.' }).or(conferences.getByRole('alert')).first();
    await answer.waitFor();
    expect(await answer.textContent()).toBe('Conference scheduled.');
    await conferences.getByRole('heading', { name: /Conference on/ }).waitFor();

    const stored = await app.request('GET', `/api/cases/${caseId}`, { token: tokens.coordinator });
    expect(stored.body.pathways[0].state).toBe('initialConference');
    expect(stored.body.conferences).toHaveLength(1);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-page');

    // The case list shows the case with its current step.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await page.getByRole('link', { name: stored.body.reference }).waitFor();
    // By the pathway's and the step's titles (the ids only on hover).
    const row = page.getByRole('row', { name: new RegExp(stored.body.reference) });
    await row.filter({ hasText: 'Referral: Initial conference' }).waitFor();
    expect(await row.textContent()).not.toContain('initialConference');
    expect(await row.getByText('Initial conference').getAttribute('title')).toBe('initialConference');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-list');
  });
});
