import type { PersistedSnapshot } from '../../../engine/src/index.js';
import { many, one, type Db } from '../db.js';

export interface InstanceRow {
  id: string;
  case_id: string;
  pathway_key: string;
  version: number;
  snapshot: PersistedSnapshot;
  state_value: unknown;
  status: 'active' | 'done' | 'cancelled';
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, case_id, pathway_key, version, snapshot, state_value, status, revision, created_at, updated_at';

export const InstanceRepository = {
  async get(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<InstanceRow | undefined> {
    return one<InstanceRow>(db, `SELECT ${COLUMNS} FROM pathway_instances WHERE id = $1${opts.lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
  },

  /**
   * Locks and returns the instance a task or timer row belongs to, in one statement: whatever
   * changes an instance locks it before the rows that hang off it, so writers queue up instead of
   * deadlocking. Undefined when the row does not exist or belongs to no instance.
   */
  async lockOwnerOf(db: Db, owned: { taskId: string } | { timerId: string }): Promise<InstanceRow | undefined> {
    const [table, id] = 'taskId' in owned ? ['tasks', owned.taskId] : ['timers', owned.timerId];
    return one<InstanceRow>(
      db,
      `SELECT ${COLUMNS} FROM pathway_instances WHERE id = (SELECT instance_id FROM ${table} WHERE id = $1) FOR NO KEY UPDATE`,
      [id],
    );
  },

  async forCase(db: Db, caseId: string): Promise<InstanceRow[]> {
    return many<InstanceRow>(db, `SELECT ${COLUMNS} FROM pathway_instances WHERE case_id = $1 ORDER BY created_at, id`, [caseId]);
  },

  async insert(
    db: Db,
    row: { caseId: string; key: string; version: number; snapshot: PersistedSnapshot; value: unknown; status: string; startedBy?: string | null },
  ): Promise<InstanceRow> {
    return (await one<InstanceRow>(
      db,
      `INSERT INTO pathway_instances (case_id, pathway_key, version, snapshot, state_value, status, started_by_instance_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [row.caseId, row.key, row.version, JSON.stringify(row.snapshot), JSON.stringify(row.value), row.status, row.startedBy ?? null],
    ))!;
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

  /** The ids of the case's active instances, oldest first (H2, ConferenceService re-evaluates their guards). */
  async activeIdsForCase(db: Db, caseId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(db, `SELECT id FROM pathway_instances WHERE case_id = $1 AND status = 'active' ORDER BY created_at`, [caseId]);
    return rows.map((r) => r.id);
  },
};
