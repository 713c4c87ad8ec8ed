import type { DataSource, QueryRunner } from 'typeorm';

/** Advisory lock key for migrations ("convene" as a 32-bit number), so instances can start together. */
export const MIGRATION_LOCK_KEY = 0x636f6e76;

/** What the database layer asks PostgreSQL's catalog and lock manager: the migration lock and the schema snapshot. */
export const CatalogRepository = {
  async lockMigrations(runner: QueryRunner): Promise<void> {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  },

  async unlockMigrations(runner: QueryRunner): Promise<void> {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  },
};


/**
 * The schema of the `public` schema as sorted text lines — tables and columns (type, nullability,
 * default), constraints, indexes, triggers, functions and sequences — so two databases can be
 * compared line by line. The migration drift gate (tests/integration/schema-drift.spec.ts) compares
 * the schema the migrations build with the committed snapshot `schema.snapshot.txt`: a change to
 * the schema without a migration, or a migration without a new snapshot, fails CI.
 * TypeORM's own bookkeeping table is left out.
 */
export async function schemaSnapshot(ds: DataSource): Promise<string[]> {
  const rows = await ds.query<Array<{ line: string }>>(
    `SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
              || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
              || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END AS line
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p', 'v', 'm')
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> 'typeorm_migrations'
       UNION ALL
       SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        -- PostgreSQL 18 also lists NOT NULL as constraints (contype 'n'); nullability is on the column line.
        WHERE c.relname <> 'typeorm_migrations' AND k.contype <> 'n'
       UNION ALL
       SELECT 'index ' || pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE c.relname <> 'typeorm_migrations'
       UNION ALL
       SELECT 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
         FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE NOT t.tgisinternal
       UNION ALL
       SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
              || md5(pg_get_functiondef(p.oid))
         FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
       UNION ALL
       SELECT 'sequence ' || c.relname
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE c.relkind = 'S' AND c.relname <> 'typeorm_migrations_id_seq'
       UNION ALL
       SELECT 'extension ' || e.extname FROM pg_extension e WHERE e.extname <> 'plpgsql'`,
  );
  return rows.map((r) => r.line).sort();
}

/** Lines only in `expected` (prefixed "- ") and only in `actual` ("+ "), sorted. Empty when equal. */
export function schemaDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const want = new Set(expected);
  const have = new Set(actual);
  return [
    ...expected.filter((line) => !have.has(line)).map((line) => `- ${line}`),
    ...actual.filter((line) => !want.has(line)).map((line) => `+ ${line}`),
  ];
}
