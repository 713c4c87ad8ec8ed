import { many, one, type CteInput, type Db } from '../db.js';

/** A key whose request committed: the request's hash and the response it got. */
export interface CompletedIdempotencyKey {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/** A key a one-statement write claims with its response (`claimCte`). */
export interface PlannedClaim {
  user_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: unknown;
}

/** Owner of `idempotency_keys`. */
export const IdempotencyRepository = {
  /**
   * Claims the key for this user; false when it is already claimed. A claim held by a transaction
   * still open blocks here until that transaction ends.
   */
  async claim(db: Db, userId: string, key: string, requestHash: string): Promise<boolean> {
    const claimed = await one(
      db,
      `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
      [userId, key, requestHash],
    );
    return claimed !== undefined;
  },

  /** Stores the response of the request that claimed the key (in the claiming transaction). */
  async storeResponse(db: Db, userId: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await many(db, `UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
      statusCode,
      JSON.stringify(response),
    ]);
  },

  /** The key's committed claim with its response; undefined when there is none (yet). */
  async findCompleted(db: Db, userId: string, key: string): Promise<CompletedIdempotencyKey | undefined> {
    return one<CompletedIdempotencyKey>(
      db,
      `SELECT request_hash AS "requestHash", status_code AS "statusCode", response
         FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NOT NULL`,
      [userId, key],
    );
  },

  /** Housekeeping: deletes stored responses older than `retention` (a PostgreSQL interval); returns how many. */
  async purgeOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval RETURNING 1`, [retention])).length;
  },

  /**
   * Erasure: stored responses that mention the case (its id appears in them) are replaced by a
   * stub, so a replay cannot hand back erased data; the key stays claimed (a replay changes nothing).
   */
  async eraseResponsesMentioning(db: Db, caseId: string): Promise<number> {
    const rows = await many(
      db,
      `UPDATE idempotency_keys SET response = jsonb_build_object('id', $1::text, 'status', 'erased')
        WHERE response IS NOT NULL AND strpos(response::text, $1) > 0 RETURNING key`,
      [caseId],
    );
    return rows.length;
  },

  /**
   * CTE body: claims the plan's `claims` ({@link PlannedClaim}) with their responses. No ON
   * CONFLICT: a key claimed meanwhile fails the whole statement with a unique violation (a claim
   * still open blocks until it ends), so nothing the write does lands without its claim.
   */
  claimCte({ plan, gate }: CteInput): string {
    return `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response)
            SELECT user_id, key, request_hash, status_code, response
              FROM jsonb_to_recordset(${plan}->'claims') AS x(user_id uuid, key text, request_hash text, status_code int, response jsonb)
             WHERE ${gate}`;
  },

  /** A column (for the step's read) with the key's committed claim as JSON ({@link CompletedIdempotencyKey}), or null. */
  completedColumn(userId: string, key: string): string {
    return `(SELECT json_build_object('requestHash', request_hash, 'statusCode', status_code, 'response', response)
               FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key}::text AND status_code IS NOT NULL)`;
  },
};
