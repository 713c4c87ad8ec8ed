import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A due date a case manager set by hand (`PATCH /api/tasks/:id`) is the one that counts: later
 * moves of the key date the task was counted from leave it alone.
 */
export class TaskDueByHand1764000006000 implements MigrationInterface {
  name = 'TaskDueByHand1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN due_set_by_hand boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP COLUMN due_set_by_hand`);
  }
}
