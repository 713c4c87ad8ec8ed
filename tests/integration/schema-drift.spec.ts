// The migration drift gate: the schema the migrations build on an empty database must equal the
// committed snapshot (libs/core/src/database/schema.snapshot.txt). A schema change without a
// migration — or a migration whose snapshot was not regenerated — fails here, in `npm test` and
// in .ci/run's own "migration drift gate" step. Regenerate after writing a migration:
//   npm run schema:snapshot
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../libs/core/src/database/data-source.js';
import { schemaDiff, schemaSnapshot } from '../../libs/core/src/database/catalog.repository.js';

const SNAPSHOT = path.resolve('libs/core/src/database/schema.snapshot.txt');
const server = process.env.DATABASE_URL;
if (!server) throw new Error('DATABASE_URL is set by scripts/test.mjs for the integration tier');

async function onServer(sql: string) {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A fresh, empty database of this test's own on the test server, migrated. */
async function migratedScratch(): Promise<{ ds: DataSource; drop: () => Promise<void> }> {
  const name = `convene_drift_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(server!);
  url.pathname = `/${name}`;
  const ds = new DataSource(dataSourceOptions(url.toString(), { extra: { max: 2 } }));
  await ds.initialize();
  await runMigrations(ds);
  return {
    ds,
    drop: async () => {
      await ds.destroy();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

describe('migration drift gate', () => {
  let scratch: Awaited<ReturnType<typeof migratedScratch>>;
  beforeAll(async () => {
    scratch = await migratedScratch();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('the migrations build exactly the committed schema snapshot', async () => {
    const actual = await schemaSnapshot(scratch.ds);
    if (process.env.CONVENE_UPDATE_SCHEMA_SNAPSHOT === '1') writeFileSync(SNAPSHOT, `${actual.join('\n')}\n`);
    expect(existsSync(SNAPSHOT)).toBe(true);
    const expected = readFileSync(SNAPSHOT, 'utf8').split('\n').filter(Boolean);
    // On failure this lists each differing line: "- " only in the snapshot, "+ " only in the database.
    expect(schemaDiff(expected, actual)).toEqual([]);
  });

  it('a schema change made without a migration is caught, line by line', async () => {
    const expected = await schemaSnapshot(scratch.ds);
    await scratch.ds.query('ALTER TABLE cases ADD COLUMN drift_probe text');
    await scratch.ds.query('CREATE INDEX drift_probe_idx ON cases (drift_probe)');
    await scratch.ds.query('ALTER TABLE tasks ALTER COLUMN title DROP NOT NULL');
    const diff = schemaDiff(expected, await schemaSnapshot(scratch.ds));
    expect(diff).toEqual(
      expect.arrayContaining([
        '+ column cases.drift_probe text',
        '+ index CREATE INDEX drift_probe_idx ON public.cases USING btree (drift_probe)',
        '- column tasks.title text not null',
        '+ column tasks.title text',
      ]),
    );
    expect(diff).toHaveLength(4);
  });
});
