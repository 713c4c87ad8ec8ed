import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, stateValue, timestamp } from '../common/responses.js';

const step = {
  pathway: z.string().describe('Pathway key'),
  pathwayTitle: z.string(),
  state: stateValue,
  stateId: z.string().describe('Dotted leaf state ids, e.g. `planning.contributions`'),
  stateTitle: z.string().describe("The states' `meta.title`s"),
};

export const DashboardSummary = named(
  'DashboardSummary',
  z.object({
    generatedAt: timestamp,
    dueSoonDays: z.number().int().describe('How far `dueSoon` looks ahead (days)'),
    conferenceDays: z.number().int().describe('How far `conferences` looks ahead (days)'),
    openCases: z.array(named('DashboardOpenCases', z.object({ ...step, cases: z.number().int() }), 'Open cases whose active instance of the pathway is in this state')),
    agencies: z.array(
      named(
        'DashboardAgencyLoad',
        z.object({
          agencyId: id,
          agencyName: z.string(),
          open: z.number().int(),
          overdue: z.number().int().describe('Open and past their due date'),
          dueSoon: z.number().int().describe('Open and due within `dueSoonDays`'),
        }),
        'Open tasks assigned to one agency, latest first: most overdue first',
      ),
    ),
    conferences: z.array(
      named(
        'DashboardConference',
        z.object({ id, caseId: id, caseReference: z.string(), scheduledAt: timestamp, durationMinutes: z.number().int(), location: z.string().nullable() }),
      ),
    ),
  }),
  "The case manager's overview, over the cases the caller may see",
);

export const DashboardOverdueTrend = named(
  'DashboardOverdueTrend',
  z.object({
    weeks: z.array(timestamp).describe('End of each week, oldest first; the last is now'),
    series: z.array(
      named(
        'DashboardOverdueSeries',
        z.object({ agencyId: id, agencyName: z.string(), counts: z.array(z.number().int()).describe('Overdue tasks at the end of each week of `weeks`') }),
      ),
    ),
  }),
  'Tasks overdue per agency at the end of each week',
);

export const DashboardStepDurations = named(
  'DashboardStepDurations',
  z.object({
    since: timestamp.describe('Steps entered since then are counted'),
    items: z.array(
      named(
        'DashboardStepDuration',
        z.object({ ...step, medianDays: z.number(), p90Days: z.number(), samples: z.number().int().describe('Times the step was left') }),
        'Time spent in one step of a pathway (steps left so far)',
      ),
    ),
  }),
);
