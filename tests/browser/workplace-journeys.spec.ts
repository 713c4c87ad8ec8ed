import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCALES, messages } from '../../apps/web/src/i18n/resources/index.js';
import { ADMIN, eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

const PASSWORD = 'correct horse battery staple';
const PERSON = 'Robin Quillfeather';

/** Every key of the English resources: a page that shows one of them shows a missing translation. */
const KEYS = Object.keys(messages.en);

describe('journeys: the dashboard, search by name, notifications with their reason, deactivation, six languages', () => {
  let app: TestApp;
  let web: WebServer;
  let p: Partnership;
  let caseId: string;
  let reference: string;
  const sessions: BrowserSession[] = [];
  const open = async (locale?: string) => {
    const s = await openBrowser(web.url, locale);
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startTestApp();
    p = await seedPartnership(app);
    const created = await app.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: PERSON },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.coordinator.id, role: 'coordinator' },
          { agencyId: p.agencies.probation.id, role: 'referrer' },
          { agencyId: p.agencies.police.id, role: 'police' },
        ],
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    reference = created.body.reference;
    expect((await app.request('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } })).status).toBe(201);
    web = await serveWeb(app.url);
  }, 120_000);

  afterAll(async () => {
    for (const s of sessions) await s.close();
    await web?.close();
    await app?.close();
  });

  it('the dashboard shows an agency as late once its task passes its due date', async () => {
    const { page } = await open();
    await signIn(page, p.users.coordinator.email, PASSWORD);
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const probationRow = page.locator('table.agency-load tr', { hasText: p.agencies.probation.name });
    await probationRow.waitFor();
    expect(await probationRow.locator('.tag-late').count()).toBe(0);

    // Probation's referral details fall due yesterday (a case manager moves the date).
    const tasks = await app.request('GET', `/api/tasks?status=open&caseId=${caseId}`, { token: p.tokens.coordinator });
    const details = (tasks.body.items as Array<{ id: string; title: string; assigneeAgencyId: string }>).find((t) => t.assigneeAgencyId === p.agencies.probation.id);
    expect(details).toBeDefined();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const moved = await app.request('PATCH', `/api/tasks/${details!.id}`, { token: p.tokens.coordinator, body: { dueAt: yesterday, reason: 'Agreed at the partnership meeting' } });
    expect(moved.status).toBe(200);

    // Coming back to the tab refetches; a reload does the same for the test.
    await page.reload();
    await probationRow.locator('.tag-late', { hasText: 'Late' }).waitFor();
    expect(await probationRow.locator('td').first().textContent()).toBe('1');
    await page.getByRole('heading', { name: 'Overdue tasks per agency, last 12 weeks' }).waitFor();
    await page.locator('.chart-frame svg').first().waitFor();
    await page.getByRole('heading', { name: 'Conferences in the next 14 days' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard');

    // The same figures from the API, scoped: agency staff see only their own agency's tasks.
    const staff = await app.request('GET', '/api/dashboard/summary', { token: p.tokens.police });
    expect(staff.status).toBe(200);
    expect((staff.body.agencies as Array<{ agencyId: string }>).every((a) => a.agencyId === p.agencies.police.id)).toBe(true);
  }, 90_000);

  it('a coordinator finds a case by part of the person’s name, with the keyboard', async () => {
    const { page } = await open();
    await signIn(page, p.users.coordinator.email, PASSWORD);
    await page.goto('/cases');
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    const box = page.getByLabel('Find a case by reference or name');
    await box.focus();
    await page.keyboard.type('quillfeath');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/cases?q=quillfeath');
    const link = page.getByRole('link', { name: reference });
    await link.waitFor();
    expect(await page.getByRole('row', { name: new RegExp(PERSON) }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-page-top');

    // Each tab, by keyboard: arrows move along the tab list.
    const tabs = ['Tasks', 'Conferences', 'Notes', 'Agencies', 'Timeline', 'Reminders and timers'];
    await page.getByRole('tab', { name: /^Tasks/ }).focus();
    for (const [i, name] of tabs.entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      // The arrow selects the next tab and moves focus to it.
      await page.locator('[role="tab"][aria-selected="true"]:focus', { hasText: new RegExp(`^${name}`) }).waitFor();
      await page.getByRole('tabpanel').waitFor();
      if (name === 'Timeline') await page.getByLabel('Show', { exact: true }).waitFor();
      if (name === 'Reminders and timers') await page.getByRole('heading', { name: 'Reminders' }).waitFor();
      if (name === 'Notes') await page.getByRole('heading', { name: 'Notes', exact: true }).waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      // The notes tab is photographed with notes in it, restricted and not (case-governance-journey).
      if (name !== 'Notes') await screenshot(page, `case-page-tab-${name.split(' ')[0]!.toLowerCase()}`);
    }

    // The diagram opens large, and closes with Escape.
    await page.getByRole('button', { name: 'Enlarge the diagram' }).first().click();
    await page.locator('dialog[open] .diagram-full svg').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
  }, 90_000);

  it('a staff member reads why a notification was sent and opens its case', async () => {
    // Probation is told about its task on the case (task_assigned).
    await eventually(async () => {
      const list = await app.request('GET', '/api/notifications', { token: p.tokens.probation });
      return (list.body.items as Array<{ caseId: string }>).some((n) => n.caseId === caseId);
    }, 20_000, 'a notification to probation');
    const { page } = await open();
    await signIn(page, p.users.probation.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const item = page.locator('li.card', { hasText: reference }).first();
    await item.waitFor();
    const why = await item.locator('.why').textContent();
    expect(why).toMatch(/^Why you got this: \S/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'notifications');
    await item.getByRole('link', { name: new RegExp(`Open case ${reference}`) }).click();
    // The notification's own link: the case, maybe with the task it is about.
    await page.waitForURL((url) => url.pathname === `/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
  }, 60_000);

  it('an administrator deactivates a user, whose open session ends at its next action', async () => {
    const staff = await open();
    await signIn(staff.page, p.users.police.email, PASSWORD);
    await staff.page.waitForURL('**/inbox');

    const admin = await open();
    await signIn(admin.page, ADMIN.email, ADMIN.password);
    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    expect(await seriousA11yViolations(admin.page)).toEqual([]);
    await screenshot(admin.page, 'admin-users');
    // Other tests' partnerships have a "police user" too: the row of this one's email.
    const row = admin.page.getByRole('row').filter({ hasText: p.users.police.email });
    await row.getByRole('button', { name: 'Deactivate police user' }).click();
    await row.getByRole('button', { name: 'Activate police user' }).waitFor();

    // The police officer's tab: the next click is refused and lands on the sign-in page.
    await staff.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).click();
    await staff.page.waitForURL('**/login**');
    await staff.page.getByText('Your session has expired. Please sign in again.').waitFor();

    // The other administrator pages, for the record.
    for (const [link, heading, shot] of [
      ['Agencies', 'Agencies', 'admin-agencies'],
      ['Pathways', 'Pathways', 'admin-pathways'],
      ['Audit log', 'Audit log', 'admin-audit'],
    ] as const) {
      await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
      await admin.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      if (shot === 'admin-audit') await admin.page.locator('table tbody tr').first().waitFor();
      expect(await seriousA11yViolations(admin.page)).toEqual([]);
      await screenshot(admin.page, shot);
    }
    await admin.page.getByLabel('Action').fill('user.update');
    await admin.page.getByRole('button', { name: 'Apply filters' }).click();
    await admin.page.waitForURL('**/admin/audit?action=user.update');
  }, 90_000);

  it('renders the case page in each of the six languages, with no missing key', async () => {
    for (const { code, region } of LOCALES) {
      // The browser's language chooses; nothing remembered yet in this fresh profile.
      const s = await open(region);
      // The sign-in form already speaks the browser's language: fill it by its translated labels.
      const m = messages[code];
      await s.page.goto('/login');
      await s.page.getByRole('heading', { level: 1, name: m['login.title'] }).waitFor();
      await s.page.getByLabel(m['login.email']).fill(p.users.coordinator.email);
      await s.page.getByLabel(m['login.password']).fill(PASSWORD);
      await s.page.getByRole('button', { name: m['login.submit'], exact: true }).click();
      await s.page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await s.page.goto(`/cases/${caseId}`);
      await s.page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
      expect(await s.page.getAttribute('html', 'lang')).toBe(code);
      await s.page.getByRole('tab', { name: new RegExp(`^${messages[code]['case.tab.tasks']}`) }).waitFor();
      const text = (await s.page.locator('body').innerText()) + String(await s.page.evaluate('[...document.querySelectorAll("[aria-label],[title]")].map((e) => (e.getAttribute("aria-label") ?? "") + " " + (e.getAttribute("title") ?? "")).join(" ")'));
      expect({ code, missing: KEYS.filter((k) => text.includes(k)) }).toEqual({ code, missing: [] });
      expect(await seriousA11yViolations(s.page)).toEqual([]);
      await s.close();
      sessions.splice(sessions.indexOf(s), 1);
    }
  }, 180_000);
});
