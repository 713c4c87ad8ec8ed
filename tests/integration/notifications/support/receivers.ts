import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedWebhook {
  at: number;
  deliveryId: string;
  signatureValid: boolean;
  // Bodies are the contract's webhook JSON, read loosely by assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** What the receiver answers to a request: a status code, or `hold` (never answer; the sender times out). */
export type Answer = number | 'hold';

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order (including failed and held ones). */
  received: ReceivedWebhook[];
  /** Decides each answer; default 204. */
  answer: (request: ReceivedWebhook, index: number) => Answer;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that checks each request's HMAC signature against `secret`. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const held = new Set<http.ServerResponse>();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answer: () => 204,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-convene-signature'] ?? ''));
      const request: ReceivedWebhook = {
        at: Date.now(),
        deliveryId: String(req.headers['x-convene-delivery'] ?? ''),
        signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
        body: JSON.parse(raw) as unknown,
      };
      receiver.received.push(request);
      const answer = receiver.answer(request, receiver.received.length - 1);
      if (answer === 'hold') {
        held.add(res);
        return;
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/convene`;
  return receiver;
}

export interface ReceivedMail {
  at: number;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every message. */
export async function startSmtpSink(): Promise<{ url: string; inbox: ReceivedMail[]; close(): Promise<void> }> {
  const inbox: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ at: Date.now(), to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
