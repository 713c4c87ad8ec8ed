import type { PathwayDefinition } from '../../../libs/engine/src/types.js';

/**
 * Two versions of a small referral pathway. v2 renames nothing silently: it retitles screening,
 * shortens a due date, drops `screening.legacy` for `screening.triage`, swaps screening's 30-day
 * timer for a 21-day one, and turns `planning` into a compound state with a sign-off step.
 */
export function referralV1(): PathwayDefinition {
  return {
    key: 'referral',
    title: 'Referral',
    machine: {
      id: 'referral',
      initial: 'screening',
      states: {
        screening: {
          initial: 'intake',
          meta: {
            title: 'Screening',
            tasks: [
              {
                key: 'risk-report',
                title: 'Submit risk assessment',
                assignee: { role: 'probation' },
                due: 'P14D',
                reminders: ['-P3D', 'P0D'],
              },
            ],
          },
          after: { P30D: 'closed' },
          on: { SUBMIT: { target: 'planning', guard: 'allTasksDone', meta: { title: 'Submit', roles: ['case_manager'] } } },
          states: {
            intake: {
              meta: {
                title: 'Intake',
                tasks: [{ key: 'consent', title: 'Record consent', assignee: { role: 'coordinator' }, due: 'P5D' }],
              },
              after: { P2D: 'legacy' },
              on: { CHECK: 'legacy' },
            },
            legacy: {
              meta: { title: 'Legacy check' },
              after: { P3D: 'intake' },
              on: { CHECKED: 'intake' },
            },
          },
        },
        planning: {
          meta: {
            title: 'Planning',
            tasks: [{ key: 'plan', title: 'Draft the plan', assignee: { role: 'coordinator' }, due: 'P10D' }],
          },
          on: { AGREE: 'closed' },
        },
        closed: { type: 'final', meta: { title: 'Closed' } },
      },
    },
  };
}

export function referralV2(): PathwayDefinition {
  return {
    key: 'referral',
    title: 'Referral',
    machine: {
      id: 'referral',
      initial: 'screening',
      states: {
        screening: {
          initial: 'intake',
          meta: {
            title: 'Initial screening',
            tasks: [
              {
                key: 'risk-report',
                title: 'Submit risk assessment',
                assignee: { role: 'probation' },
                due: 'P10D',
                reminders: ['-P2D', 'P0D'],
              },
            ],
          },
          after: { P21D: 'closed' },
          on: { SUBMIT: { target: 'planning', guard: 'allTasksDone', meta: { title: 'Submit', roles: ['case_manager', 'admin'] } } },
          states: {
            intake: {
              meta: {
                title: 'Intake',
                tasks: [
                  { key: 'consent', title: 'Record consent', assignee: { role: 'coordinator' }, due: 'P5D' },
                  { key: 'id-check', title: 'Check identity', assignee: { role: 'police' }, due: 'P3D' },
                ],
              },
              after: { P2D: 'triage' },
              on: { CHECK: 'triage' },
            },
            triage: {
              meta: {
                title: 'Triage',
                tasks: [{ key: 'triage-notes', title: 'Write triage notes', assignee: { role: 'coordinator' }, due: 'P2D' }],
              },
              after: { P1D: 'intake' },
              on: { CHECKED: 'intake' },
            },
          },
        },
        planning: {
          initial: 'draft',
          meta: {
            title: 'Planning',
            tasks: [{ key: 'plan', title: 'Draft the plan', assignee: { role: 'coordinator' }, due: 'P10D' }],
          },
          on: { AGREE: 'closed' },
          states: {
            draft: { meta: { title: 'Draft' }, on: { READY: 'signoff' } },
            signoff: {
              meta: {
                title: 'Plan sign-off',
                tasks: [{ key: 'sign', title: 'Sign the plan', assignee: { role: 'coordinator' }, due: 'P3D' }],
              },
              on: { REDO: 'draft' },
            },
          },
        },
        closed: { type: 'final', meta: { title: 'Closed' } },
      },
    },
  };
}

/** A pathway with parallel contributions; v2 adds a housing region. */
export function contributions(withHousing: boolean): PathwayDefinition {
  const region = (role: string) => ({
    initial: 'pending',
    states: {
      pending: {
        meta: { title: `${role} pending`, tasks: [{ key: `${role}-report`, title: `Report from ${role}`, assignee: { role }, due: 'P7D' }] },
        after: { P7D: 'late' },
        on: { [`${role.toUpperCase()}_SUBMITTED`]: 'submitted' },
      },
      late: { on: { [`${role.toUpperCase()}_SUBMITTED`]: 'submitted' } },
      submitted: { type: 'final' },
    },
  });
  const regions: Record<string, unknown> = { police: region('police'), probation: region('probation') };
  if (withHousing) regions.housing = region('housing');
  return {
    key: 'contributions',
    title: 'Agency contributions',
    machine: {
      id: 'contributions',
      initial: 'collecting',
      states: {
        collecting: { type: 'parallel', meta: { title: 'Collecting <reports> & notes' }, onDone: 'done', states: regions },
        done: { type: 'final' },
      },
    },
  };
}
