import type { EngineFacts } from '#engine';
import { one, type Db } from '../db.js';
import { participantsOf, type CaseParticipant, type CaseSummary, type SqlCondition } from '../cases/case.repository.js';
import { INSTANCE_COLUMNS, type Instance } from './instance.repository.js';
import { attendedRolesOf, instanceTasksOf } from './facts.repository.js';

/** What a step on an instance reads before the engine runs. */
export interface StepInput {
  instance: Instance;
  ctx: { case: CaseSummary; participants: CaseParticipant[] };
  facts: EngineFacts;
}

/**
 * Read-only: everything a user event on an instance needs — the instance, its case with the
 * participants and their calendars, and the facts guards read (the instance's state tasks, who
 * attended the latest conference, the lawful basis) — and the caller's access to the case, in ONE
 * statement: one round trip instead of five. Each part's SQL comes from the repository that owns
 * its table.
 */
export const StepRepository = {
  /**
   * `'case_not_found'` when the case does not exist or `visible` (a condition on alias `c`, its
   * placeholders from $3; none: any case) does not hold for it; undefined when the instance does
   * not exist or belongs to another case.
   */
  async load(db: Db, caseId: string, instanceId: string, visible: SqlCondition = { sql: 'true', params: [] }): Promise<StepInput | 'case_not_found' | undefined> {
    const row = await one<
      { caseVisible: boolean } & Partial<Instance> & { case: (CaseSummary & { lawfulBasis: string | null }) | null; participants: CaseParticipant[]; tasks: EngineFacts['tasks']; attended: string[] }
    >(
      db,
      `SELECT v."caseVisible", ${INSTANCE_COLUMNS},
              (SELECT json_build_object('id', c.id, 'reference', c.reference, 'status', c.status, 'leadAgencyId', c.lead_agency_id,
                                        'keyDates', c.key_dates, 'lawfulBasis', c.lawful_basis)
                 FROM cases c WHERE c.id = pathway_instances.case_id) AS "case",
              ${participantsOf('pathway_instances.case_id')} AS participants,
              ${instanceTasksOf('pathway_instances.id')} AS tasks,
              ${attendedRolesOf('pathway_instances.case_id')} AS attended
         FROM (SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $2 AND ${visible.sql}) AS "caseVisible") v
         LEFT JOIN pathway_instances ON pathway_instances.id = $1 AND pathway_instances.case_id = $2 AND v."caseVisible"`,
      [instanceId, caseId, ...visible.params],
    );
    if (!row?.caseVisible) return 'case_not_found';
    if (!row.case) return undefined;
    const { caseVisible: _visible, case: kase, participants, tasks, attended, ...rest } = row;
    const instance = rest as Instance;
    const { lawfulBasis, ...summary } = kase;
    return {
      instance,
      ctx: { case: summary, participants },
      facts: { keyDates: summary.keyDates, tasks, latestConferenceAttendedRoles: attended, lawfulBasis },
    };
  },
};
