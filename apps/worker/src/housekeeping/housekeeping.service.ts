import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuthThrottleRepository, IdempotencyRepository, LoginAttemptRepository, OutboxRepository } from '#domain';

const EVERY_MS = 60 * 60 * 1000;

/** What is kept how long. Case data, events, notifications and the audit log are never purged here. */
export const RETENTION = {
  /** Relayed outbox rows: only useful while their jobs could still be re-added. */
  outbox: '1 day',
  /** Stored responses for `Idempotency-Key`: clients retry within minutes, not days. */
  idempotencyKeys: '1 day',
  /** Login attempts: the rate limit looks back 15 minutes. */
  loginAttempts: '1 day',
  /** Login counters untouched this long have no window or block left (strikes reset after a day too). */
  authThrottle: '1 day',
} as const;

/**
 * Keeps the bookkeeping tables small: once an hour (and at start) it deletes relayed outbox rows,
 * stored idempotent responses and login attempts older than their retention. Safe to run on every
 * worker at once (plain DELETEs of old rows).
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('housekeeping');
  private timer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runSafely(), EVERY_MS);
    this.timer.unref();
    void this.runSafely();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<{ outbox: number; idempotencyKeys: number; loginAttempts: number; authThrottle: number }> {
    const db = this.ds.manager;
    return {
      outbox: await OutboxRepository.purgeRelayedOlderThan(db, RETENTION.outbox),
      idempotencyKeys: await IdempotencyRepository.purgeOlderThan(db, RETENTION.idempotencyKeys),
      loginAttempts: await LoginAttemptRepository.purgeOlderThan(db, RETENTION.loginAttempts),
      authThrottle: await AuthThrottleRepository.purgeStale(db, RETENTION.authThrottle),
    };
  }

  private async runSafely(): Promise<void> {
    try {
      const purged = await this.run();
      if (Object.values(purged).some((n) => n > 0)) this.logger.log({ purged }, 'purged old bookkeeping rows');
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'housekeeping failed; will retry');
    }
  }
}
