import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one } from '../db.js';

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
      const row = (await one<{ hits: number; blocked_for: number | null }>(
        this.ds.manager,
        `INSERT INTO auth_throttle AS t (key, hits, window_start) VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN t.blocked_until > now() THEN t.hits
                       WHEN t.window_start <= now() - make_interval(secs => $2) THEN 1
                       ELSE t.hits + 1 END,
           window_start = CASE WHEN t.blocked_until > now() THEN t.window_start
                               WHEN t.window_start <= now() - make_interval(secs => $2) THEN now()
                               ELSE t.window_start END,
           strikes = CASE WHEN t.updated_at < now() - interval '1 day' THEN 0 ELSE t.strikes END,
           updated_at = now()
         RETURNING hits, ceil(extract(epoch FROM t.blocked_until - now()))::int AS blocked_for`,
        [key, rule.windowSeconds],
      ))!;
      if (row.blocked_for !== null && row.blocked_for > 0) {
        wait = Math.max(wait, row.blocked_for);
      } else if (row.hits > rule.limit) {
        wait = Math.max(wait, await this.block(rule, key));
      }
    }
    return wait > 0 ? { retryAfterSeconds: wait } : undefined;
  }

  /** The attempt succeeded: the account+source count starts afresh, the wider ones get their attempt back. */
  async succeeded(keys: ThrottleKey[]): Promise<void> {
    const [pair, ...wider] = keys;
    if (pair) await this.ds.query(`DELETE FROM auth_throttle WHERE key = $1`, [pair.key]);
    await this.ds.query(`UPDATE auth_throttle SET hits = greatest(hits - 1, 0) WHERE key = ANY($1::text[])`, [wider.map((k) => k.key)]);
  }

  /** Starts a block (doubling with each strike); a concurrent attempt that already did answers its remaining time. */
  private async block(rule: ThrottleRule, key: string): Promise<number> {
    const row = await one<{ blocked_for: number }>(
      this.ds.manager,
      `UPDATE auth_throttle
          SET blocked_until = now() + make_interval(secs => least($2 * power(2, strikes), $3)),
              strikes = strikes + 1, hits = 0, window_start = now(), updated_at = now()
        WHERE key = $1 AND (blocked_until IS NULL OR blocked_until <= now())
        RETURNING ceil(extract(epoch FROM blocked_until - now()))::int AS blocked_for`,
      [key, rule.blockSeconds, rule.maxBlockSeconds],
    );
    if (row) return row.blocked_for;
    const current = await one<{ blocked_for: number | null }>(
      this.ds.manager,
      `SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS blocked_for FROM auth_throttle WHERE key = $1`,
      [key],
    );
    return Math.max(1, current?.blocked_for ?? rule.blockSeconds);
  }
}
