import type { SqlCondition } from '../cases/case.repository.js';

/**
 * The SQL conditions behind who may see what (AccessService decides which applies). Read-only:
 * fragments the repositories of cases, tasks and notifications put in their WHERE clauses.
 */
export const AccessRepository = {
  /** Cases (alias `alias`) the agency takes part in; `$first` is the agency id. */
  participantCases(alias: string, first: number, agencyId: string | null): SqlCondition {
    return { sql: AccessRepository.participates(alias, first), params: [agencyId] };
  },

  /**
   * Cases the agency takes part in or leads, or the user created; `$first` agency, `$first+1` user.
   * `perCase` (pages, single cases) probes the participation per case: `OFFSET 0` keeps PostgreSQL
   * from first hashing every case the agency takes part in (70,000 for a large authority) when a
   * list read newest first stops after its page and its capped count. Aggregates over every visible
   * case (the dashboard) leave it off and get the hash (docs/performance.md, "Lists at scale").
   */
  managedCases(alias: string, first: number, agencyId: string | null, userId: string, perCase = true): SqlCondition {
    const participates = perCase
      ? `EXISTS (SELECT 1 FROM case_participants cp WHERE cp.case_id = ${alias}.id AND cp.agency_id = $${first} OFFSET 0)`
      : AccessRepository.participates(alias, first);
    return {
      sql: `(${participates} OR ${alias}.lead_agency_id = $${first} OR ${alias}.created_by = $${first + 1})`,
      params: [agencyId, userId],
    };
  },

  /** Tasks (alias `alias`) assigned to the agency; `$first` is the agency id. */
  assignedTasks(alias: string, first: number, agencyId: string | null): SqlCondition {
    return { sql: `${alias}.assignee_agency_id = $${first}`, params: [agencyId] };
  },

  participates(alias: string, first: number): string {
    return `EXISTS (SELECT 1 FROM case_participants cp WHERE cp.case_id = ${alias}.id AND cp.agency_id = $${first})`;
  },
};
