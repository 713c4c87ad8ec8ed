import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SignedRequest {
  deliveryId: string;
  /** The raw `X-Convene-Signature` header. */
  signature: string;
  raw: string;
  // The contract's webhook JSON, read loosely by assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Whether any comma-separated `sha256=` value of `header` is the HMAC of `raw` under `secret` (CONTRACT §4). */
export function signatureMatches(header: string, raw: string, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`);
  return header
    .split(',')
    .map((v) => Buffer.from(v.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}

/** A real HTTP server on 127.0.0.1 that keeps every request with its raw body and signature header; answers 204. */
export async function startSignatureReceiver(): Promise<{ url: string; received: SignedRequest[]; close(): Promise<void> }> {
  const received: SignedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ deliveryId: String(req.headers['x-convene-delivery'] ?? ''), signature: String(req.headers['x-convene-signature'] ?? ''), raw, body: JSON.parse(raw) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
