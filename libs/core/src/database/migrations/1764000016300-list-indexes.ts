import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists that don't count the world (issue #16, docs/performance.md "Lists at scale"):
 * - the case list is read newest first (`ORDER BY created_at DESC, id`), so an index in that order
 *   lets a page (and its capped total) stop after the first rows instead of sorting every case;
 * - reference / name / note search (`ILIKE '%q%'`) uses trigram GIN indexes (pg_trgm). pg_trgm ships
 *   with both the local PostgreSQL and the embedded one `npm start` uses; where the extension is not
 *   available the indexes are simply not created and search falls back to a scan (same results).
 */
export class ListIndexes1764000016300 implements MigrationInterface {
  name = 'ListIndexes1764000016300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS cases_created ON cases (created_at DESC, id)`);
    const [trgm] = (await q.query(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pg_trgm'`)) as { n: number }[];
    if (!trgm || trgm.n === 0) return;
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX IF NOT EXISTS cases_reference_trgm ON cases USING gin (reference gin_trgm_ops)`);
    await q.query(`CREATE INDEX IF NOT EXISTS cases_subject_name_trgm ON cases USING gin ((subject->>'name') gin_trgm_ops)`);
    await q.query(`CREATE INDEX IF NOT EXISTS case_notes_text_trgm ON case_notes USING gin (text gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS case_notes_text_trgm`);
    await q.query(`DROP INDEX IF EXISTS cases_subject_name_trgm`);
    await q.query(`DROP INDEX IF EXISTS cases_reference_trgm`);
    await q.query(`DROP INDEX IF EXISTS cases_created`);
  }
}
