import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import { pinoHttpOptions } from '../../../libs/core/src/logging/logging.module.js';
import { openQueueConnection, type AnyQueue, type QueueConnection } from '../../../libs/core/src/queue/queue-backend.js';
import { QUEUE, jobId } from '../../../libs/core/src/queue/queue-registry.js';
import { timerJobId } from '../../../libs/domain/src/outbox/outbox.js';
import { QueueService } from '../../../libs/core/src/queue/queue.service.js';
import type { JobHandlers } from '../../../apps/worker/src/jobs/job-handlers.js';
import { WorkerHost } from '../../../apps/worker/src/jobs/worker-host.js';
import { queueBackends } from '../../support/backends.js';
import { eventually, seedPartnership, startTestApp, type TestApp } from '../../support/app.js';

/**
 * Every log line of this file, as pino writes it: the first pino logger made in a process is the
 * root every nestjs-pino logger (also the test app's HTTP logging) writes through, so this one —
 * with the app's own options, at debug level — catches them all.
 */
const lines: Array<Record<string, unknown>> = [];
const raw: string[] = [];
const pino = new PinoLogger({
  pinoHttp: [pinoHttpOptions('debug'), { write: (s: string) => void (raw.push(s), lines.push(JSON.parse(s) as Record<string, unknown>)) }],
});
NestLogger.overrideLogger(new Logger(pino, {}));

describe.each(queueBackends())('worker host on the %s backend', (backend) => {
  const conn: QueueConnection = openQueueConnection({
    databaseUrl: process.env.DATABASE_URL!,
    redisUrl: backend === 'redis' ? process.env.REDIS_URL : undefined,
    prefix: `${process.env.QUEUE_PREFIX}_h${backend[0]}`,
  });
  const calls: Array<{ job: string; payload: unknown; requestId?: string }> = [];
  const handlers: JobHandlers = {
    timers: { concurrency: 2, handlers: { 'timer.fire': (payload, ctx) => Promise.resolve(void calls.push({ job: 'timer.fire', payload, requestId: ctx.requestId })) } },
    reminders: {
      concurrency: 2,
      handlers: {
        'reminder.send': (payload, ctx) => {
          calls.push({ job: 'reminder.send', payload, requestId: ctx.requestId });
          new NestLogger('test-handler').log({ reminderId: payload.reminderId }, 'handler ran');
          return Promise.resolve('sent' as const);
        },
      },
    },
    deliveries: { concurrency: 2, handlers: { 'delivery.send': (payload) => Promise.resolve(void calls.push({ job: 'delivery.send', payload })) } },
  };
  const host = new WorkerHost(conn, handlers, pino);
  const queues: Partial<Record<string, AnyQueue>> = {};
  const queue = (name: string) => (queues[name] ??= conn.makeQueue(name));

  beforeAll(() => host.start());
  afterAll(async () => {
    await host.stop();
    await Promise.all(Object.values(queues).map((q) => q!.close()));
    await conn.close();
  });

  async function settled(name: string, id: string) {
    await eventually(async () => (await queue(name).getJob(id))?.finishedOn !== undefined, 10_000, `job ${id} to finish`);
    // A retry, were there one, would be scheduled by now.
    await new Promise((r) => setTimeout(r, 200));
    const job = (await queue(name).getJob(id))!;
    return { job, state: await job.getState() };
  }

  it('refuses a job whose name has no handler on its queue: failed at once, not retried, no handler run', async () => {
    const unknown = jobId('unknown', randomUUID());
    const elsewhere = jobId('elsewhere', randomUUID());
    const retry = { attempts: 5, backoff: { type: 'fixed', delay: 10 } };
    await queue(QUEUE.timers).add('timer.explode', { timerRowId: randomUUID() }, { ...retry, jobId: unknown });
    // A job of another queue's name, on the wrong queue.
    await queue(QUEUE.timers).add('delivery.send', { deliveryId: randomUUID() }, { ...retry, jobId: elsewhere });

    for (const [id, name] of [[unknown, 'timer.explode'], [elsewhere, 'delivery.send']] as const) {
      const { job, state } = await settled(QUEUE.timers, id);
      expect(state).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBe(`refused: no handler for job ${name} on queue timers`);
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'job refused', queue: 'timers', jobName: name, jobId: id, reason: `no handler for job ${name} on queue timers` }),
      );
    }
    expect(calls).toEqual([]);
  });

  it('refuses a job whose payload fails its schema, and logs where without the values', async () => {
    const id = jobId('bad', randomUUID());
    await queue(QUEUE.reminders).add(
      'reminder.send',
      { reminderId: 'Jane Doe, 12 Acacia Avenue', generation: 'second' },
      { attempts: 5, backoff: { type: 'fixed', delay: 10 }, jobId: id },
    );
    const { job, state } = await settled(QUEUE.reminders, id);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('refused: payload of reminder.send fails its schema (reminderId: invalid_format, generation: invalid_type)');
    const refused = lines.find((l) => l.msg === 'job refused' && l.jobId === id);
    expect(refused).toMatchObject({
      queue: 'reminders',
      jobName: 'reminder.send',
      reason: 'payload of reminder.send fails its schema',
      issues: [{ path: 'reminderId', code: 'invalid_format' }, { path: 'generation', code: 'invalid_type' }],
    });
    expect(raw.join('')).not.toContain('Acacia');
    expect(calls).toEqual([]);
  });

  it('runs a valid job with its parsed payload, its request id bound to the log lines made meanwhile', async () => {
    const id = jobId('good', randomUUID());
    const reminderId = randomUUID();
    await queue(QUEUE.reminders).add('reminder.send', { reminderId, generation: 2, requestId: 'req-h4-good', extra: 'dropped' }, { jobId: id });
    const { job, state } = await settled(QUEUE.reminders, id);
    expect(state).toBe('completed');
    expect(job.returnvalue).toBe('sent');
    expect(calls).toEqual([{ job: 'reminder.send', payload: { reminderId, generation: 2, requestId: 'req-h4-good' }, requestId: 'req-h4-good' }]);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'handler ran', requestId: 'req-h4-good', queue: 'reminders', jobName: 'reminder.send', jobId: id, reminderId }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'job done', requestId: 'req-h4-good', jobId: id, outcome: 'sent' }));
    calls.length = 0;
  });

  it('refuses to start when a queue or a job of the catalog has no handler', () => {
    const { deliveries: _, ...withoutDeliveries } = handlers;
    expect(() => new WorkerHost(conn, withoutDeliveries as unknown as JobHandlers).start()).toThrow(
      'worker host refuses to start: no handler for queue deliveries',
    );
    const withoutReminder = { ...handlers, reminders: { concurrency: 1, handlers: {} } };
    expect(() => new WorkerHost(conn, withoutReminder as unknown as JobHandlers).start()).toThrow(
      'worker host refuses to start: no handler for job reminder.send (queue reminders)',
    );
    const withStray = { ...handlers, timers: { concurrency: 1, handlers: { ...handlers.timers.handlers, 'timer.frie': () => Promise.resolve() } } };
    expect(() => new WorkerHost(conn, withStray as unknown as JobHandlers).start()).toThrow(
      'worker host refuses to start: handlers for what the job catalog does not have: job timer.frie (queue timers)',
    );
  });
});

/** A pathway whose first state times out after two seconds. */
function timedPathway(key: string) {
  return {
    key,
    title: 'Timed request-id pathway',
    machine: {
      id: key,
      initial: 'waiting',
      states: {
        waiting: { meta: { title: 'Waiting' }, after: { PT2S: 'timedOut' } },
        timedOut: { type: 'final', meta: { title: 'Timed out' } },
      },
    },
  };
}

describe('the request id, from the HTTP request through the outbox into the job and its log', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  beforeAll(async () => {
    t = await startTestApp();
    // The test app boots without a logger; route Nest's loggers to pino (as `npm start` does), caught above.
    t.app.useLogger(t.app.get(Logger));
  });

  it('carries X-Request-Id of the request that starts a pathway into its timer job', async () => {
    const p = await seedPartnership(t);
    const key = `reqid-${randomUUID().slice(0, 8)}`;
    expect((await t.request('POST', `/api/pathways/${key}/versions`, { token: p.adminToken, body: { definition: timedPathway(key) } })).status).toBe(201);
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: p.adminToken })).status).toBe(200);
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Request Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
    });
    expect(created.status).toBe(201);

    const requestId = `h4-${randomUUID().slice(0, 8)}`;
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, {
      token: p.tokens.coordinator,
      body: { key },
      headers: { 'x-request-id': requestId },
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('x-request-id')).toBe(requestId);
    const instanceId = started.body.instanceId as string;

    const [timer] = await t.db.query(`SELECT id FROM timers WHERE instance_id = $1`, [instanceId]);
    const [row] = await t.db.query(`SELECT payload FROM outbox WHERE topic = 'add:timer.fire' AND job_id = $1`, [timerJobId(timer.id)]);
    expect(row.payload).toMatchObject({ timerRowId: timer.id, requestId });

    const job = await eventually(() => t.app.get(QueueService).queue(QUEUE.timers).getJob(timerJobId(timer.id)), 5000, 'the timer job');
    expect(job.data).toMatchObject({ timerRowId: timer.id, requestId });

    const done = await eventually(
      () => lines.find((l) => l.msg === 'job done' && l.jobId === timerJobId(timer.id)),
      15_000,
      'the timer to fire',
    );
    expect(done).toMatchObject({ requestId, queue: 'timers', jobName: 'timer.fire', outcome: 'fired' });
    const [instance] = await t.db.query(`SELECT state_value FROM pathway_instances WHERE id = $1`, [instanceId]);
    expect(instance.state_value).toBe('timedOut');
  });
});
