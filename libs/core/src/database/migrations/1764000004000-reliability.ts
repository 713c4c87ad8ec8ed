import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What "nothing lost, whatever fails" needs from the schema:
 * - `deliveries_unsettled`: the reconciler finds deliveries still pending or retrying past their
 *   time without scanning every delivery ever made;
 * - `auth_throttle`: login limiting by atomic counters (one row per account × source, per source
 *   and per account; keys are hashes, never an email or an address);
 * - `idempotency_keys` rows are claimed before the work they guard runs, so a concurrent repeat
 *   waits for the first request and answers as it did; the response is filled in by the same
 *   transaction (a committed row always has one).
 */
export class Reliability1764000004000 implements MigrationInterface {
  name = 'Reliability1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_unsettled ON deliveries (coalesce(next_attempt_at, created_at)) WHERE status IN ('pending', 'retrying');
      CREATE TABLE auth_throttle (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        window_start timestamptz NOT NULL,
        strikes integer NOT NULL DEFAULT 0,
        blocked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE idempotency_keys ALTER COLUMN status_code DROP NOT NULL, ALTER COLUMN response DROP NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM idempotency_keys WHERE response IS NULL;
      ALTER TABLE idempotency_keys ALTER COLUMN status_code SET NOT NULL, ALTER COLUMN response SET NOT NULL;
      DROP TABLE auth_throttle;
      DROP INDEX deliveries_unsettled;
    `);
  }
}
