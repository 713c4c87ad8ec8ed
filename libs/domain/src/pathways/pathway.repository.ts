import type { PathwayDefinition } from '#engine';
import { many, one, type Db } from '../db.js';

export type VersionStatus = 'draft' | 'published' | 'retired';

/** One version of a pathway definition. */
export interface PathwayVersion {
  key: string;
  version: number;
  status: VersionStatus;
  definition: PathwayDefinition;
  checksum: string;
  createdAt: Date;
  publishedAt: Date | null;
}

/** A pathway with its published and latest version numbers. */
export interface PathwaySummary {
  key: string;
  title: string;
  publishedVersion: number | null;
  latestVersion: number;
}

const VERSION_COLUMNS = `key, version, status, definition, checksum, created_at AS "createdAt", published_at AS "publishedAt"`;

/** Serialises loading one pathway's `workflows/` file across instances starting at once. */
const LOADER_LOCK = 0x636f6e78;

/** Owner of `pathways` and `pathway_versions`. */
export const PathwayRepository = {
  async exists(db: Db, key: string): Promise<boolean> {
    return (await one(db, 'SELECT 1 FROM pathways WHERE key = $1', [key])) !== undefined;
  },

  async list(db: Db): Promise<PathwaySummary[]> {
    return many<PathwaySummary>(
      db,
      `SELECT p.key, p.title,
              (SELECT version FROM pathway_versions v WHERE v.key = p.key AND v.status = 'published') AS "publishedVersion",
              (SELECT max(version) FROM pathway_versions v WHERE v.key = p.key)::int AS "latestVersion"
         FROM pathways p ORDER BY p.key`,
    );
  },

  /** Creates the pathway row on its first version (an existing title stays), then locks it. */
  async ensureAndLock(db: Db, key: string, title: string): Promise<void> {
    await many(db, `INSERT INTO pathways (key, title) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET title = pathways.title`, [key, title]);
    await many(db, 'SELECT 1 FROM pathways WHERE key = $1 FOR NO KEY UPDATE', [key]);
  },

  async setTitle(db: Db, key: string, title: string): Promise<void> {
    await many(db, `UPDATE pathways SET title = $2 WHERE key = $1`, [key, title]);
  },

  /** Holds the pathway's loader lock until the transaction ends. */
  async lockForLoading(db: Db, key: string): Promise<void> {
    await many(db, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOADER_LOCK, key]);
  },

  async versions(db: Db, key: string): Promise<PathwayVersion[]> {
    return many<PathwayVersion>(db, `SELECT ${VERSION_COLUMNS} FROM pathway_versions WHERE key = $1 ORDER BY version`, [key]);
  },

  async version(db: Db, key: string, version: number): Promise<PathwayVersion | undefined> {
    return one<PathwayVersion>(db, `SELECT ${VERSION_COLUMNS} FROM pathway_versions WHERE key = $1 AND version = $2`, [key, version]);
  },

  /** A version's definition and status, locked when `lock`. */
  async definitionOf(
    db: Db,
    key: string,
    version: number,
    opts: { lock?: boolean } = {},
  ): Promise<{ definition: PathwayDefinition; status: VersionStatus; checksum: string } | undefined> {
    return one<{ definition: PathwayDefinition; status: VersionStatus; checksum: string }>(
      db,
      `SELECT definition, status, checksum FROM pathway_versions WHERE key = $1 AND version = $2${opts.lock ? ' FOR NO KEY UPDATE' : ''}`,
      [key, version],
    );
  },

  async publishedVersionOf(db: Db, key: string): Promise<number | undefined> {
    return (await one<{ version: number }>(db, `SELECT version FROM pathway_versions WHERE key = $1 AND status = 'published'`, [key]))?.version;
  },

  async latest(db: Db, key: string): Promise<{ version: number; definition: PathwayDefinition } | undefined> {
    return one<{ version: number; definition: PathwayDefinition }>(
      db,
      'SELECT version, definition FROM pathway_versions WHERE key = $1 ORDER BY version DESC LIMIT 1',
      [key],
    );
  },

  async hasVersions(db: Db, key: string): Promise<boolean> {
    return (await one(db, 'SELECT 1 FROM pathway_versions WHERE key = $1 LIMIT 1', [key])) !== undefined;
  },

  /** The newest version whose definition has this checksum. */
  async versionWithChecksum(db: Db, key: string, checksum: string): Promise<number | undefined> {
    return (
      await one<{ version: number }>(
        db,
        'SELECT version FROM pathway_versions WHERE key = $1 AND checksum = $2 ORDER BY version DESC LIMIT 1',
        [key, checksum],
      )
    )?.version;
  },

  async insertDraft(
    db: Db,
    draft: { key: string; version: number; definition: PathwayDefinition; checksum: string; source: string; createdBy: string | null },
  ): Promise<void> {
    await many(
      db,
      `INSERT INTO pathway_versions (key, version, status, definition, checksum, source, created_by)
       VALUES ($1, $2, 'draft', $3, $4, $5, $6)`,
      [draft.key, draft.version, JSON.stringify(draft.definition), draft.checksum, draft.source, draft.createdBy],
    );
  },

  /** Retires the published version of a pathway, if any; returns what it retired. */
  async retirePublished(db: Db, key: string): Promise<Array<{ version: number; checksum: string; definition: PathwayDefinition }>> {
    return many<{ version: number; checksum: string; definition: PathwayDefinition }>(
      db,
      `UPDATE pathway_versions SET status = 'retired' WHERE key = $1 AND status = 'published' RETURNING version, checksum, definition`,
      [key],
    );
  },

  async markPublished(db: Db, key: string, version: number, publishedBy: string | null): Promise<void> {
    await many(
      db,
      `UPDATE pathway_versions SET status = 'published', published_at = now(), published_by = $3
        WHERE key = $1 AND version = $2`,
      [key, version, publishedBy],
    );
  },

  async markRetired(db: Db, key: string, version: number): Promise<void> {
    await many(db, `UPDATE pathway_versions SET status = 'retired' WHERE key = $1 AND version = $2`, [key, version]);
  },
};
