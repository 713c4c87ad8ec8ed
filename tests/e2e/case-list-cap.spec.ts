import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

// Lists that don't count the world (issue #16): beyond 1,000 matches the case list's total stops
// counting and says so (`totalCapped: true`); below it the total is exact.
type Page = { items: Array<{ reference: string }>; total: number; totalCapped?: boolean };

describe('list totals are capped', () => {
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
    await t.db.query(`DELETE FROM audit_log WHERE action LIKE $1 || '%'`, [marker.toLowerCase()]);
    await t.db.query(`DELETE FROM notification_reads WHERE notification_id IN (SELECT id FROM notifications WHERE dedupe_key LIKE $1 || '-%')`, [marker]);
    await t.db.query(`DELETE FROM notifications WHERE dedupe_key LIKE $1 || '-%'`, [marker]);
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

  it('caps the notification list\'s total and unread count the same way', async () => {
    await t.db.query(
      `INSERT INTO notifications (case_id, agency_id, kind, title, link, dedupe_key)
       SELECT id, $2::uuid, 'task.assigned', 'Cap test', '/cases/' || id, $1 || '-' || id FROM cases WHERE reference LIKE $1 || '-%'`,
      [marker, p.agencies.coordinator.id],
    );
    type Inbox = { items: unknown[]; total: number; totalCapped?: boolean; unread: number; unreadCapped?: boolean };
    const all = await t.request<Inbox>('GET', '/api/notifications?limit=3', { token: p.tokens.coordinator });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 1000, totalCapped: true, unread: 1000, unreadCapped: true });
    expect(all.body.items).toHaveLength(3);
    const unread = await t.request<Inbox>('GET', '/api/notifications?unread=true&limit=1', { token: p.tokens.coordinator });
    expect(unread.body).toMatchObject({ total: 1000, totalCapped: true, unread: 1000, unreadCapped: true });
  });

  it('caps the audit search\'s total, exact below the cap', async () => {
    const big = `${marker.toLowerCase()}.big`;
    const small = `${marker.toLowerCase()}.small`;
    await t.db.query(
      `INSERT INTO audit_log (action, user_id, resource, resource_id)
       SELECT CASE WHEN g <= 1001 THEN $1 ELSE $2 END, $3::uuid, 'test', g::text FROM generate_series(1, 1004) g`,
      [big, small, p.users.coordinator.id],
    );
    type Log = { items: unknown[]; total: number; totalCapped?: boolean };
    const many = await t.request<Log>('GET', `/api/audit?action=${encodeURIComponent(big)}&limit=2`, { token: p.adminToken });
    expect(many.status).toBe(200);
    expect(many.body).toMatchObject({ total: 1000, totalCapped: true });
    expect(many.body.items).toHaveLength(2);
    const few = await t.request<Log>('GET', `/api/audit?action=${encodeURIComponent(small)}`, { token: p.adminToken });
    expect(few.body).toMatchObject({ total: 3, totalCapped: false });
    expect(few.body.items).toHaveLength(3);
  });
});
