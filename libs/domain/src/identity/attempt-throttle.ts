import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuthThrottleRepository } from './auth-throttle.repository.js';

/** How many attempts a key may make per window, and how long it waits once it made too many. */
export interface ThrottleRule {
  name: string;
  limit: number;
  windowSeconds: number;
  /** The first block; each further one doubles (`strikes`), up to `maxBlockSeconds`. */
  blockSeconds: number;
  maxBlockSeconds: number;
}

export interface ThrottleKey {
  rule: ThrottleRule;
  key: string;
}

const MINUTE = 60;

/**
 * Login limits. The tight one is per account *and* source: whoever guesses a password from one
 * place is slowed down (1 min, 2, 4 … up to 1 h) without locking the owner out of their account
 * from anywhere else. A source trying many accounts, and an account tried from very many sources
 * (a distributed guess), have looser limits of their own; the latter does not escalate, so a
 * stranger can at worst make the owner wait a minute at a time while the attack lasts.
 */
export const LOGIN_RULES = {
  accountAndSource: { name: 'login:account+source', limit: 5, windowSeconds: 15 * MINUTE, blockSeconds: MINUTE, maxBlockSeconds: 60 * MINUTE },
  source: { name: 'login:source', limit: 30, windowSeconds: 15 * MINUTE, blockSeconds: MINUTE, maxBlockSeconds: 60 * MINUTE },
  account: { name: 'login:account', limit: 100, windowSeconds: 15 * MINUTE, blockSeconds: MINUTE, maxBlockSeconds: MINUTE },
} as const satisfies Record<string, ThrottleRule>;

/** The keys a login attempt counts against. Stored as hashes: the table holds no email or address. */
export function loginKeys(email: string, source: string | undefined): ThrottleKey[] {
  const account = email.trim().toLowerCase();
  const from = source ?? 'unknown';
  return [
    { rule: LOGIN_RULES.accountAndSource, key: hashKey(LOGIN_RULES.accountAndSource.name, account, from) },
    { rule: LOGIN_RULES.source, key: hashKey(LOGIN_RULES.source.name, from) },
    { rule: LOGIN_RULES.account, key: hashKey(LOGIN_RULES.account.name, account) },
  ];
}

/**
 * Password-reset limits: emails asked for one account (by administrators, from anywhere) and
 * reset links tried from one source. The tokens are 256-bit, so guessing is hopeless anyway;
 * these keep a stolen admin session or a script from flooding a mailbox or the endpoint.
 */
export const RESET_RULES = {
  account: { name: 'reset:account', limit: 5, windowSeconds: 60 * MINUTE, blockSeconds: 15 * MINUTE, maxBlockSeconds: 60 * MINUTE },
  source: { name: 'reset:source', limit: 20, windowSeconds: 15 * MINUTE, blockSeconds: MINUTE, maxBlockSeconds: 60 * MINUTE },
} as const satisfies Record<string, ThrottleRule>;

/** The keys of a reset email asked for `userId` by a caller at `source`. */
export function resetRequestKeys(userId: string, source: string | undefined): ThrottleKey[] {
  return [
    { rule: RESET_RULES.account, key: hashKey(RESET_RULES.account.name, userId) },
    { rule: RESET_RULES.source, key: hashKey(RESET_RULES.source.name, source ?? 'unknown') },
  ];
}

/** The key of a reset link presented from `source`. */
export function resetRedeemKeys(source: string | undefined): ThrottleKey[] {
  return [{ rule: RESET_RULES.source, key: hashKey(RESET_RULES.source.name, source ?? 'unknown') }];
}

const hashKey = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/**
 * Atomic attempt counters in PostgreSQL (shared by every API process). An attempt is *taken*
 * before the work it guards (a password check), by one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
 * per key, so a hundred parallel attempts get a hundred distinct counts and only those within the
 * limit go ahead — there is no check-then-act window. A successful attempt gives its count back.
 */
@Injectable()
export class AttemptThrottle {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Counts one attempt against every key; returns how long to wait when any of them is over its limit. */
  async take(keys: ThrottleKey[]): Promise<{ retryAfterSeconds: number } | undefined> {
    let wait = 0;
    for (const { rule, key } of keys) {
      const row = await AuthThrottleRepository.hit(this.ds.manager, key, rule.windowSeconds);
      if (row.blockedFor !== null && row.blockedFor > 0) {
        wait = Math.max(wait, row.blockedFor);
      } else if (row.hits > rule.limit) {
        wait = Math.max(wait, await this.block(rule, key));
      }
    }
    return wait > 0 ? { retryAfterSeconds: wait } : undefined;
  }

  /** The attempt succeeded: the account+source count starts afresh, the wider ones get their attempt back. */
  async succeeded(keys: ThrottleKey[]): Promise<void> {
    const [pair, ...wider] = keys;
    if (pair) await AuthThrottleRepository.clear(this.ds.manager, pair.key);
    await AuthThrottleRepository.giveBack(this.ds.manager, wider.map((k) => k.key));
  }

  /** Starts a block (doubling with each strike); a concurrent attempt that already did answers its remaining time. */
  private async block(rule: ThrottleRule, key: string): Promise<number> {
    const started = await AuthThrottleRepository.startBlock(this.ds.manager, key, rule.blockSeconds, rule.maxBlockSeconds);
    if (started !== undefined) return started;
    const current = await AuthThrottleRepository.blockedFor(this.ds.manager, key);
    return Math.max(1, current ?? rule.blockSeconds);
  }
}
