import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { many } from '../../../../libs/domain/src/db.js';

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
    const count = async (sql: string) => (await many(this.ds.manager, sql)).length;
    return {
      outbox: await count(`DELETE FROM outbox WHERE relayed_at < now() - interval '${RETENTION.outbox}' RETURNING 1`),
      idempotencyKeys: await count(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '${RETENTION.idempotencyKeys}' RETURNING 1`),
      loginAttempts: await count(`DELETE FROM login_attempts WHERE at < now() - interval '${RETENTION.loginAttempts}' RETURNING 1`),
      authThrottle: await count(
        `DELETE FROM auth_throttle WHERE updated_at < now() - interval '${RETENTION.authThrottle}' AND (blocked_until IS NULL OR blocked_until < now()) RETURNING 1`,
      ),
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
