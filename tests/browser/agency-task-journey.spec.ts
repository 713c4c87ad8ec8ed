import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

const PASSWORD = 'correct horse battery staple';

describe('journey: agency staff complete their task and the case manager sees the step become available', () => {
  let app: TestApp;
  let web: WebServer;
  let manager: BrowserSession;
  let staff: BrowserSession;
  let partnership: Partnership;
  let caseId: string;

  beforeAll(async () => {
    app = await startTestApp();
    partnership = await seedPartnership(app);
    const { agencies, tokens } = partnership;
    // A referral from probation, screened by the city: the coordinator's own assessment is done,
    // probation's referral details are still outstanding.
    const created = await app.request('POST', '/api/cases', {
      token: tokens.coordinator,
      body: {
        subject: { name: 'Alex Example' },
        leadAgencyId: agencies.coordinator.id,
        participants: [
          { agencyId: agencies.coordinator.id, role: 'coordinator' },
          { agencyId: agencies.probation.id, role: 'referrer' },
          { agencyId: agencies.police.id, role: 'police' },
        ],
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    expect((await app.request('POST', `/api/cases/${caseId}/pathways`, { token: tokens.coordinator, body: { key: 'referral' } })).status).toBe(201);
    const tasks = await app.request('GET', `/api/tasks?status=open&caseId=${caseId}`, { token: tokens.coordinator });
    const assessment = (tasks.body.items as Array<{ id: string; title: string }>).find((t) => /preliminary assessment/i.test(t.title));
    expect((await app.request('POST', `/api/tasks/${assessment!.id}/complete`, { token: tokens.coordinator, body: {} })).status).toBe(200);

    web = await serveWeb(app.url);
    manager = await openBrowser(web.url);
    staff = await openBrowser(web.url);
  });

  afterAll(async () => {
    await manager?.close();
    await staff?.close();
    await web?.close();
    await app?.close();
  });

  it('probation completes the referral details from its inbox and accepting becomes possible', async () => {
    const { users } = partnership;

    // The case manager sees that accepting waits for the referrer.
    await signIn(manager.page, users.coordinator.email, PASSWORD);
    await manager.page.goto(`/cases/${caseId}`);
    const accept = manager.page.getByRole('button', { name: 'Accept the referral' });
    await accept.waitFor();
    expect(await accept.isDisabled()).toBe(true);
    expect(await manager.page.locator('.reason').first().textContent()).toMatch(/Refused/);
    expect(await seriousA11yViolations(manager.page)).toEqual([]);

    // Probation staff land on their inbox and find the task there.
    const page = staff.page;
    await signIn(page, users.probation.email, PASSWORD);
    await page.waitForURL('**/inbox');
    await page.getByRole('heading', { level: 1, name: 'Task inbox' }).waitFor();
    const task = page.locator('li.task', { hasText: 'Send the referral details and chronology' });
    await task.waitFor();
    expect(await page.getByRole('tab', { name: 'Due soon' }).getAttribute('aria-selected')).toBe('true');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'inbox');

    await task.getByRole('button', { name: /^Acknowledge/ }).click();
    await task.getByText('Acknowledged').waitFor();
    await task.getByRole('button', { name: /^Complete…/ }).click();
    await task.getByLabel('Partly done').check();
    await task.getByLabel('Done as asked').check();
    expect(await task.getByLabel('Partly done').isChecked()).toBe(false);
    await task.getByLabel('Note').fill('Chronology sent through the secure channel.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await task.getByRole('button', { name: 'Mark as done' }).click();
    await page.getByRole('status').filter({ hasText: 'Task completed: Send the referral details and chronology.' }).waitFor();
    await task.waitFor({ state: 'detached' });

    // The Done tab lists it, with its outcome.
    await page.getByRole('tab', { name: 'Done' }).click();
    await page.locator('li.task', { hasText: 'Send the referral details and chronology' }).waitFor();

    // The cases probation takes part in include this one.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cases my agency takes part in' }).waitFor();
    const detail = await app.request('GET', `/api/cases/${caseId}`, { token: partnership.tokens.coordinator });
    await page.getByRole('link', { name: detail.body.reference }).waitFor();

    // Back with the case manager: the step is now available.
    await manager.page.reload();
    await manager.page.locator('button:not([disabled])', { hasText: 'Accept the referral' }).waitFor();
    expect(await manager.page.getByRole('button', { name: 'Accept the referral' }).isEnabled()).toBe(true);
  });
});
