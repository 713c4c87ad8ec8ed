import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A list read is audited as ONE row naming every case it showed (`case_ids`), instead of one row per
 * case: the insert costs one index entry per index rather than fifty, so auditing a page of the case
 * list or an inbox stays under the bench's noise. `GET /api/audit` still answers one entry per case
 * shown (AuditRepository.search expands the array); the GIN index serves "who saw this case".
 */
export class AuditListReads1764000016500 implements MigrationInterface {
  name = 'AuditListReads1764000016500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN case_ids uuid[]`);
    await q.query(`CREATE INDEX audit_log_case_ids ON audit_log USING gin (case_ids)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS audit_log_case_ids`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN IF EXISTS case_ids`);
  }
}
