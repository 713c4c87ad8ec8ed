import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

// Lists that don't count the world (issue #16): beyond 1,000 matches the case list's total stops
// counting and says so (`totalCapped: true`); below it the total is exact.
type Page = { items: Array<{ reference: string }>; total: number; totalCapped?: boolean };

describe('case list total is capped', () => {
  let t: TestApp;
  let p: Partnership;
  const marker = `Captest${Date.now()}`;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    // 1,001 cases of the coordinator's agency carrying a name no other test uses (set up directly:
    // a thousand POSTs would only slow the suite down).
    await t.db.query(
      `INSERT INTO cases (reference, status, subject, lead_agency_id)
       SELECT $1 || '-' || g, 'open', jsonb_build_object('name', $1 || ' person ' || g), $2::uuid FROM generate_series(1, 1001) g`,
      [marker, p.agencies.coordinator.id],
    );
    await t.db.query(
      `INSERT INTO case_participants (case_id, agency_id, role) SELECT id, $2::uuid, 'coordinator' FROM cases WHERE reference LIKE $1 || '-%'`,
      [marker, p.agencies.coordinator.id],
    );
  });
  afterAll(async () => {
    await t.db.query(`DELETE FROM audit_log WHERE case_id IN (SELECT id FROM cases WHERE reference LIKE $1 || '-%')`, [marker]);
    await t.db.query(`DELETE FROM case_participants WHERE case_id IN (SELECT id FROM cases WHERE reference LIKE $1 || '-%')`, [marker]);
    await t.db.query(`DELETE FROM cases WHERE reference LIKE $1 || '-%'`, [marker]);
    await t.close();
  });

  it('reports 1,000 and totalCapped beyond the cap, an exact total below it', async () => {
    const many = await t.request<Page>('GET', `/api/cases?q=${encodeURIComponent(marker)}&limit=5`, { token: p.tokens.coordinator });
    expect(many.status).toBe(200);
    expect(many.body.total).toBe(1000);
    expect(many.body.totalCapped).toBe(true);
    expect(many.body.items).toHaveLength(5);

    const one = await t.request<Page>('GET', `/api/cases?q=${encodeURIComponent(`${marker} person 1001`)}`, { token: p.tokens.coordinator });
    expect(one.status).toBe(200);
    expect(one.body.total).toBe(1);
    expect(one.body.totalCapped).toBe(false);
    expect(one.body.items[0]?.reference).toBe(`${marker}-1001`);
  });
});
