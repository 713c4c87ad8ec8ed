import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  compilePathway,
  validateDefinition,
  type CompiledPathway,
  type PathwayDefinition,
} from '../../../engine/src/index.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { many, one, type Db } from '../db.js';

export type VersionStatus = 'draft' | 'published' | 'retired';

export interface VersionRow {
  key: string;
  version: number;
  status: VersionStatus;
  definition: PathwayDefinition;
  checksum: string;
  created_at: Date;
  published_at: Date | null;
}

/** Stable checksum of a definition (key order does not matter). */
export function checksumOf(def: unknown): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Pathway definitions and their versions in PostgreSQL, and the compiled machines (cached by key
 * and version: a published or retired version never changes, so the cache never goes stale).
 */
@Injectable()
export class PathwayCatalog {
  private readonly compiled = new Map<string, CompiledPathway>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async compiledVersion(key: string, version: number, db: Db = this.ds.manager): Promise<CompiledPathway> {
    const cacheKey = `${key}@${version}`;
    const cached = this.compiled.get(cacheKey);
    if (cached) return cached;
    const row = await one<{ definition: PathwayDefinition; status: VersionStatus }>(
      db,
      'SELECT definition, status FROM pathway_versions WHERE key = $1 AND version = $2',
      [key, version],
    );
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    const pathway = compilePathway(row.definition);
    // Drafts may still change (they are replaced by new versions, never edited, but stay safe).
    if (row.status !== 'draft') this.compiled.set(cacheKey, pathway);
    return pathway;
  }

  async publishedVersion(key: string, db: Db = this.ds.manager): Promise<number> {
    const row = await one<{ version: number }>(
      db,
      `SELECT version FROM pathway_versions WHERE key = $1 AND status = 'published'`,
      [key],
    );
    if (!row) {
      const exists = await one(db, 'SELECT 1 FROM pathways WHERE key = $1', [key]);
      throw exists
        ? new DomainError('unprocessable', `Pathway '${key}' has no published version`)
        : new DomainError('not_found', `Pathway '${key}' not found`);
    }
    return row.version;
  }

  async list(db: Db = this.ds.manager) {
    return many<{ key: string; title: string; publishedVersion: number | null; latestVersion: number }>(
      db,
      `SELECT p.key, p.title,
              (SELECT version FROM pathway_versions v WHERE v.key = p.key AND v.status = 'published') AS "publishedVersion",
              (SELECT max(version) FROM pathway_versions v WHERE v.key = p.key)::int AS "latestVersion"
         FROM pathways p ORDER BY p.key`,
    );
  }

  async versions(key: string, db: Db = this.ds.manager): Promise<VersionRow[]> {
    return many<VersionRow>(
      db,
      `SELECT key, version, status, definition, checksum, created_at, published_at
         FROM pathway_versions WHERE key = $1 ORDER BY version`,
      [key],
    );
  }

  async version(key: string, version: number, db: Db = this.ds.manager): Promise<VersionRow> {
    const row = await one<VersionRow>(
      db,
      `SELECT key, version, status, definition, checksum, created_at, published_at
         FROM pathway_versions WHERE key = $1 AND version = $2`,
      [key, version],
    );
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    return row;
  }

  /**
   * Saves a definition as a new draft version (creating the pathway on its first version). Refuses
   * an invalid definition with 422 and the path of every error.
   */
  async createDraft(
    tx: Db,
    key: string,
    definition: unknown,
    opts: { userId?: string | null; source?: 'api' | 'file' } = {},
  ): Promise<{ key: string; version: number; status: VersionStatus }> {
    const errors = validateDefinition(definition);
    if (errors.length > 0) throw new DomainError('unprocessable', 'The pathway definition is invalid', { errors });
    const def = definition as PathwayDefinition;
    if (def.key !== key) {
      throw new DomainError('unprocessable', `The definition's key '${def.key}' does not match '${key}'`, {
        errors: [{ path: '$.key', message: `must be '${key}'` }],
      });
    }
    await tx.query(
      `INSERT INTO pathways (key, title) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET title = pathways.title`,
      [key, def.title],
    );
    await tx.query('SELECT 1 FROM pathways WHERE key = $1 FOR UPDATE', [key]);
    const next = await one<{ version: number }>(
      tx,
      'SELECT coalesce(max(version), 0) + 1 AS version FROM pathway_versions WHERE key = $1',
      [key],
    );
    const version = next!.version;
    await tx.query(
      `INSERT INTO pathway_versions (key, version, status, definition, checksum, source, created_by)
       VALUES ($1, $2, 'draft', $3, $4, $5, $6)`,
      [key, version, JSON.stringify(def), checksumOf(def), opts.source ?? 'api', opts.userId ?? null],
    );
    return { key, version, status: 'draft' };
  }

  /** Publishes a version; the previously published one is retired. Running instances keep theirs. */
  async publish(tx: Db, key: string, version: number, userId: string | null): Promise<VersionRow> {
    const row = await one<{ status: VersionStatus }>(
      tx,
      'SELECT status FROM pathway_versions WHERE key = $1 AND version = $2 FOR UPDATE',
      [key, version],
    );
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    if (row.status === 'published') return this.version(key, version, tx);
    await tx.query(
      `UPDATE pathway_versions SET status = 'retired' WHERE key = $1 AND status = 'published'`,
      [key],
    );
    await tx.query(
      `UPDATE pathway_versions SET status = 'published', published_at = now(), published_by = $3
        WHERE key = $1 AND version = $2`,
      [key, version, userId],
    );
    await tx.query(`UPDATE pathways SET title = (SELECT definition->>'title' FROM pathway_versions WHERE key = $1 AND version = $2) WHERE key = $1`, [key, version]);
    return this.version(key, version, tx);
  }
}
