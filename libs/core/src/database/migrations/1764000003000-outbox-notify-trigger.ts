import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes the outbox relay from inside PostgreSQL: one NOTIFY per inserting statement, delivered at
 * commit (and folded into one per transaction), instead of a round trip per write from the app.
 */
export class OutboxNotifyTrigger1764000003000 implements MigrationInterface {
  name = 'OutboxNotifyTrigger1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION convene_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('convene_outbox', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION convene_outbox_notify();
      CREATE INDEX tasks_open_case_due ON tasks (case_id, due_at) WHERE status = 'open';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX tasks_open_case_due;
      DROP TRIGGER outbox_notify ON outbox;
      DROP FUNCTION convene_outbox_notify();
    `);
  }
}
