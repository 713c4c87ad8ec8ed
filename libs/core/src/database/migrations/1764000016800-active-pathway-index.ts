import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's `pathway=` filter (issue #16, docs/performance.md "Lists at scale"): the active
 * instances of a pathway by case, read index-only — for the capped count's semi-join (every active
 * instance of the pathway, no heap visit) and the page's per-case probe alike.
 */
export class ActivePathwayIndex1764000016800 implements MigrationInterface {
  name = 'ActivePathwayIndex1764000016800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS pathway_instances_active_key_case ON pathway_instances (pathway_key, case_id) WHERE status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS pathway_instances_active_key_case`);
  }
}
