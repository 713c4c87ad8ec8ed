import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical, { type VEvent } from 'node-ical';
import { SMTPServer } from 'smtp-server';
import { conferenceInvite } from '../../../libs/notifications/src/ical.js';
import { createMailer, type MailMessage } from '../../../libs/notifications/src/mailer.js';
import { renderMessage } from '../../../libs/notifications/src/templates.js';
import { firstOf } from '../../support/defined.js';
import { leaves, readMime, type MimePart } from './support/mime-reader.js';

const start = new Date('2026-03-12T09:00:00Z');
const rendered = renderMessage('conference_invitation', 'nl', {
  caseReference: 'CV-2026-0042',
  title: 'Casusoverleg vóór ontslag',
  conferenceAt: start,
  link: 'http://localhost:3000/conferences/7f3a',
});
const invite = conferenceInvite({
  uid: 'conference-7f3a@convene.example',
  sequence: 0,
  start,
  durationMinutes: 60,
  title: 'Casusoverleg CV-2026-0042',
});
const message: MailMessage = {
  to: 'probation@example.org',
  ...rendered,
  messageId: 'ntf_01/conference-invitation',
  attachments: [{ filename: 'invite.ics', content: invite, contentType: 'text/calendar; method=REQUEST' }],
};

function expectDeliverable(raw: string): void {
  const mail = readMime(raw);
  expect(mail.headers.get('subject')).toBe(rendered.subject);
  expect(mail.headers.get('to')).toBe('probation@example.org');
  expect(mail.headers.get('from')).toBe('Convene <noreply@convene.example>');
  expect(mail.headers.get('message-id')).toBe('<ntf_01/conference-invitation@convene.example>');
  const parts = leaves(mail);
  const byType = (type: string): MimePart | undefined =>
    parts.find((p) => (p.headers.get('content-type') ?? '').startsWith(type));
  expect(byType('text/plain')?.body).toContain('http://localhost:3000/conferences/7f3a');
  expect(byType('text/html')?.body).toContain('href="http://localhost:3000/conferences/7f3a"');
  const calendar = byType('text/calendar');
  expect(calendar?.headers.get('content-disposition')).toMatch(/attachment; filename=invite\.ics/);
  const events = Object.values(ical.sync.parseICS(calendar?.body ?? '')).filter(
    (c): c is VEvent => c?.type === 'VEVENT',
  );
  expect(events.map((e) => [e.uid, e.start.toISOString()])).toEqual([
    ['conference-7f3a@convene.example', start.toISOString()],
  ]);
}

describe('createMailer over SMTP', () => {
  let server: SMTPServer;
  let port: number;
  const inbox: Array<{ from: string; to: string[]; raw: string }> = [];

  beforeEach(async () => {
    inbox.length = 0;
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          inbox.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the rendered message with its calendar attachment to the SMTP server', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      mailDir: join(tmpdir(), 'unused'),
      from: 'Convene <noreply@convene.example>',
    });
    try {
      const result = await mailer.send(message);
      expect(result).toEqual({ transport: 'smtp', id: '<ntf_01/conference-invitation@convene.example>' });
    } finally {
      mailer.close();
    }
    expect(inbox).toHaveLength(1);
    const mail = firstOf(inbox, 'inbox');
    expect(mail.from).toBe('noreply@convene.example');
    expect(mail.to).toEqual(['probation@example.org']);
    expectDeliverable(mail.raw);
  });

  it('rejects when the SMTP server cannot be reached, so the job can retry', async () => {
    const closedPort = port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = new SMTPServer({ logger: false }); // a fresh one for afterEach to close
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, mailDir: tmpdir() });
    try {
      await expect(mailer.send(message)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      mailer.close();
    }
  });
});

describe('createMailer without SMTP_URL', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convene-mail-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a complete .eml file that a mail reader can open', async () => {
    const mailDir = join(dir, 'mail'); // created on first use
    const mailer = createMailer({ mailDir, from: 'Convene <noreply@convene.example>' });
    const result = await mailer.send(message);
    mailer.close();
    expect(result.transport).toBe('file');
    expect(result.path).toBe(join(mailDir, 'ntf_01_conference-invitation.eml'));
    const raw = await readFile(result.path as string, 'utf8');
    expect(raw).toContain('\r\n');
    expectDeliverable(raw);
  });

  it('overwrites the same file when a message is retried', async () => {
    const mailer = createMailer({ mailDir: dir, from: 'Convene <noreply@convene.example>' });
    await mailer.send(message);
    await mailer.send({ ...message, subject: 'Second attempt' });
    await mailer.send({ ...message, messageId: 'ntf_02' });
    mailer.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['ntf_01_conference-invitation.eml', 'ntf_02.eml']);
    const retried = readMime(await readFile(join(dir, firstOf(files, 'mail files')), 'utf8'));
    expect(retried.headers.get('subject')).toBe('Second attempt');
  });

  it('keeps a hostile message id inside the mail folder', async () => {
    const mailer = createMailer({ mailDir: dir });
    const result = await mailer.send({ ...message, messageId: '../../etc/passwd' });
    mailer.close();
    expect(result.path?.startsWith(dir)).toBe(true);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[^./][^/\\]*\.eml$/);
  });
});
