/** Statements the app sent to PostgreSQL so far (`convene_db_statements_total`), by origin. */
export interface StatementCounts {
  /** Issued while answering HTTP requests (auth guard, idempotency, the use case), app pool. */
  http: number;
  /** Issued in the background by the app's data source: worker jobs, outbox relay, reconciler. */
  background: number;
  /** Other pg clients of the app: the queue's PostgreSQL backend, the relay's LISTEN connection. */
  other: number;
}

const SAMPLE = /^convene_db_statements_total\{([^}]*)\}\s+([0-9.e+]+)$/gm;

/** Reads the counter from the app's `/metrics` (METRICS_TOKEN). */
export async function readStatements(url: string, token: string): Promise<StatementCounts> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  const counts: StatementCounts = { http: 0, background: 0, other: 0 };
  for (const m of text.matchAll(SAMPLE)) {
    const labels = m[1] ?? '';
    const n = Number(m[2]);
    if (labels.includes('pool="other"')) counts.other += n;
    else if (labels.includes('origin="http"')) counts.http += n;
    else counts.background += n;
  }
  return counts;
}

/** Statements per unit of work between two readings (one decimal). */
export function statementsPer(before: StatementCounts, after: StatementCounts, units: number) {
  const per = (k: keyof StatementCounts) => (units > 0 ? Math.round(((after[k] - before[k]) / units) * 10) / 10 : null);
  return { units, http: per('http'), background: per('background'), other: per('other') };
}
