import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { isUniqueViolation, one, type Db } from '../db.js';

export interface StoredResponse<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * `Idempotency-Key` support: the first successful response to a key is stored in the same
 * transaction as the change it made; a repeat (even a concurrent one) returns that response and
 * changes nothing. Reusing a key for a different request is refused with 422.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async run<T>(
    userId: string,
    key: string | undefined,
    request: unknown,
    work: (tx: Db) => Promise<T>,
    opts: { statusCode?: number; beforeReplay?: () => Promise<void> } = {},
  ): Promise<StoredResponse<T>> {
    const statusCode = opts.statusCode ?? 200;
    if (key === undefined) {
      return { statusCode, body: await this.ds.transaction(work), replayed: false };
    }
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('bad_request', 'Idempotency-Key must be 1–200 characters of letters, digits, . _ : -');
    }
    const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const previous = await this.lookup(userId, key, hash);
    if (previous) {
      // The caller must still be allowed to see what it once got (e.g. an agency since removed).
      await opts.beforeReplay?.();
      return previous as StoredResponse<T>;
    }
    try {
      const body = await this.ds.transaction(async (tx) => {
        const result = await work(tx);
        await tx.query(
          `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)`,
          [userId, key, hash, statusCode, JSON.stringify(result)],
        );
        return result;
      });
      return { statusCode, body, replayed: false };
    } catch (error) {
      // A concurrent request with the same key committed first: answer as it did.
      if (isUniqueViolation(error)) {
        const stored = await this.lookup(userId, key, hash);
        if (stored) {
          await opts.beforeReplay?.();
          return stored as StoredResponse<T>;
        }
      }
      throw error;
    }
  }

  private async lookup(userId: string, key: string, hash: string): Promise<StoredResponse<unknown> | undefined> {
    const row = await one<{ request_hash: string; status_code: number; response: unknown }>(
      this.ds.manager,
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    if (!row) return undefined;
    if (row.request_hash !== hash) {
      throw new DomainError('unprocessable', 'This Idempotency-Key was used for a different request');
    }
    return { statusCode: row.status_code, body: row.response, replayed: true };
  }
}
