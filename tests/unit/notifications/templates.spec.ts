import { describe, expect, it } from '@jest/globals';
import { NOTIFICATION_KINDS } from '../../../libs/notifications/src/notification-kinds.js';
import { renderMessage, SUPPORTED_LOCALES, type MessageVars } from '../../../libs/notifications/src/templates.js';

const vars: MessageVars = {
  caseReference: 'CV-2026-0042',
  title: 'Submit risk assessment',
  dueAt: new Date('2026-03-12T09:00:00Z'), // 10:00 in Amsterdam (CET), 05:00 in New York (EDT)
  conferenceAt: new Date('2026-03-12T09:00:00Z'),
  link: 'https://convene.example/cases/8c1e?tab=tasks&task=42',
  reason: "Reminder 3 days before due of task 'Submit risk assessment' (pathway referral v1, state screening)",
};

const MARCH: Record<(typeof SUPPORTED_LOCALES)[number], string> = {
  en: 'March',
  nl: 'maart',
  fr: 'mars',
  es: 'marzo',
  de: 'März',
  sv: 'mars',
};

const cases = SUPPORTED_LOCALES.flatMap((locale) => NOTIFICATION_KINDS.map((kind) => [locale, kind] as const));

describe('renderMessage', () => {
  it.each(cases)('%s / %s carries reference, title, link and a local date, and nothing unfilled', (locale, kind) => {
    const msg = renderMessage(kind, locale, vars);
    for (const part of [msg.subject, msg.text, msg.html]) {
      expect(part).toContain(vars.caseReference);
      expect(part).not.toMatch(/undefined|null|NaN|Invalid|\{\{|\$\{/);
    }
    expect(msg.subject).toContain(vars.title);
    expect(msg.text).toContain(vars.link);
    expect(msg.html).toContain('href="https://convene.example/cases/8c1e?tab=tasks&amp;task=42"');
    expect(msg.text).toContain(vars.reason);
    expect(msg.text).toContain(MARCH[locale]);
    expect(msg.text).toContain('10:00');
    expect(msg.text).not.toContain('09:00');
  });

  it('words every kind differently in every language', () => {
    const subjects = new Set(cases.map(([locale, kind]) => renderMessage(kind, locale, vars).subject));
    const bodies = new Set(cases.map(([locale, kind]) => renderMessage(kind, locale, vars).text));
    expect(subjects.size).toBe(cases.length);
    expect(bodies.size).toBe(cases.length);
  });

  it('formats dates in the agency time zone it is given', () => {
    const ny = renderMessage('reminder', 'en', { ...vars, timezone: 'America/New_York' });
    expect(ny.text).toContain('05:00');
    expect(ny.text).not.toContain('10:00');
    const amsterdam = renderMessage('reminder', 'de', vars);
    expect(amsterdam.text).toContain('Donnerstag, 12. März 2026 um 10:00 MEZ');
  });

  it('keeps working with a misconfigured time zone, in Amsterdam time', () => {
    const msg = renderMessage('overdue', 'nl', { ...vars, timezone: 'Mars/Olympus_Mons' });
    expect(msg.text).toContain('donderdag 12 maart 2026 om 10:00');
  });

  it('falls back to English for an unknown or missing locale and reads regional tags by language', () => {
    const english = renderMessage('escalation', 'en', vars);
    expect(renderMessage('escalation', 'pt-BR', vars).text).toBe(english.text);
    expect(renderMessage('escalation', undefined, vars).text).toBe(english.text);
    expect(renderMessage('escalation', 'nl-BE', vars).subject).toBe(renderMessage('escalation', 'nl', vars).subject);
    expect(renderMessage('escalation', 'NL_be', vars).subject).toContain('Escalatie');
  });

  it('uses 24-hour European dates for plain English and honours en-US when asked', () => {
    expect(renderMessage('reminder', 'en', vars).text).toContain('Thursday, 12 March 2026 at 10:00');
    expect(renderMessage('reminder', 'en-US', vars).text).toContain('March 12, 2026 at 10:00 AM');
  });

  it.each(cases)('%s / %s reads naturally without any date', (locale, kind) => {
    const msg = renderMessage(kind, locale, { caseReference: 'CV-7', title: 'Prepare minutes', link: 'https://c.example/x' });
    expect(msg.text).not.toMatch(/undefined|Invalid|\(\)|\s[.,]/);
    expect(msg.text).toContain('https://c.example/x');
  });

  it('escapes markup in titles and links in the HTML but not in the text', () => {
    const msg = renderMessage('task_assigned', 'en', {
      ...vars,
      title: 'Review <b>plan</b> & "risks"',
      link: 'https://c.example/?a=1&b="2"',
    });
    expect(msg.html).toContain('Review &lt;b&gt;plan&lt;/b&gt; &amp; &quot;risks&quot;');
    expect(msg.html).toContain('href="https://c.example/?a=1&amp;b=&quot;2&quot;"');
    expect(msg.html).not.toContain('<b>plan');
    expect(msg.text).toContain('Review <b>plan</b> & "risks"');
  });

  it('puts nothing in the message beyond the given reference, title, dates and link', () => {
    const withExtra = { ...vars, subjectName: 'Jan de Vries', dateOfBirth: '1990-01-01' } as MessageVars;
    const msg = renderMessage('conference_invitation', 'nl', withExtra);
    expect(JSON.stringify(msg)).not.toMatch(/Jan de Vries|1990/);
  });
});
