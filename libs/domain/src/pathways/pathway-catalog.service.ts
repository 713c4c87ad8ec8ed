import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  compilePathway,
  toMermaid,
  validateDefinition,
  type CompiledPathway,
  type PathwayDefinition,
} from '#engine';
import { definitionFile, diffDefinitions, formatDiff, renderSvg } from '#pathway-tools';
import { DomainError } from '#core';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../identity/actor.js';
import { transaction, type Db } from '../db.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { PathwayHistoryRepository } from './pathway-history.repository.js';
import { resolveImport, type ImportInput } from './pathway-import.js';
import { PathwayRepository, type PathwaySummary, type PathwayVersion, type VersionStatus } from './pathway.repository.js';

export type { PathwayVersion, VersionStatus } from './pathway.repository.js';

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
    const row = await PathwayRepository.definitionOf(db, key, version);
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    const pathway = compilePathway(row.definition);
    // Versions are never edited, but a draft is not yet a commitment: only cache what was published.
    if (row.status !== 'draft') this.compiled.set(cacheKey, pathway);
    return pathway;
  }

  async publishedVersion(key: string, db: Db = this.ds.manager): Promise<number> {
    const version = await PathwayRepository.publishedVersionOf(db, key);
    if (version === undefined) {
      const exists = await PathwayRepository.exists(db, key);
      throw exists
        ? new DomainError('unprocessable', `Pathway '${key}' has no published version`)
        : new DomainError('not_found', `Pathway '${key}' not found`);
    }
    return version;
  }

  async list(db: Db = this.ds.manager): Promise<PathwaySummary[]> {
    return PathwayRepository.list(db);
  }

  async versions(key: string, db: Db = this.ds.manager): Promise<PathwayVersion[]> {
    return PathwayRepository.versions(db, key);
  }

  async version(key: string, version: number, db: Db = this.ds.manager): Promise<PathwayVersion> {
    const row = await PathwayRepository.version(db, key, version);
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
    await PathwayRepository.ensureAndLock(tx, key, def.title);
    const latest = await PathwayRepository.latest(tx, key);
    const version = (latest?.version ?? 0) + 1;
    const checksum = checksumOf(def);
    const source = opts.source ?? 'api';
    await PathwayRepository.insertDraft(tx, { key, version, definition: def, checksum, source, createdBy: opts.actor?.userId ?? opts.userId ?? null });
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
  async publish(tx: Db, key: string, version: number, actor: Actor | null): Promise<PathwayVersion> {
    const row = await PathwayRepository.definitionOf(tx, key, version, { lock: true });
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    if (row.status === 'published') return this.version(key, version, tx);
    const previous = await PathwayRepository.retirePublished(tx, key);
    await PathwayRepository.markPublished(tx, key, version, actor?.userId ?? null);
    await PathwayRepository.setTitle(tx, key, row.definition.title);
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
  ): Promise<PathwayVersion & { runningInstances: number; changed: boolean }> {
    const row = await PathwayRepository.definitionOf(tx, key, version, { lock: true });
    if (!row) throw new DomainError('not_found', `Pathway ${key} version ${version} not found`);
    const runningInstances = await InstanceRepository.countActiveOnVersion(tx, key, version);
    if (row.status === 'retired') return { ...(await this.version(key, version, tx)), runningInstances, changed: false };
    if (row.status === 'published' && !opts.force) {
      throw new DomainError(
        'conflict',
        `Version ${version} is the published version of '${key}': retiring it leaves no version for new cases, and pathways that start '${key}' would fail. Publish another version instead (that retires this one), or pass force: true.`,
        { reason: 'only_published_version' },
      );
    }
    await PathwayRepository.markRetired(tx, key, version);
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
    if (!(await PathwayRepository.exists(db, key))) throw new DomainError('not_found', `Pathway '${key}' not found`);
    const [rows, total] = await Promise.all([PathwayHistoryRepository.page(db, key, page), PathwayHistoryRepository.count(db, key)]);
    const items = rows.map(({ userId, userName, userEmail, ...rest }) => ({
      ...rest,
      version: typeof rest.detail?.version === 'number' ? rest.detail.version : null,
      user: userId ? { id: userId, name: userName, email: userEmail } : null,
    }));
    return { items, total };
  }

  // ── Use cases of the administration API: each opens its unit of work and returns the view ──

  /** Validates a definition without saving it: every error with its JSON path. */
  validate(definition: unknown): { valid: boolean; errors: ReturnType<typeof validateDefinition> } {
    const errors = validateDefinition(definition);
    return { valid: errors.length === 0, errors };
  }

  /** A pathway and its versions; 404 for an unknown pathway. */
  async pathway(key: string) {
    const versions = await this.versions(key);
    const latest = versions[versions.length - 1];
    if (!latest) throw new DomainError('not_found', `Pathway '${key}' not found`);
    const published = versions.find((v) => v.status === 'published');
    return {
      key,
      title: (published ?? latest).definition.title,
      publishedVersion: published?.version ?? null,
      latestVersion: latest.version,
      versions: versions.map((v) => ({ version: v.version, status: v.status, createdAt: v.createdAt, publishedAt: v.publishedAt })),
    };
  }

  /** One version with its definition. */
  async versionView(key: string, version: number) {
    const row = await this.version(key, version);
    return { key: row.key, version: row.version, status: row.status, definition: row.definition, createdAt: row.createdAt, publishedAt: row.publishedAt };
  }

  /** Saves a definition as a new draft version in its own transaction (audited there). */
  saveDraft(actor: Actor, key: string, definition: unknown) {
    return transaction(this.ds, (tx) => this.createDraft(tx, key, definition, { actor }));
  }

  /** Publishes a version in its own transaction (audited there). */
  publishVersion(actor: Actor, key: string, version: number) {
    return transaction(this.ds, async (tx) => {
      const row = await this.publish(tx, key, version, actor);
      return { key: row.key, version: row.version, status: row.status, publishedAt: row.publishedAt };
    });
  }

  /** Retires a version in its own transaction (audited there). */
  retireVersion(actor: Actor, key: string, version: number, opts: { force?: boolean; reason?: string }) {
    return transaction(this.ds, async (tx) => {
      const row = await this.retire(tx, key, version, actor, opts);
      return { key: row.key, version: row.version, status: row.status, runningInstances: row.runningInstances, changed: row.changed };
    });
  }

  /** A version's diagram: Mermaid text and a rendered SVG, the given state paths highlighted. */
  async diagram(key: string, version: number, highlight: string[] | undefined) {
    const row = await this.version(key, version);
    return { key, version, mermaid: toMermaid(row.definition, { highlight }), svg: renderSvg(row.definition, { highlight }) };
  }

  /** What changed between two versions, as JSON and as text. */
  async diff(key: string, from: number, to: number) {
    const [a, b] = await Promise.all([this.version(key, from), this.version(key, to)]);
    const changes = diffDefinitions(a.definition, b.definition);
    return { key, from, to, changes, text: formatDiff(changes) };
  }

  /** A version as a `workflows/` file, with what the download's headers say about it. */
  async exportFile(key: string, version: number): Promise<{ fileName: string; version: number; status: VersionStatus; body: string }> {
    const row = await this.version(key, version);
    return { fileName: `${key}.json`, version: row.version, status: row.status, body: definitionFile(row.definition) };
  }

  /**
   * Imports a definition file or a Stately editor machine as a new draft version (the first version
   * of a new key creates the pathway), audited as `pathway.draft` with source `import`.
   */
  async importDraft(actor: Actor, input: ImportInput) {
    const { key, definition } = resolveImport(input);
    return transaction(this.ds, async (tx) => {
      const existed = await PathwayRepository.exists(tx, key);
      const created = await this.createDraft(tx, key, definition, { actor, source: 'import' });
      return { ...created, createdPathway: !existed, definition };
    });
  }
}
