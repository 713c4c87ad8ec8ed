import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '#core';
import type { Db } from '../db.js';
import { IdempotencyRepository, type CompletedIdempotencyKey } from './idempotency.repository.js';

export interface StoredResponse<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

/**
 * Runs a changing use case's work as one unit of work, once per `Idempotency-Key` (the API binds it
 * to the request: `once` in apps/api). `beforeReplay` re-checks that the caller may still see a
 * stored response before it is replayed.
 */
export type RunOnce = <T>(work: (tx: Db) => Promise<T>, beforeReplay?: () => Promise<unknown>) => Promise<T>;

/** The caller's Idempotency-Key with the hash of the request it came with. */
export interface IdempotencyKeyRef {
  userId: string;
  key: string;
  requestHash: string;
}

/**
 * A changing request's way to run once: `once` (the unit of work in one transaction), and for a
 * use case that writes in one statement instead (a pathway event), the key itself and the way to
 * say that the answer is a replay.
 */
export interface OnceCall {
  once: RunOnce;
  key: IdempotencyKeyRef | undefined;
  markReplayed(): void;
}

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * `Idempotency-Key` support: the key is claimed by the first statement of the transaction that
 * does the work, and the response stored by the same transaction. A concurrent repeat (another
 * API process, a client retrying on a timeout) blocks on that claim until the first request
 * commits — then returns its response and changes nothing — or rolls back — then does the work
 * itself. Reusing a key for a different request is refused with 422.
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
    const hash = this.keyRef(userId, key, request)!.requestHash;
    // The common repeat (the first request long committed) is answered without opening a transaction.
    const previous = await this.lookup(userId, key, hash);
    if (previous) return this.replay(previous as StoredResponse<T>, opts.beforeReplay);
    const outcome = await this.ds.transaction(async (tx) => {
      const claimed = await IdempotencyRepository.claim(tx, userId, key, hash);
      if (!claimed) return { done: false as const };
      const body = await work(tx);
      await IdempotencyRepository.storeResponse(tx, userId, key, statusCode, body);
      return { done: true as const, body };
    });
    if (outcome.done) return { statusCode, body: outcome.body, replayed: false };
    // A concurrent request with the same key committed while this one waited on the claim.
    const stored = await this.lookup(userId, key, hash);
    if (!stored) throw new DomainError('conflict', 'A concurrent request with this Idempotency-Key is still in progress; try again', { retryable: true });
    return this.replay(stored as StoredResponse<T>, opts.beforeReplay);
  }

  /** The key with its request's hash; undefined without a key; 400 for a malformed one. */
  keyRef(userId: string, key: string | undefined, request: unknown): IdempotencyKeyRef | undefined {
    if (key === undefined) return undefined;
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('bad_request', 'Idempotency-Key must be 1–200 characters of letters, digits, . _ : -');
    }
    return { userId, key, requestHash: createHash('sha256').update(JSON.stringify(request)).digest('hex') };
  }

  /**
   * The stored response of the key, when its request committed: what a write that lost its claim
   * (a concurrent request with the same key won) answers. 422 when the key came with another request.
   */
  async committed(ref: IdempotencyKeyRef): Promise<StoredResponse<unknown> | undefined> {
    return this.lookup(ref.userId, ref.key, ref.requestHash);
  }

  /** The answer for a key's committed claim found by a read of its own (the step's): 422 when the request differs. */
  replayOf(ref: IdempotencyKeyRef, stored: CompletedIdempotencyKey): StoredResponse<unknown> {
    if (stored.requestHash !== ref.requestHash) {
      throw new DomainError('unprocessable', 'This Idempotency-Key was used for a different request');
    }
    return { statusCode: stored.statusCode, body: stored.response, replayed: true };
  }

  /** The caller must still be allowed to see what it once got (e.g. an agency since removed). */
  private async replay<T>(stored: StoredResponse<T>, beforeReplay?: () => Promise<void>): Promise<StoredResponse<T>> {
    await beforeReplay?.();
    return stored;
  }

  private async lookup(userId: string, key: string, hash: string): Promise<StoredResponse<unknown> | undefined> {
    // A committed claim always carries its response (both are written by one transaction).
    const row = await IdempotencyRepository.findCompleted(this.ds.manager, userId, key);
    return row ? this.replayOf({ userId, key, requestHash: hash }, row) : undefined;
  }
}
