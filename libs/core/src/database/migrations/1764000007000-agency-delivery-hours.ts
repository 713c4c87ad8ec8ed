import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-agency delivery hours (CONTRACT §2): `"always"` or `{days, from, to}` in the agency's zone;
 * NULL means the default office hours. `IF NOT EXISTS`: the identity migration may have added it.
 */
export class AgencyDeliveryHours1764000007000 implements MigrationInterface {
  name = 'AgencyDeliveryHours1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies ADD COLUMN IF NOT EXISTS delivery_hours jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies DROP COLUMN IF EXISTS delivery_hours`);
  }
}
