import type { PersistedSnapshot } from '#engine';
import { many, one, single, type Db } from '../db.js';

/** A running (or finished) pathway on a case: `pathway_instances`. */
export interface Instance {
  id: string;
  caseId: string;
  pathwayKey: string;
  version: number;
  snapshot: PersistedSnapshot;
  stateValue: unknown;
  status: 'active' | 'done' | 'cancelled';
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export const INSTANCE_COLUMNS = `id, case_id AS "caseId", pathway_key AS "pathwayKey", version, snapshot, state_value AS "stateValue", status, revision,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Owner of `pathway_instances`. */
export const InstanceRepository = {
  async get(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<Instance | undefined> {
    return one<Instance>(db, `SELECT ${INSTANCE_COLUMNS} FROM pathway_instances WHERE id = $1${opts.lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
  },

  /**
   * Locks and returns the instance a task or timer row belongs to, in one statement: whatever
   * changes an instance locks it before the rows that hang off it, so writers queue up instead of
   * deadlocking. Undefined when the row does not exist or belongs to no instance.
   */
  async lockOwnerOf(db: Db, owned: { taskId: string } | { timerId: string }): Promise<Instance | undefined> {
    const [table, id] = 'taskId' in owned ? ['tasks', owned.taskId] : ['timers', owned.timerId];
    return one<Instance>(
      db,
      `SELECT ${INSTANCE_COLUMNS} FROM pathway_instances WHERE id = (SELECT instance_id FROM ${table} WHERE id = $1) FOR NO KEY UPDATE`,
      [id],
    );
  },

  async forCase(db: Db, caseId: string): Promise<Instance[]> {
    return many<Instance>(db, `SELECT ${INSTANCE_COLUMNS} FROM pathway_instances WHERE case_id = $1 ORDER BY created_at, id`, [caseId]);
  },

  /** Whether pathway `key` is running on the case. */
  async isRunning(db: Db, caseId: string, key: string): Promise<boolean> {
    const row = await one(db, `SELECT 1 FROM pathway_instances WHERE case_id = $1 AND pathway_key = $2 AND status = 'active'`, [caseId, key]);
    return row !== undefined;
  },

  /** Locks the case's active instances (in id order, the lock order) and returns their ids. */
  async lockActiveOfCase(db: Db, caseId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `SELECT id FROM pathway_instances WHERE case_id = $1 AND status = 'active' ORDER BY id FOR NO KEY UPDATE`,
      [caseId],
    );
    return rows.map((r) => r.id);
  },

  async insert(
    db: Db,
    row: { caseId: string; key: string; version: number; snapshot: PersistedSnapshot; value: unknown; status: string; startedBy?: string | null },
  ): Promise<Instance> {
    return single<Instance>(
      db,
      `INSERT INTO pathway_instances (case_id, pathway_key, version, snapshot, state_value, status, started_by_instance_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${INSTANCE_COLUMNS}`,
      [row.caseId, row.key, row.version, JSON.stringify(row.snapshot), JSON.stringify(row.value), row.status, row.startedBy ?? null],
    );
  },

  /**
   * Compare-and-set: writes the new snapshot only if the revision is still `expected`. Returns the
   * new revision, or undefined when another writer got there first.
   */
  async compareAndSet(
    db: Db,
    id: string,
    expected: number,
    next: { snapshot: PersistedSnapshot; value: unknown; status: string },
  ): Promise<number | undefined> {
    const row = await one<{ revision: number }>(
      db,
      `UPDATE pathway_instances
          SET snapshot = $3, state_value = $4, status = $5, revision = revision + 1, updated_at = now()
        WHERE id = $1 AND revision = $2
        RETURNING revision`,
      [id, expected, JSON.stringify(next.snapshot), JSON.stringify(next.value), next.status],
    );
    return row?.revision;
  },

  // ── Pathway administration (H3, issue #12): versions in use, the instance list, migrations ──

  /** How many active instances run on a version of a pathway. */
  async countActiveOnVersion(db: Db, key: string, version: number): Promise<number> {
    const row = await one<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM pathway_instances WHERE pathway_key = $1 AND version = $2 AND status = 'active'`,
      [key, version],
    );
    return row?.n ?? 0;
  },

  /** Ids of active instances on a version of a pathway, oldest first, at most `limit`. */
  async activeIdsOnVersion(db: Db, key: string, version: number, limit: number): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `SELECT id FROM pathway_instances WHERE pathway_key = $1 AND version = $2 AND status = 'active' ORDER BY created_at, id LIMIT $3`,
      [key, version, limit],
    );
    return rows.map((r) => r.id);
  },

  /** Instances of a pathway with their case reference (read model for the administration page). */
  async listOfPathway(
    db: Db,
    key: string,
    q: { status: string; version?: number; limit: number; offset: number },
  ): Promise<
    Array<{ instanceId: string; caseId: string; caseReference: string; version: number; state: unknown; status: string; revision: number; updatedAt: Date }>
  > {
    return many(
      db,
      `SELECT i.id AS "instanceId", i.case_id AS "caseId", c.reference AS "caseReference", i.version, i.state_value AS state,
              i.status, i.revision, i.updated_at AS "updatedAt"
         FROM pathway_instances i JOIN cases c ON c.id = i.case_id
        WHERE i.pathway_key = $1 AND i.status = $2 AND ($3::int IS NULL OR i.version = $3)
        ORDER BY i.created_at, i.id LIMIT $4 OFFSET $5`,
      [key, q.status, q.version ?? null, q.limit, q.offset],
    );
  },

  /** How many active instances of a pathway run on each version. */
  async activeCountsByVersion(db: Db, key: string): Promise<Array<{ version: number; active: number }>> {
    return many<{ version: number; active: number }>(
      db,
      `SELECT version, count(*)::int AS active FROM pathway_instances WHERE pathway_key = $1 AND status = 'active' GROUP BY version ORDER BY version`,
      [key],
    );
  },

  /**
   * Moves an active instance to another version of its pathway (compare-and-set on the revision).
   * Returns the new revision, or undefined when another writer got there first.
   */
  async migrateToVersion(
    db: Db,
    id: string,
    expected: number,
    next: { version: number; snapshot: PersistedSnapshot; value: unknown },
  ): Promise<number | undefined> {
    const row = await one<{ revision: number }>(
      db,
      `UPDATE pathway_instances
          SET version = $3, snapshot = $4, state_value = $5, revision = revision + 1, updated_at = now()
        WHERE id = $1 AND revision = $2 AND status = 'active'
        RETURNING revision`,
      [id, expected, next.version, JSON.stringify(next.snapshot), JSON.stringify(next.value)],
    );
    return row?.revision;
  },
  // ── end of the pathway administration block (H3) ──

  /** The ids of the case's active instances, oldest first (H2, ConferenceService re-evaluates their guards). */
  async activeIdsForCase(db: Db, caseId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(db, `SELECT id FROM pathway_instances WHERE case_id = $1 AND status = 'active' ORDER BY created_at`, [caseId]);
    return rows.map((r) => r.id);
  },

  /** Cancels the case's other active instances (the case closes); returns their ids. */
  async cancelActiveOfCaseExcept(db: Db, caseId: string, exceptId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      db,
      `UPDATE pathway_instances SET status = 'cancelled', revision = revision + 1, updated_at = now()
        WHERE case_id = $1 AND status = 'active' AND id <> $2 RETURNING id`,
      [caseId, exceptId],
    );
    return rows.map((r) => r.id);
  },

  /** Erasure: the context (data events recorded into it) of every instance of the case goes; states and revisions stay. */
  async eraseContextsOfCase(db: Db, caseId: string): Promise<void> {
    await many(
      db,
      `UPDATE pathway_instances SET snapshot = jsonb_set(snapshot, '{context}', '{}'::jsonb)
        WHERE case_id = $1 AND snapshot ? 'context' AND snapshot->'context' <> '{}'::jsonb`,
      [caseId],
    );
  },

  /**
   * The compare-and-set of a one-statement write, as a CTE body: the plan's `instance` (id,
   * expectedRevision, snapshot, value, status); RETURNING the new revision, no row when another
   * writer moved the instance first.
   */
  compareAndSetCte(plan: string): string {
    return `UPDATE pathway_instances
               SET snapshot = ${plan}->'instance'->'snapshot', state_value = ${plan}->'instance'->'value',
                   status = ${plan}->'instance'->>'status', revision = revision + 1, updated_at = now()
             WHERE id = (${plan}->'instance'->>'id')::uuid AND revision = (${plan}->'instance'->>'expectedRevision')::int
             RETURNING revision`;
  },
};
