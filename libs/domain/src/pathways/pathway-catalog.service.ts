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
import { diffDefinitions } from '../../../pathway-tools/src/index.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../identity/actor.js';
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

/** How many states, transitions, timers and tasks a new version adds, removes or changes. */
export interface ChangeCounts {
  added: number;
  removed: number;
  changed: number;
}

export interface DiffSummary {
  /** The version compared against; null for a pathway's first version. */
  against: number | null;
  identical: boolean;
  pathway: number;
  states: ChangeCounts;
  transitions: ChangeCounts;
  timers: ChangeCounts;
  tasks: ChangeCounts;
}

/** Counts of what changed between two definitions, for the audit log (the full diff is one request away). */
export function summariseDiff(against: { version: number; definition: PathwayDefinition } | undefined, to: PathwayDefinition): DiffSummary {
  const zero = (): ChangeCounts => ({ added: 0, removed: 0, changed: 0 });
  if (!against) return { against: null, identical: false, pathway: 0, states: zero(), transitions: zero(), timers: zero(), tasks: zero() };
  const diff = diffDefinitions(against.definition, to);
  const count = (entries: Array<{ kind: keyof ChangeCounts }>) =>
    entries.reduce((acc, e) => ({ ...acc, [e.kind]: acc[e.kind] + 1 }), zero());
  return {
    against: against.version,
    identical: diff.identical,
    pathway: diff.pathway.length,
    states: count(diff.states),
    transitions: count(diff.transitions),
    timers: count(diff.timers),
    tasks: count(diff.tasks),
  };
}

export interface HistoryEntry {
  id: string;
  at: Date;
  action: string;
  version: number | null;
  caseId: string | null;
  resource: string | null;
  resourceId: string | null;
  /** Who did it; null for the system (the `workflows/` loader at start). */
  user: { id: string; name: string | null; email: string | null } | null;
  detail: Record<string, unknown> | null;
}

/**
 * Pathway definitions and their versions in PostgreSQL, and the compiled machines (cached by key
 * and version: a published or retired version never changes, so the cache never goes stale).
 * Every change to a version (draft saved, published, retired) is written to the audit log in the
 * same transaction, with the checksum and a summary of what changed.
 */
@Injectable()
export class PathwayCatalog {
  private readonly compiled = new Map<string, CompiledPathway>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

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
    // Versions are never edited, but a draft is not yet a commitment: only cache what was published.
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
   * an invalid definition with 422 and the path of every error. Audited as `pathway.draft`.
   */
  async createDraft(
    tx: Db,
    key: string,
    definition: unknown,
    opts: { actor?: Actor | null; userId?: string | null; source?: 'api' | 'file' | 'import' } = {},
  ): Promise<{ key: string; version: number; status: VersionStatus; checksum: string }> {
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
    await tx.query('SELECT 1 FROM pathways WHERE key = $1 FOR NO KEY UPDATE', [key]);
    const latest = await one<{ version: number; definition: PathwayDefinition }>(
      tx,
      'SELECT version, definition FROM pathway_versions WHERE key = $1 ORDER BY version DESC LIMIT 1',
      [key],
    );
    const version = (latest?.version ?? 0) + 1;
    const checksum = checksumOf(def);
    const source = opts.source ?? 'api';
    await tx.query(
      `INSERT INTO pathway_versions (key, version, status, definition, checksum, source, created_by)
       VALUES ($1, $2, 'draft', $3, $4, $5, $6)`,
      [key, version, JSON.stringify(def), checksum, source, opts.actor?.userId ?? opts.userId ?? null],
    );
    await this.audit.record(tx, opts.actor ?? null, {
      action: 'pathway.draft',
      resource: 'pathway',
      resourceId: `${key}@${version}`,
      detail: { key, version, checksum, source, diff: summariseDiff(latest, def) },
    });
    return { key, version, status: 'draft', checksum };
  }

  /**
   * Publishes a version; the previously published one is retired. Running instances keep theirs.
   * Re-publishing a retired version is how an administrator rolls back. Audited as `pathway.publish`
   * (and `pathway.retire` for the version it replaces).
   */
  async publish(tx: Db, key: string, version: number, actor: Actor | null): Promise<VersionRow> {
    const row = await one<{ status: VersionStatus; checksum: string; definition: PathwayDefinition }>(
      tx,
      'SELECT status, checksum, definition FROM pathway_versions WHERE key = $1 AND version = $2 FOR NO KEY UPDATE',
      [key, version],
    );
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    if (row.status === 'published') return this.version(key, version, tx);
    const previous = await many<{ version: number; checksum: string; definition: PathwayDefinition }>(
      tx,
      `UPDATE pathway_versions SET status = 'retired' WHERE key = $1 AND status = 'published' RETURNING version, checksum, definition`,
      [key],
    );
    await tx.query(
      `UPDATE pathway_versions SET status = 'published', published_at = now(), published_by = $3
        WHERE key = $1 AND version = $2`,
      [key, version, actor?.userId ?? null],
    );
    await tx.query(`UPDATE pathways SET title = $2 WHERE key = $1`, [key, row.definition.title]);
    for (const p of previous) {
      await this.audit.record(tx, actor, {
        action: 'pathway.retire',
        resource: 'pathway',
        resourceId: `${key}@${p.version}`,
        detail: { key, version: p.version, checksum: p.checksum, previousStatus: 'published', reason: 'superseded', by: version },
      });
    }
    await this.audit.record(tx, actor, {
      action: 'pathway.publish',
      resource: 'pathway',
      resourceId: `${key}@${version}`,
      detail: {
        key,
        version,
        checksum: row.checksum,
        previousStatus: row.status,
        replaces: previous[0]?.version ?? null,
        diff: summariseDiff(previous[0], row.definition),
      },
    });
    return this.version(key, version, tx);
  }

  /**
   * Retires a version: it takes no new instances; instances already running on it keep running
   * (migrate them to move them). Retiring the published version would leave the pathway with no
   * version for new cases — and break pathways that start it — so it needs `force`. Retiring a
   * retired version changes nothing. Audited as `pathway.retire`.
   */
  async retire(
    tx: Db,
    key: string,
    version: number,
    actor: Actor | null,
    opts: { force?: boolean; reason?: string } = {},
  ): Promise<VersionRow & { runningInstances: number; changed: boolean }> {
    const row = await one<{ status: VersionStatus; checksum: string }>(
      tx,
      'SELECT status, checksum FROM pathway_versions WHERE key = $1 AND version = $2 FOR NO KEY UPDATE',
      [key, version],
    );
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    const running = await one<{ n: number }>(
      tx,
      `SELECT count(*)::int AS n FROM pathway_instances WHERE pathway_key = $1 AND version = $2 AND status = 'active'`,
      [key, version],
    );
    const runningInstances = running?.n ?? 0;
    if (row.status === 'retired') return { ...(await this.version(key, version, tx)), runningInstances, changed: false };
    if (row.status === 'published' && !opts.force) {
      throw new DomainError(
        'conflict',
        `Version ${version} is the published version of '${key}': retiring it leaves no version for new cases, and pathways that start '${key}' would fail. Publish another version instead (that retires this one), or pass force: true.`,
        { reason: 'only_published_version' },
      );
    }
    await tx.query(`UPDATE pathway_versions SET status = 'retired' WHERE key = $1 AND version = $2`, [key, version]);
    await this.audit.record(tx, actor, {
      action: 'pathway.retire',
      resource: 'pathway',
      resourceId: `${key}@${version}`,
      detail: {
        key,
        version,
        checksum: row.checksum,
        previousStatus: row.status,
        forced: row.status === 'published',
        runningInstances,
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
    });
    return { ...(await this.version(key, version, tx)), runningInstances, changed: true };
  }

  /**
   * The audit trail of a pathway, newest first: drafts, publications, retirements, imports and
   * migrations of running instances, with who did it. 404 for an unknown pathway.
   */
  async history(key: string, page: { limit: number; offset: number }, db: Db = this.ds.manager): Promise<{ items: HistoryEntry[]; total: number }> {
    const exists = await one(db, 'SELECT 1 FROM pathways WHERE key = $1', [key]);
    if (!exists) throw new DomainError('not_found', `Pathway '${key}' not found`);
    // Keys are [a-z0-9-]: no LIKE wildcards to escape.
    const where = `(a.resource = 'pathway' AND (a.resource_id = $1 OR a.resource_id LIKE $1 || '@%'))
                OR (a.resource = 'instance' AND a.action LIKE 'pathway.migrat%' AND a.detail->>'key' = $1)`;
    const [rows, total] = await Promise.all([
      many<Omit<HistoryEntry, 'user' | 'version'> & { userId: string | null; userName: string | null; userEmail: string | null }>(
        db,
        `SELECT a.id::text AS id, a.at, a.action, a.case_id AS "caseId", a.resource, a.resource_id AS "resourceId", a.detail,
                a.user_id AS "userId", u.name AS "userName", u.email AS "userEmail"
           FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
          WHERE ${where}
          ORDER BY a.at DESC, a.id DESC LIMIT $2 OFFSET $3`,
        [key, page.limit, page.offset],
      ),
      one<{ n: number }>(db, `SELECT count(*)::int AS n FROM audit_log a WHERE ${where}`, [key]),
    ]);
    const items = rows.map(({ userId, userName, userEmail, ...rest }) => ({
      ...rest,
      version: typeof rest.detail?.version === 'number' ? rest.detail.version : null,
      user: userId ? { id: userId, name: userName, email: userEmail } : null,
    }));
    return { items, total: total?.n ?? 0 };
  }
}
