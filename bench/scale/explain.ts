import type pg from 'pg';
import { firstOf } from '../support/defined.js';
import type { RecordedQuery } from './recording-data-source.js';

export interface PlanSummary {
  sql: string;
  /** Indexes the plan reads (Index Scan, Index Only Scan, Bitmap Index Scan). */
  indexes: string[];
  /** Tables read by a sequential scan: each one is a question at this scale. */
  seqScans: string[];
  executionMs: number;
}

function walk(node: Record<string, unknown>, indexes: Set<string>, seq: Set<string>): void {
  if (typeof node['Index Name'] === 'string') indexes.add(node['Index Name']);
  if (node['Node Type'] === 'Seq Scan' && typeof node['Relation Name'] === 'string') seq.add(node['Relation Name']);
  for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child, indexes, seq);
}

/** EXPLAIN ANALYZE of each recorded read (writes are left out), with the index names it uses. */
export async function explainAll(pool: pg.Pool, queries: RecordedQuery[]): Promise<PlanSummary[]> {
  const plans: PlanSummary[] = [];
  for (const q of queries) {
    if (!/^\s*(SELECT|WITH)/i.test(q.sql) || /FOR UPDATE/i.test(q.sql)) continue;
    const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown>; 'Execution Time': number }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
      q.params,
    );
    const root = firstOf(firstOf(rows, 'EXPLAIN')['QUERY PLAN'], 'QUERY PLAN');
    const indexes = new Set<string>();
    const seq = new Set<string>();
    walk(root.Plan, indexes, seq);
    plans.push({
      sql: q.sql.replace(/\s+/g, ' ').trim().slice(0, 160),
      indexes: [...indexes],
      seqScans: [...seq],
      executionMs: Math.round(root['Execution Time'] * 100) / 100,
    });
  }
  return plans;
}
