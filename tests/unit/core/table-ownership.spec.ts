import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// Each table has one owner: every INSERT, UPDATE and DELETE of a table is in one repository file
// (`*.repository.ts`). The lint rule in eslint.config.js keeps SQL out of everything else; this
// test keeps two repositories from writing the same table.
function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full, suffix) : e.name.endsWith(suffix) ? [full] : [];
  });
}

const migrations = files('libs/core/src/database/migrations', '.ts').map((f) => readFileSync(f, 'utf8')).join('\n');
const tables = [...new Set([...migrations.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]!))].sort();
const repositories = [...files('libs', '.repository.ts'), ...files('apps', '.repository.ts')];

function writersOf(table: string): string[] {
  const write = new RegExp(`\\b(INSERT INTO|UPDATE|DELETE FROM)\\s+${table}\\b`, 'i');
  return repositories.filter((f) => write.test(readFileSync(f, 'utf8')));
}

describe('table ownership', () => {
  it('finds the tables and the repositories', () => {
    expect(tables).toEqual(expect.arrayContaining(['cases', 'case_events', 'tasks', 'reminders', 'deliveries', 'users']));
    expect(repositories.length).toBeGreaterThan(0);
  });

  it.each(tables)('%s is written by exactly one repository', (table) => {
    expect(writersOf(table)).toHaveLength(1);
  });
});
