import { afterEach, describe, expect, it } from '@jest/globals';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  backoffDelay,
  deliverWebhook,
  signBody,
  webhookPayload,
} from '../../../libs/notifications/src/webhook.js';
import { at, firstOf } from '../../support/defined.js';

interface Received {
  headers: IncomingMessage['headers'];
  method?: string;
  body: string;
}

const servers: Server[] = [];

async function receiver(answer: (req: Received, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, method: req.method, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(r, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/convene`, received };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const secret = 'agency-secret-7';
const body = webhookPayload({
  id: 'ntf_01',
  kind: 'reminder',
  agencyId: 'ag_probation',
  caseId: 'case_42',
  caseReference: 'CV-2026-0042',
  taskId: 'task_9',
  dueAt: new Date('2026-03-12T09:00:00Z'),
  title: 'Submit risk assessment',
  link: 'http://localhost:3000/cases/case_42',
});

function verify(raw: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('deliverWebhook', () => {
  it('posts the signed body with the delivery id to a receiver on a loopback address', async () => {
    const hook = await receiver((_r, res) => res.writeHead(204).end());
    const result = await deliverWebhook({ url: hook.url, body, secret, deliveryId: 'ntf_01' });
    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const req = firstOf(hook.received, 'received requests');
    expect(req.method).toBe('POST');
    expect(req.body).toBe(body);
    expect(verify(req.body, req.headers['x-convene-signature'] as string)).toBe(true);
    expect(req.headers['x-convene-delivery']).toBe('ntf_01');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Convene-Webhook/1');
  });

  it('sends the same delivery id and signature on a retry', async () => {
    const hook = await receiver((_r, res) => res.writeHead(200).end('ok'));
    await deliverWebhook({ url: hook.url, body, secret, deliveryId: 'ntf_01' });
    await deliverWebhook({ url: hook.url, body, secret, deliveryId: 'ntf_01' });
    const a = at(hook.received, 0, 'received requests');
    const b = at(hook.received, 1, 'received requests');
    expect(b.headers['x-convene-delivery']).toBe(a.headers['x-convene-delivery']);
    expect(b.headers['x-convene-signature']).toBe(a.headers['x-convene-signature']);
  });

  it('leaves the signature out when the agency has no secret', async () => {
    const hook = await receiver((_r, res) => res.writeHead(200).end());
    await deliverWebhook({ url: hook.url, body, deliveryId: 'ntf_02' });
    expect(firstOf(hook.received, 'received requests').headers['x-convene-signature']).toBeUndefined();
  });

  it('reports a non-2xx answer with its status', async () => {
    const hook = await receiver((_r, res) => res.writeHead(503).end('maintenance'));
    const result = await deliverWebhook({ url: hook.url, body, secret, deliveryId: 'ntf_03' });
    expect(result).toMatchObject({ ok: false, status: 503, error: 'HTTP 503' });
  });

  it('does not follow a redirect', async () => {
    const target = await receiver((_r, res) => res.writeHead(200).end());
    const hook = await receiver((_r, res) => res.writeHead(307, { Location: target.url }).end());
    const result = await deliverWebhook({ url: hook.url, body, secret, deliveryId: 'ntf_04' });
    expect(result).toMatchObject({ ok: false, status: 307 });
    expect(target.received).toHaveLength(0);
  });

  it('gives up on a receiver that never answers, without throwing', async () => {
    const hook = await receiver(() => undefined);
    const result = await deliverWebhook({ url: hook.url, body, deliveryId: 'ntf_05', timeoutMs: 200 });
    expect(result.ok).toBe(false);
    expect(result.status).toBeUndefined();
    expect(result.error).toBe('timeout after 200 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('reports a refused connection without throwing', async () => {
    const hook = await receiver(() => undefined);
    const closed = servers.pop() as Server;
    await new Promise((resolve) => closed.close(resolve));
    const result = await deliverWebhook({ url: hook.url, body, deliveryId: 'ntf_06', timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});

describe('signBody', () => {
  it('is the hex HMAC-SHA256 of the raw body, prefixed with the algorithm', () => {
    expect(signBody('{"a":1}', 'k')).toBe(`sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`);
    expect(signBody('{"a":1}', 'k')).not.toBe(signBody('{"a":2}', 'k'));
  });
});

describe('webhookPayload', () => {
  it('writes the contract fields in a stable order and leaves absent ones out', () => {
    expect(Object.keys(JSON.parse(body) as object)).toEqual([
      'id', 'kind', 'agencyId', 'caseId', 'caseReference', 'taskId', 'dueAt', 'title', 'link',
    ]);
    expect((JSON.parse(body) as { dueAt?: unknown }).dueAt).toBe('2026-03-12T09:00:00.000Z');
    const conference = webhookPayload({
      link: 'http://x/c/1',
      title: 'Case conference',
      conferenceId: 'conf_1',
      caseReference: 'CV-1',
      caseId: 'c1',
      agencyId: 'a1',
      kind: 'conference_invitation',
      id: 'n2',
    });
    expect(conference).toBe(
      '{"id":"n2","kind":"conference_invitation","agencyId":"a1","caseId":"c1","caseReference":"CV-1","conferenceId":"conf_1","title":"Case conference","link":"http://x/c/1"}',
    );
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap when jitter is at its top', () => {
    const top = () => 0.999999;
    const delays = [1, 2, 3, 4, 5].map((a) => backoffDelay(a, { baseMs: 1000, maxMs: 10_000, random: top }));
    expect(delays).toEqual([999, 1999, 3999, 7999, 9999]);
  });

  it('can be anything from zero to the exponential bound (full jitter)', () => {
    expect(backoffDelay(3, { baseMs: 1000, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseMs: 1000, random: () => 0.5 })).toBe(2000);
    for (let attempt = 1; attempt <= 40; attempt++) {
      const d = backoffDelay(attempt);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(3_600_000, 5000 * 2 ** (attempt - 1)));
      expect(Number.isInteger(d)).toBe(true);
    }
  });

  it('stays finite and capped for huge or odd attempt numbers', () => {
    expect(backoffDelay(5000, { random: () => 0.5 })).toBe(1_800_000);
    expect(backoffDelay(0, { baseMs: 1000, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(Number.NaN, { baseMs: 1000, random: () => 0.5 })).toBe(500);
  });
});
