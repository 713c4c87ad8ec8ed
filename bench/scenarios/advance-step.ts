import { randomUUID } from 'node:crypto';
import type { ApiClient, Partnership } from '../support/api-client.js';
import { firstOf } from '../support/defined.js';
import { summarise } from '../support/stats.js';
import type { ThroughputResult } from '../baselines/tpcb-node.js';

/** A referral case whose pathway a client moves back and forth: screening ⇄ awaitingInformation. */
interface LoopCase {
  caseId: string;
  instanceId: string;
  revision: number;
  inScreening: boolean;
}

/** Opens `count` cases (the probation agency refers) and starts the referral pathway on each. */
export async function openLoopCases(api: ApiClient, p: Partnership, count: number): Promise<LoopCase[]> {
  const referrer = firstOf(p.partners, 'partner agencies');
  const cases: LoopCase[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api.expect<{ id: string }>(201, 'POST', '/api/cases', {
      token: p.city.token,
      body: {
        subject: { name: `Bench subject ${i}` },
        leadAgencyId: p.city.id,
        participants: [{ agencyId: referrer.id, role: 'referrer' }],
      },
    });
    const started = await api.expect<{ instanceId: string; revision: number }>(201, 'POST', `/api/cases/${created.id}/pathways`, { token: p.city.token, body: { key: 'referral' } });
    cases.push({ caseId: created.id, instanceId: started.instanceId, revision: started.revision, inScreening: true });
  }
  return cases;
}

/**
 * `clients` case managers, each on its own case, send the next event as soon as the previous answer
 * arrives — with If-Match (the revision they saw) and a fresh Idempotency-Key, as the web app does.
 * Bounded by `ms` and by `maxPerClient`.
 */
export async function runAdvanceStep(
  api: ApiClient,
  p: Partnership,
  cases: LoopCase[],
  opts: { clients: number; ms: number; maxPerClient: number },
): Promise<ThroughputResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + opts.ms;
  await Promise.all(
    cases.slice(0, opts.clients).map(async (c) => {
      for (let n = 0; n < opts.maxPerClient && performance.now() < deadline; n++) {
        const type = c.inScreening ? 'REQUEST_INFORMATION' : 'INFORMATION_RECEIVED';
        const t = performance.now();
        const res = await api.request<{ revision: number }>('POST', `/api/cases/${c.caseId}/events`, {
          token: p.city.token,
          headers: { 'if-match': `"${c.revision}"`, 'idempotency-key': randomUUID() },
          body: { instanceId: c.instanceId, type, ...(c.inScreening ? { data: { question: 'Which address?' } } : {}) },
        });
        if (res.status === 200) {
          latencies.push(performance.now() - t);
          c.revision = res.body.revision;
          c.inScreening = !c.inScreening;
        } else {
          errors++;
          if (errors > 20) throw new Error(`advance step failing: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { clients: opts.clients, perSecond: Math.round((latencies.length / elapsed) * 1000 * 10) / 10, latencyMs: summarise(latencies), errors, events: latencies.length };
}
