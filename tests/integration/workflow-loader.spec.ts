import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowLoader } from '../../libs/domain/src/pathways/workflow-loader.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('loading workflows/*.json at start', () => {
  let t: TestApp;
  const dir = mkdtempSync(path.join(tmpdir(), 'convene-workflows-'));
  const key = `loaded-${randomUUID().slice(0, 8)}`;
  const referral = JSON.parse(readFileSync(path.resolve('workflows/referral.json'), 'utf8')) as { machine: Record<string, unknown> };
  const write = (title: string) => writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({ ...referral, key, title, machine: { ...referral.machine, id: key } }));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a new pathway as version 1, ignores an unchanged file, and turns a changed file into a draft', async () => {
    const loader = t.app.get(WorkflowLoader);
    write('Loaded pathway');
    expect(await loader.load(dir)).toEqual([{ key, version: 1, action: 'published' }]);
    expect(await loader.load(dir)).toEqual([{ key, version: 1, action: 'unchanged' }]);

    write('Loaded pathway, renamed');
    expect(await loader.load(dir)).toEqual([{ key, version: 2, action: 'draft' }]);
    const versions = await t.db.query<Array<{ version: number; status: string }>>(`SELECT version, status FROM pathway_versions WHERE key = $1 ORDER BY version`, [key]);
    expect(versions).toEqual([
      { version: 1, status: 'published' },
      { version: 2, status: 'draft' },
    ]);
  });

  it('skips an invalid file without stopping the others', async () => {
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ key: 'broken-one', title: 'Broken', machine: { initial: 'nowhere', states: {} } }));
    const results = await t.app.get(WorkflowLoader).load(dir);
    expect(results.map((r) => r.key)).toEqual([key]);
    expect(await t.db.query(`SELECT 1 FROM pathways WHERE key = 'broken-one'`)).toEqual([]);
  });
});
