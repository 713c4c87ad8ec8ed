/**
 * Probation's report, due three days after the state is entered (reminded the day before and on the
 * day, escalated to the coordinator two days late); the pathway moves on by itself once it is done.
 */
export const reportPathway = (key: string) => ({
  key,
  title: 'Report (medium)',
  machine: {
    id: key,
    initial: 'contributions',
    states: {
      contributions: {
        meta: {
          title: 'Contributions',
          tasks: [
            {
              key: 'risk-report',
              title: 'Submit risk assessment',
              assignee: { role: 'probation' },
              due: 'P3D',
              reminders: ['-P1D', 'P0D'],
              escalation: { after: 'P2D', to: { role: 'coordinator' } },
              urgent: true,
            },
          ],
        },
        always: { target: 'assessed', guard: 'allTasksDone' },
      },
      assessed: { meta: { title: 'Assessed' }, on: { CLOSE: 'closed' } },
      closed: { type: 'final' },
    },
  },
});

/** Probation's report, due two days before the release date (reminded a day before and on the day, escalated a day late). */
export const releasePathway = (key: string) => ({
  key,
  title: 'Release (medium)',
  machine: {
    id: key,
    initial: 'planning',
    states: {
      planning: {
        meta: {
          title: 'Planning',
          tasks: [
            {
              key: 'release-report',
              title: 'Pre-release report',
              assignee: { role: 'probation' },
              due: { before: 'releaseDate', offset: 'P2D' },
              reminders: ['-P1D', 'P0D'],
              escalation: { after: 'P1D', to: { role: 'coordinator' } },
              urgent: true,
            },
          ],
        },
        on: { RELEASED: 'released' },
      },
      released: { type: 'final' },
    },
  },
});
