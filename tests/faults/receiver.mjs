// The agencies' webhook endpoint (node:http on 127.0.0.1): records every POST with its
// X-Convene-Delivery header and body, holds each for a while so deliveries are in flight when a
// worker is killed, fails the first attempt of some deliveries (retries) and every delivery of
// "doomed" cases (dead letters), and checks each signature.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

/**
 * @param {{ secret: string, holdMs: [number, number], transientEvery: number }} opts
 *   `holdMs`: each request is held a random time in this range before it is answered;
 *   `transientEvery`: about one delivery id in this many gets a 500 on its first attempt (0: none).
 */
export async function startReceiver({ secret, holdMs, transientEvery }) {
  /** Every request, in arrival order. */
  const received = [];
  /** Requests not yet answered (and whose sender is still connected). */
  const inFlight = new Set();
  /** Cases whose every delivery is refused (503): they must end `dead`, never `delivered`. */
  const doomedCases = new Set();
  const seen = new Map();

  const transient = (deliveryId) =>
    transientEvery > 0 && createHash('sha1').update(deliveryId).digest()[0] % transientEvery === 0;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: recorded as is, the checks flag it
      }
      const deliveryId = String(req.headers['x-convene-delivery'] ?? '');
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`);
      // During a secret rotation the header carries several values; any may match.
      const signatureValid = String(req.headers['x-convene-signature'] ?? '')
        .split(',')
        .some((v) => {
          const given = Buffer.from(v.trim());
          return given.length === expected.length && timingSafeEqual(given, expected);
        });
      const nth = (seen.get(deliveryId) ?? 0) + 1;
      seen.set(deliveryId, nth);
      const record = {
        at: Date.now(),
        deliveryId,
        id: body.id,
        kind: body.kind,
        taskId: body.taskId,
        agencyId: body.agencyId,
        caseId: body.caseId,
        dueAt: body.dueAt,
        path: req.url,
        remotePort: req.socket.remotePort,
        signatureValid,
        nth,
        status: undefined,
        answeredAt: undefined,
        aborted: false,
      };
      received.push(record);
      inFlight.add(record);
      // The sender went away (worker killed, or it timed out) before the answer.
      res.on('close', () => {
        if (record.answeredAt === undefined) record.aborted = true;
        inFlight.delete(record);
      });
      const status = doomedCases.has(record.caseId) ? 503 : nth === 1 && transient(deliveryId) ? 500 : 200;
      const hold = holdMs[0] + Math.random() * (holdMs[1] - holdMs[0]);
      setTimeout(() => {
        if (record.aborted) return;
        record.status = status;
        record.answeredAt = Date.now();
        res.on('error', () => undefined);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
      }, hold);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    inFlight,
    doomedCases,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
