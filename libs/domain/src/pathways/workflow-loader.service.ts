import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, DomainError, type AppConfig } from '#core';
import { transaction } from '../db.js';
import { PathwayRepository } from './pathway.repository.js';
import { PathwayCatalog, checksumOf } from './pathway-catalog.service.js';

/**
 * Loads `workflows/*.json` at start: a pathway that is not in the database becomes version 1,
 * published. A file that differs from every stored version becomes a new DRAFT — never a silent
 * change to a published version; an administrator reviews and publishes it.
 */
@Injectable()
export class WorkflowLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('workflows');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly catalog: PathwayCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.load(this.config.workflowsDir);
  }

  async load(dir: string): Promise<Array<{ key: string; version: number; action: 'published' | 'draft' | 'unchanged' }>> {
    if (!existsSync(dir)) return [];
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const results: Array<{ key: string; version: number; action: 'published' | 'draft' | 'unchanged' }> = [];
    for (const file of files) {
      let definition: { key?: unknown };
      try {
        definition = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { key?: unknown };
      } catch {
        this.logger.error({ file }, 'pathway file is not valid JSON; skipped');
        continue;
      }
      // The file's `key` is checked with the rest of the definition; until then any JSON value, as String() prints it.
      const named: unknown = definition.key ?? path.basename(file, '.json');
      const key = String(named);
      try {
        results.push(await this.loadOne(key, definition));
      } catch (error) {
        const errors = error instanceof DomainError ? error.extra.errors : undefined;
        this.logger.error({ file, errors }, 'pathway file is invalid; skipped');
      }
    }
    const changed = results.filter((r) => r.action !== 'unchanged');
    if (changed.length) this.logger.log({ pathways: changed }, 'pathway definitions loaded');
    return results;
  }

  private loadOne(key: string, definition: unknown) {
    return transaction(this.ds, async (tx) => {
      await PathwayRepository.lockForLoading(tx, key);
      const same = await PathwayRepository.versionWithChecksum(tx, key, checksumOf(definition));
      if (same !== undefined) return { key, version: same, action: 'unchanged' as const };
      const exists = await PathwayRepository.hasVersions(tx, key);
      const draft = await this.catalog.createDraft(tx, key, definition, { source: 'file' });
      if (exists) return { key, version: draft.version, action: 'draft' as const };
      await this.catalog.publish(tx, key, draft.version, null);
      return { key, version: draft.version, action: 'published' as const };
    });
  }
}
