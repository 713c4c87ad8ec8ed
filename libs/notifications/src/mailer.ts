import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createTransport } from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Stable per notification. Becomes the Message-ID header (wrapped as `<id@domain>` when it is
   * not one already) and, in file mode, the file name, so a retried job overwrites its file.
   */
  messageId: string;
  attachments?: MailAttachment[];
}

export interface MailResult {
  transport: 'smtp' | 'file';
  /** The Message-ID header that went out. */
  id: string;
  /** File mode only: where the .eml was written. */
  path?: string;
}

export interface Mailer {
  readonly transport: 'smtp' | 'file';
  send(msg: MailMessage): Promise<MailResult>;
  close(): void;
}

export interface MailerOptions {
  /** SMTP_URL, e.g. `smtps://user:pass@mail.example:465` or `smtp://relay:25?requireTLS=true`. */
  smtpUrl?: string;
  /** Where .eml files go when no SMTP_URL is set (`.data/mail/` in the app). */
  mailDir: string;
  from?: string;
}

export const DEFAULT_FROM = 'Convene <convene@localhost>';

/**
 * Sends mail over SMTP when `smtpUrl` is set, otherwise writes each message as an .eml file
 * under `mailDir`. Query parameters of the URL become nodemailer options (`?ignoreTLS=true`).
 */
export function createMailer(opts: MailerOptions): Mailer {
  const from = opts.from ?? DEFAULT_FROM;
  return opts.smtpUrl ? smtpMailer(opts.smtpUrl, from) : fileMailer(opts.mailDir, from);
}

function smtpMailer(url: string, from: string): Mailer {
  // A worker should not sit on a dead relay for nodemailer's default minutes; the URL may override.
  const transporter = createTransport({
    url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    transport: 'smtp',
    async send(msg) {
      const info = await transporter.sendMail(mailOptions(msg, from));
      return { transport: 'smtp', id: info.messageId };
    },
    close: () => transporter.close(),
  };
}

function fileMailer(mailDir: string, from: string): Mailer {
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    transport: 'file',
    async send(msg) {
      const info = await transporter.sendMail(mailOptions(msg, from));
      const raw = await toBuffer(info.message);
      await mkdir(mailDir, { recursive: true });
      const path = join(mailDir, `${fileStem(msg.messageId)}.eml`);
      // Write then rename, so whoever watches the folder never reads half a message.
      const partial = `${path}.${process.pid}.partial`;
      await writeFile(partial, raw);
      await rename(partial, path);
      return { transport: 'file', id: info.messageId, path };
    },
    close: () => transporter.close(),
  };
}

function mailOptions(msg: MailMessage, from: string) {
  return {
    from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    messageId: messageIdHeader(msg.messageId, from),
    attachments: msg.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  };
}

/** `<local@domain>` as RFC 5322 wants it; the domain is the sender's. */
export function messageIdHeader(messageId: string, from: string): string {
  const trimmed = messageId.trim();
  if (/^<[^<>\s]+@[^<>\s]+>$/.test(trimmed)) return trimmed;
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  const local = trimmed.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '_') || 'message';
  return `<${local}@${domain}>`;
}

/** A safe, stable file name for a message id (path separators and the like become `_`). */
export function fileStem(messageId: string): string {
  const stem = messageId
    .trim()
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200);
  return stem || 'message';
}

async function toBuffer(message: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(message)) return message;
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
