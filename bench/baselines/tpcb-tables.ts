import pg from 'pg';

/**
 * pgbench's four tables at `scale` (1 branch, 10 tellers, 100,000 accounts per scale unit), filled
 * the way `pgbench -i` fills them, so `pgbench -n` and the Node client run on the same data.
 */
export async function createTpcbTables(url: string, scale: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      DROP TABLE IF EXISTS pgbench_history, pgbench_tellers, pgbench_accounts, pgbench_branches;
      CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
      CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100);
      CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100);
      CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100);`);
    await c.query(`INSERT INTO pgbench_branches (bid, bbalance) SELECT b, 0 FROM generate_series(1, $1) b`, [scale]);
    await c.query(`INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, (t - 1) / 10 + 1, 0 FROM generate_series(1, $1) t`, [scale * 10]);
    await c.query(
      `INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT a, (a - 1) / 100000 + 1, 0, '' FROM generate_series(1, $1) a`,
      [scale * 100_000],
    );
    await c.query(`
      ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid);
      ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid);
      ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid);`);
    await c.query('VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history');
  } finally {
    await c.end();
  }
}
