import type pg from 'pg';
import { AccessService } from '../../libs/domain/src/access/access.service.js';
import { AuditService } from '../../libs/domain/src/audit/audit.service.js';
import { CaseRepository } from '../../libs/domain/src/cases/case.repository.js';
import type { Actor } from '../../libs/domain/src/identity/actor.js';
import { TaskRepository } from '../../libs/domain/src/tasks/task.repository.js';
import { TOTAL_CAP } from '../../libs/domain/src/tasks/task.service.js';
import { summarise, type LatencySummary } from '../support/stats.js';
import { recordingDataSource } from './recording-data-source.js';

export interface AuditOverhead {
  name: string;
  /** The list as the API reads it: the page and its audit record in one statement. */
  audited: LatencySummary;
  /** The same repository call with no audit record. */
  unaudited: LatencySummary;
  /** audited p50 ÷ unaudited p50 − 1, in per cent: the audit's share of the database time. */
  overheadPct: number;
  /** (audited − unaudited p50) ÷ the HTTP request's p50 of the same list in this run, in per cent. */
  requestSharePct?: number;
}

/**
 * What auditing a list read costs (CONTRACT §2, Audit; issue "every read audited … cheap enough
 * that the bench does not notice"): the same list, through the same repository code on the same
 * connection pool, with and without its audit record, alternating call by call so both see the same
 * machine. HTTP, auth and JSON are the same either way and are left out, so the ratio is the
 * audit's share of the database work alone (an upper bound on its share of a request).
 */
export async function measureAuditOverhead(pool: pg.Pool, staff: Actor, manager: Actor, repeats: number): Promise<AuditOverhead[]> {
  const ds = recordingDataSource(pool, []);
  const access = new AccessService();
  const audit = new AuditService(ds);
  const visibleTo = (actor: Actor) => ({
    cases: (alias: string, first: number) => access.caseFilter(actor, alias, first),
    tasks: (alias: string, first: number) => access.taskFilter(actor, alias, first),
  });
  const lists: Array<{ name: string; run: (audited: boolean) => Promise<unknown> }> = [
    {
      name: 'agency inbox (open)',
      run: (audited) =>
        TaskRepository.inbox(ds.manager, visibleTo(staff), { status: 'open', limit: 50, offset: 0 }, TOTAL_CAP,
          audited ? audit.listRead(staff, 'task.list', 'task') : undefined),
    },
    {
      name: 'case list: open',
      run: (audited) =>
        CaseRepository.list(ds.manager, access.caseFilter(manager, 'c', 1), (first) => access.taskFilter(manager, 't', first),
          { status: 'open', limit: 50, offset: 0 }, manager.agencyId, TOTAL_CAP, audited ? audit.listRead(manager, 'case.list', 'case') : undefined),
    },
  ];
  const results: AuditOverhead[] = [];
  for (const list of lists) {
    for (let i = 0; i < 10; i++) await list.run(i % 2 === 0); // warm-up
    const times = { audited: [] as number[], unaudited: [] as number[] };
    for (let i = 0; i < repeats * 2; i++) {
      const audited = i % 2 === 0;
      const t = performance.now();
      await list.run(audited);
      (audited ? times.audited : times.unaudited).push(performance.now() - t);
    }
    const a = summarise(times.audited);
    const u = summarise(times.unaudited);
    results.push({ name: list.name, audited: a, unaudited: u, overheadPct: Math.round((a.p50 / u.p50 - 1) * 1000) / 10 });
  }
  return results;
}
