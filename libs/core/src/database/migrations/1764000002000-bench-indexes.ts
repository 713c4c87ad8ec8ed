import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the benchmark (docs/performance.md, scenario 4): guards' facts read an instance's tasks
 * of every status (`loadFacts`), and the only index on `instance_id` is partial (open tasks), so at
 * a million tasks each event, timer and case detail scanned the whole table (about 120 ms).
 */
export class BenchIndexes1764000002000 implements MigrationInterface {
  name = 'BenchIndexes1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS tasks_instance_state ON tasks (instance_id, state_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tasks_instance_state`);
  }
}
