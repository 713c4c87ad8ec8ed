import { many, one, single, type Db } from '../db.js';

/** Owner of `auth_throttle`: atomic attempt counters per hashed key. */
export const AuthThrottleRepository = {
  /**
   * Counts one attempt against a key in one statement (a new window when the last one is over; no
   * count while blocked). Returns the count and the seconds left of a block, if any.
   */
  async hit(db: Db, key: string, windowSeconds: number): Promise<{ hits: number; blockedFor: number | null }> {
    return single<{ hits: number; blockedFor: number | null }>(
      db,
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
       RETURNING hits, ceil(extract(epoch FROM t.blocked_until - now()))::int AS "blockedFor"`,
      [key, windowSeconds],
    );
  },

  /**
   * Starts a block of `blockSeconds` doubled per strike (at most `maxBlockSeconds`) unless one is
   * running; returns its seconds, or undefined when a concurrent attempt started it first.
   */
  async startBlock(db: Db, key: string, blockSeconds: number, maxBlockSeconds: number): Promise<number | undefined> {
    const row = await one<{ blockedFor: number }>(
      db,
      `UPDATE auth_throttle
          SET blocked_until = now() + make_interval(secs => least($2 * power(2, strikes), $3)),
              strikes = strikes + 1, hits = 0, window_start = now(), updated_at = now()
        WHERE key = $1 AND (blocked_until IS NULL OR blocked_until <= now())
        RETURNING ceil(extract(epoch FROM blocked_until - now()))::int AS "blockedFor"`,
      [key, blockSeconds, maxBlockSeconds],
    );
    return row?.blockedFor;
  },

  /** Seconds left of a key's block (null when none; undefined when the key has no row). */
  async blockedFor(db: Db, key: string): Promise<number | null | undefined> {
    const row = await one<{ blockedFor: number | null }>(
      db,
      `SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS "blockedFor" FROM auth_throttle WHERE key = $1`,
      [key],
    );
    return row?.blockedFor;
  },

  async clear(db: Db, key: string): Promise<void> {
    await many(db, `DELETE FROM auth_throttle WHERE key = $1`, [key]);
  },

  /** Gives each key one attempt back. */
  async giveBack(db: Db, keys: string[]): Promise<void> {
    await many(db, `UPDATE auth_throttle SET hits = greatest(hits - 1, 0) WHERE key = ANY($1::text[])`, [keys]);
  },

  /** Deletes counters untouched for `retention` (a PostgreSQL interval) with no block left; returns how many. */
  async purgeStale(db: Db, retention: string): Promise<number> {
    return (
      await many(
        db,
        `DELETE FROM auth_throttle WHERE updated_at < now() - $1::interval AND (blocked_until IS NULL OR blocked_until < now()) RETURNING 1`,
        [retention],
      )
    ).length;
  },
};
