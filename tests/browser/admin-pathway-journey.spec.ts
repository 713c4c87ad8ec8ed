import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, startTestApp, type TestApp } from '../support/app.js';
import { openBrowser, screenshot, seriousA11yViolations, signIn, until, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

describe('journey: an administrator edits, validates and publishes a pathway version', () => {
  let app: TestApp;
  let web: WebServer;
  let browser: BrowserSession;
  // A pathway of its own (a copy of the referral) so publishing here never changes other tests' pathways.
  const suffix = randomUUID().slice(0, 8);
  const key = `referral-copy-${suffix}`;
  const title = `Referral copy ${suffix}`;

  beforeAll(async () => {
    app = await startTestApp();
    const token = await app.login(ADMIN.email, ADMIN.password);
    const definition = JSON.parse(readFileSync('workflows/referral.json', 'utf8')) as { key: string; title: string; machine: { id: string } };
    definition.key = key;
    definition.title = title;
    definition.machine.id = key;
    const created = await app.request<{ version: number }>('POST', `/api/pathways/${key}/versions`, { token, body: { definition } });
    expect(created.status).toBe(201);
    expect((await app.request('POST', `/api/pathways/${key}/versions/${created.body.version}/publish`, { token })).status).toBe(200);
    web = await serveWeb(app.url);
    browser = await openBrowser(web.url);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
  });

  it('shows errors while typing, saves a valid draft, diffs it against the published version and publishes it', async () => {
    const { page } = browser;
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.waitForURL('**/admin/pathways');
    await page.getByRole('heading', { level: 1, name: 'Pathways' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const editor = page.getByLabel('Definition (JSON)');
    await until(async () => (await editor.inputValue()).includes('"machine"'), 'the definition to load');
    await page.getByText('The definition is valid.').waitFor();
    const original = await editor.inputValue();

    // A broken target is reported with its path; choosing the error selects its line.
    await editor.fill(original.replace('"target": "lawfulBasis"', '"target": "nowhere"'));
    await page.getByText(/problems found/).waitFor();
    const errorLink = page.locator('.validation-errors button').first();
    expect(await errorLink.textContent()).toMatch(/ACCEPT/);
    await errorLink.click();
    type TextArea = { value: string; selectionStart: number; selectionEnd: number; ownerDocument: { activeElement: unknown } };
    const selected = await editor.evaluate((el) => {
      const area = el as unknown as TextArea;
      return { focused: area.ownerDocument.activeElement === area, text: area.value.slice(area.selectionStart, area.selectionEnd) };
    });
    expect(selected.focused).toBe(true);
    expect(selected.text).toMatch(/ACCEPT|nowhere/);
    expect(await page.getByRole('button', { name: 'Save as new draft' }).isDisabled()).toBe(true);

    // Not JSON at all is said in words too.
    await editor.fill(`${original.slice(0, 40)}`);
    await page.getByText(/Not valid JSON/).waitFor();

    // A valid edit: the screening takes up to 7 days instead of 5.
    const edited = original.replace(`"title": "${title}"`, `"title": "${title} (revised)"`).replace(/"due": "P5D"/, '"due": "P7D"');
    await editor.fill(edited);
    await page.getByText('The definition is valid.').waitFor();
    await page.getByRole('button', { name: 'Save as new draft' }).click();
    const saved = page.getByRole('status').filter({ hasText: /Draft version \d+ saved\./ });
    await saved.waitFor();
    const version = Number(/Draft version (\d+)/.exec((await saved.textContent())!)![1]);
    expect(version).toBe(2);

    await page.getByRole('button', { name: 'Compare with published' }).click();
    const diff = page.locator('pre.diff');
    await diff.waitFor();
    expect(await diff.textContent()).toMatch(/P7D|due/);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'pathway-editor');

    await page.getByRole('button', { name: `Publish Version ${version}` }).click();
    await page.getByRole('button', { name: `Publish ${version}`, exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Version ${version} is published.` }).waitFor();
    const token = await app.login(ADMIN.email, ADMIN.password);
    const pathway = await app.request<{ publishedVersion: number | null }>('GET', `/api/pathways/${key}`, { token });
    expect(pathway.body.publishedVersion).toBe(version);

    // The dry run answers in a table or says nothing would be affected — never raw JSON.
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption(String(version));
    await page.getByRole('button', { name: 'Run dry run' }).click();
    await page.locator('#dry-run-h ~ .table-wrap, #dry-run-h ~ [role="status"], #dry-run-h ~ .message-error').first().waitFor();

    // Dutch on request, and the page says so to assistive technology.
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('button', { name: 'Opslaan als nieuw concept' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await page.getByLabel('Taal').selectOption('en');

    // An expired session sends the user back to sign in, with a message.
    await page.evaluate("sessionStorage.setItem('convene.token', 'expired')");
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/login**');
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
  });
});
