import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PHRASEBOOKS } from '../../libs/notifications/src/templates.js';
import { WHY } from '../../libs/notifications/src/why/why-phrases.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { startSmtpSink, type ReceivedMail } from '../integration/notifications/support/receivers.js';
import { publishPathway } from '../integration/notifications/support/scenario.js';
import { leaves, readMime } from '../unit/notifications/support/mime-reader.js';

/** A task with its title in English and Swedish: assigned, reminded on its due time, escalated. */
const swedishPathway = (key: string) => ({
  key,
  title: 'Language test',
  machine: {
    id: key,
    initial: 'waiting',
    states: {
      waiting: {
        meta: {
          title: 'Waiting',
          tasks: [
            {
              key: 'report',
              title: { en: 'Submit the risk report', sv: 'Lämna riskrapporten' },
              assignee: { role: 'probation' },
              due: 'PT2S',
              reminders: ['-PT1S', 'P0D', 'PT1S'],
              escalation: { after: 'PT2S', to: { role: 'probation' } },
              urgent: true,
            },
          ],
        },
        on: { DONE: 'done' },
      },
      done: { type: 'final' },
    },
  },
});

/**
 * English words our own English wording uses (phrasebook and why-lines, rendered with sample
 * values): a message in another language must contain none of them.
 */
function englishWords(): Set<string> {
  const sample = { caseReference: 'REF', title: 'TITLE', due: 'DUE', when: 'WHEN' };
  const texts: string[] = [];
  const en = PHRASEBOOKS.en;
  for (const phrase of Object.values(en.kinds)) {
    const p = phrase(sample);
    texts.push(p.subject, ...p.body);
  }
  texts.push(en.openLink, en.reason, en.footer);
  const why = WHY.en;
  texts.push(
    why.reminderBefore('D', 'T'), why.reminderOn('T'), why.reminderAfter('D', 'T'), why.overdue('D', 'T'), why.escalation('D', 'T'),
    why.taskAssigned('T'), why.conferenceReminder('D'), why.conferenceInvitation, why.conferenceChanged, why.conferenceTitle('R'),
    'Submit the risk report', 'days', 'second', 'seconds', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January', 'February',
  );
  const words = new Set<string>();
  for (const text of texts) for (const word of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) words.add(word);
  // Words both languages share, and our own names.
  for (const shared of ['convene', 'title', 'when', 'risk', 'organisation']) words.delete(shared);
  return words;
}

describe("everything a recipient reads is in the recipient's language", () => {
  let t: TestApp;
  let p: Partnership;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let key: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: smtp.url });
    p = await seedPartnership(t, {
      probation: { email: 'frivarden@example.se', locale: 'sv', timezone: 'Europe/Stockholm', country: 'SE' },
    });
    key = await publishPathway(t, p.adminToken, swedishPathway);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** What a mail client shows: subject and the decoded text and calendar parts. */
  function shown(mail: ReceivedMail): string[] {
    const root = readMime(mail.raw);
    const parts = leaves(root).filter((l) => /text\/(plain|calendar)/i.test(l.headers.get('content-type') ?? ''));
    // Calendar lines folded at 75 octets are unfolded first (RFC 5545 §3.1); PRODID names the product, not prose.
    const lines = (part: { body: string }) => part.body.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter((l) => !l.startsWith('PRODID:'));
    return [root.headers.get('subject') ?? '', ...parts.flatMap(lines)];
  }

  function englishIn(lines: string[], ignore: string[]): string[] {
    const words = englishWords();
    return lines.filter((line) => {
      let text = line.toLowerCase();
      for (const i of ignore) text = text.split(i.toLowerCase()).join(' ');
      // Links, calendar property names and ids are not prose.
      text = text.replace(/https?:\/\/\S+/g, ' ').replace(/^[a-z-]+[:;]/, ' ').replace(/[0-9a-f-]{36}/g, ' ');
      return (text.match(/[a-z]{4,}/g) ?? []).some((w) => words.has(w));
    });
  }

  it('sends a Swedish agency its assignment, reminders, overdue notice, escalation and conference invitation with no English line', async () => {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Språk Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    const conference = await t.request('POST', `/api/cases/${created.body.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), location: 'Rådhuset' },
    });
    expect(conference.status).toBe(201);
    const toProbation = () => smtp.inbox.filter((m) => m.to.includes('frivarden@example.se'));
    // task_assigned, two reminders, the overdue notice, the escalation, the invitation.
    await eventually(() => toProbation().length >= 6 || undefined, 20_000, 'six emails to the Swedish agency');

    const ignore = [created.body.reference, key, 'waiting', 'Rådhuset', 'Europe/Stockholm'];
    for (const mail of toProbation()) {
      const lines = shown(mail);
      expect({ subject: lines[0], english: englishIn(lines, ignore) }).toEqual({ subject: lines[0], english: [] });
    }
    const all = toProbation().map((m) => shown(m).join('\n')).join('\n');
    expect(all).toContain('Lämna riskrapporten');
    expect(all).toContain('Samverkansmöte');
    expect(all).not.toContain('Submit the risk report');
  });

  it('sends the cancellation calendar file as METHOD:CANCEL in both the MIME type and the file', async () => {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Avbokad Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    const conference = await t.request('POST', `/api/cases/${created.body.id}/conferences`, {
      token: p.tokens.coordinator,
      body: { scheduledAt: new Date(Date.now() + 5 * 86_400_000).toISOString() },
    });
    expect(conference.status).toBe(201);
    const cancelled = await t.request('POST', `/api/conferences/${conference.body.id}/cancel`, { token: p.tokens.coordinator, body: { reason: 'Inställt' } });
    expect(cancelled.status).toBe(200);
    const calendarParts = () =>
      smtp.inbox
        .filter((m) => m.to.includes('frivarden@example.se'))
        .flatMap((m) => leaves(readMime(m.raw)))
        .filter((l) => /text\/calendar/i.test(l.headers.get('content-type') ?? '') && l.body.includes(`${conference.body.id}@convene`));
    const cancel = await eventually(() => calendarParts().find((l) => /METHOD:CANCEL/.test(l.body)), 15_000, 'the cancellation calendar file');
    expect(cancel.headers.get('content-type')).toMatch(/method=CANCEL/i);
  });
});
