import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock, JOB_QUEUE, type JobName, type QueueName, QueueService } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { JOB_OPTIONS, OutboxRepository, type PendingOutboxRow } from '#domain';

const BATCH = 200;
const POLL_MS = 1000;

/** The relay's LISTEN connection names itself, so operators (and tests) can find it in pg_stat_activity. */
export const OUTBOX_LISTENER_NAME = 'convene-outbox-listener';
const RELISTEN_MAX_MS = 30_000;

/**
 * Moves committed outbox rows into BullMQ. Rows are claimed with SKIP LOCKED, so several workers
 * can relay at once; a crash between `add` and marking the row relayed only re-adds the same job
 * id, which BullMQ ignores. Wakes on NOTIFY at commit, and polls as a safety net; a LISTEN
 * connection that drops (PostgreSQL restarted, backend terminated) is opened again with back-off.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: pg.Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  /** Set while the LISTEN connection is down: the attempt count of the next reconnect. */
  private relistenAttempt = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** Opens the LISTEN connection; when it ends for any reason but shutdown, opens it again. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: OUTBOX_LISTENER_NAME });
    let ended = false;
    const lost = () => {
      if (ended) return;
      ended = true;
      if (this.listener === client) this.listener = undefined;
      if (!this.stopped) this.relisten();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.kick());
    try {
      await client.connect();
      await OutboxRepository.listenForCommits(client);
    } catch (error) {
      ended = true; // the caller retries; this client's own end must not schedule a second attempt
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
    if (this.relistenAttempt > 0) this.logger.log({ attempts: this.relistenAttempt }, 'outbox listener connected again');
    this.relistenAttempt = 0;
    // Whatever committed while nobody listened.
    this.kick();
  }

  private relisten(): void {
    if (this.relistenAttempt === 0) this.logger.warn('outbox listener lost its connection; reconnecting (polling meanwhile)');
    const delay = Math.min(RELISTEN_MAX_MS, 250 * 2 ** this.relistenAttempt++);
    setTimeout(() => {
      if (this.stopped) return;
      this.listen().catch(() => this.relisten());
    }, delay).unref();
  }

  /** Relays until the outbox is empty; concurrent kicks coalesce. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.relayBatch()) === BATCH);
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logger.warn({ err: { message: (error as Error).message } }, 'outbox relay failed; will retry');
      } finally {
        this.running = false;
      }
    })();
  }

  /** Relays one batch in one transaction; returns how many rows it moved. */
  async relayBatch(): Promise<number> {
    return this.ds.transaction(async (tx) => {
      const rows = await OutboxRepository.claimBatch(tx, BATCH);
      if (rows.length === 0) return 0;
      await this.relay(rows);
      await OutboxRepository.markRelayed(tx, rows.map((r) => r.id));
      return rows.length;
    });
  }

  /** Adds jobs in bulk, one call per queue, and removes cancelled ones. */
  private async relay(rows: PendingOutboxRow[]): Promise<void> {
    const adds = new Map<QueueName, Parameters<QueueService['addBulk']>[1]>();
    for (const row of rows) {
      const [verb, name] = row.topic.split(':') as ['add' | 'remove', string];
      if (verb === 'remove') {
        await this.queues.remove(name as QueueName, row.jobId);
        continue;
      }
      const job = name as JobName;
      const delay = row.runAt ? Math.max(0, new Date(row.runAt).getTime() - this.clock.now().getTime()) : 0;
      const queue = JOB_QUEUE[job];
      if (!adds.has(queue)) adds.set(queue, []);
      adds.get(queue)!.push({ name: job, data: row.payload, opts: { ...JOB_OPTIONS[job], jobId: row.jobId, delay } });
    }
    for (const [queue, jobs] of adds) await this.queues.addBulk(queue, jobs);
  }
}
