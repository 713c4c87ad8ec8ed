import { DateTime } from 'luxon';
import type { DemoCaseDriver } from './demo-case-driver.js';
import type { DemoAgencyKey } from './demo-partnership.js';

/** One demo case: who it is about, who takes part, and how far it is driven. */
export interface DemoCase {
  subject: { name: string; dateOfBirth: string };
  /** Where the case stands once seeded, in words (printed and documented). */
  stage: string;
  participants: Array<[DemoAgencyKey, string]>;
  keyDates?: () => Record<string, string>;
  drive(c: DemoCaseDriver): Promise<void>;
}

const ZONE = 'Europe/Amsterdam';
const LOCATION = 'Veiligheidshuis Rotterdam, Zaal 2';
const today = () => DateTime.now().setZone(ZONE).startOf('day');
/** A meeting time `days` from today at 10:00 Rotterdam time, as an ISO date-time with offset. */
const meetingAt = (days: number) => today().plus({ days }).set({ hour: 10 }).toISO()!;
const dueIn = (days: number) => today().plus({ days }).set({ hour: 17 }).toISO()!;

/** Screening done, lawful basis recorded: the case waits in the referral's initial conference. */
async function acceptReferral(c: DemoCaseDriver, basis: Record<string, unknown>): Promise<void> {
  await c.startPathway('referral');
  await c.complete(['referral-details', 'preliminary-assessment'], 'Chronology received; no referral in the last 12 months; no immediate risk.');
  await c.send('referral', 'ACCEPT', { acceptanceReason: 'Meets the partnership criteria: risk of renewed radicalisation on release.' });
  await c.complete(['record-basis'], 'Recorded in the case file.');
  await c.send('referral', 'RECORD_BASIS', basis);
}

const PUBLIC_TASK = { basis: 'public_task', rationale: 'Public task: preventing serious harm (municipal safety-house covenant).' };

/**
 * Takes an accepted referral through a quorate initial conference, after which the referral hands
 * over by itself (release planning with a release date, review without). Without the conference
 * endpoints the quorum cannot be recorded, so the follow-on pathway is started directly instead —
 * as for a case the partnership takes over from another region.
 */
async function handOver(c: DemoCaseDriver, agencies: DemoAgencyKey[], followOn: 'release-planning' | 'review'): Promise<void> {
  if (!c.hasConferences) {
    await c.startPathway(followOn);
    return;
  }
  await acceptReferral(c, PUBLIC_TASK);
  await c.conference({
    scheduledAt: meetingAt(-14),
    location: LOCATION,
    agencies,
    attended: agencies,
    minutes: {
      text: 'Initial conference. Information shared under the recorded lawful basis; plan agreed.',
      decisions: ['Take the case on', followOn === 'release-planning' ? 'Start release planning' : 'Review every 12 weeks'],
      actions: [],
    },
  });
  await c.completeAll('Done at the initial conference.');
  await c.send('referral', 'CONFERENCE_HELD');
}

/** The five demo cases, from a fresh referral to a proposed closure. */
export const DEMO_CASES: readonly DemoCase[] = [
  {
    subject: { name: 'T. van Leeuwen', dateOfBirth: '1998-04-12' },
    stage: 'referral: screening (referral details in, preliminary assessment open)',
    participants: [
      ['police', 'police'],
      ['police', 'referrer'],
      ['probation', 'probation'],
    ],
    async drive(c) {
      await c.startPathway('referral');
      await c.complete(['referral-details'], 'Chronology and intelligence summary sent.');
    },
  },
  {
    subject: { name: 'K. Mulder', dateOfBirth: '1987-11-03' },
    stage: 'referral: initial conference (accepted with consent, conference scheduled)',
    participants: [
      ['probation', 'probation'],
      ['probation', 'referrer'],
      ['police', 'police'],
      ['exit', 'exit_programme'],
      ['mentalHealth', 'mental_health'],
    ],
    async drive(c) {
      await c.startPathway('referral');
      await c.complete(['referral-details', 'preliminary-assessment'], 'Chronology received; no referral in the last 12 months.');
      await c.send('referral', 'ACCEPT', { acceptanceReason: 'Expressed support for violent extremism during supervision.' });
      await c.complete(['record-basis'], 'Signed consent form in the case file.');
      await c.send('referral', 'RECORD_BASIS', { basis: 'consent', consentRecordedAt: today().toISODate() });
      if (await c.conference({ scheduledAt: meetingAt(10), location: LOCATION, agencies: ['city', 'probation', 'police', 'exit', 'mentalHealth'] })) {
        await c.complete(['schedule-initial-conference'], 'Invitations sent.');
      }
      await c.complete(['referrer-report'], 'Supervision report uploaded.');
    },
  },
  {
    subject: { name: 'D. Vos', dateOfBirth: '1991-06-21' },
    stage: 'release planning: agency contributions (release in about 5 months; probation, police and prison done; housing, health and exit programme open)',
    participants: [
      ['prison', 'prison'],
      ['prison', 'referrer'],
      ['probation', 'probation'],
      ['police', 'police'],
      ['housing', 'housing'],
      ['health', 'health'],
      ['mentalHealth', 'mental_health'],
      ['exit', 'exit_programme'],
    ],
    keyDates: () => ({ releaseDate: today().plus({ months: 5 }).toISODate()! }),
    async drive(c) {
      await handOver(c, ['city', 'prison', 'probation', 'police'], 'release-planning');
      await c.complete(['open-plan', 'confirm-release-details'], 'Release date and licence conditions confirmed.');
      await c.send('release-planning', 'PLAN_OPENED');
      await c.complete(['probation-assessment', 'police-assessment', 'prison-report'], 'Report uploaded.');
    },
  },
  {
    subject: { name: 'J. Peeters', dateOfBirth: '1995-01-30' },
    stage: 'review: agency updates for the next review conference (probation and police in; housing, health and exit programme open)',
    participants: [
      ['police', 'police'],
      ['police', 'referrer'],
      ['probation', 'probation'],
      ['housing', 'housing'],
      ['health', 'health'],
      ['exit', 'exit_programme'],
    ],
    async drive(c) {
      await handOver(c, ['city', 'police', 'probation'], 'review');
      const conferenceDate = today().plus({ days: 21 });
      await c.setKeyDates({ conferenceDate: conferenceDate.toISODate()! });
      await c.send('review', 'REVIEW_NOW');
      await c.conference({ scheduledAt: meetingAt(21), location: LOCATION, agencies: ['city', 'police', 'probation', 'housing', 'health', 'exit'] });
      await c.complete(['convene-review', 'probation-update', 'police-update'], 'Update submitted.');
    },
  },
  {
    subject: { name: 'R. de Graaf', dateOfBirth: '1983-09-14' },
    stage: 'closure: proposed (closure summary and probation view in; police and exit programme views open)',
    participants: [
      ['probation', 'probation'],
      ['probation', 'referrer'],
      ['police', 'police'],
      ['housing', 'housing'],
      ['health', 'health'],
      ['exit', 'exit_programme'],
    ],
    async drive(c) {
      await handOver(c, ['city', 'probation', 'police'], 'review');
      await c.send('review', 'REVIEW_NOW');
      await c.completeAll('No concerns; stable housing and work.');
      await c.send('review', 'UPDATES_IN');
      const held = await c.conference({
        scheduledAt: meetingAt(-3),
        location: LOCATION,
        agencies: ['city', 'probation', 'police', 'exit'],
        attended: ['city', 'probation', 'police'],
        minutes: {
          text: 'Review conference. Risk much reduced over two review periods.',
          decisions: ['Propose closure'],
          actions: [{ title: 'Written view on closure for the closure conference', agency: 'exit', dueAt: dueIn(10) }],
        },
      });
      if (held) {
        await c.completeAll('Review held; minutes circulated.');
        await c.send('review', 'CONFERENCE_HELD');
        await c.completeAll('Minutes circulated.');
        await c.send('review', 'MINUTES_CIRCULATED');
      }
      await c.send('review', 'PROPOSE_CLOSURE');
      await c.complete(['closure-summary', 'probation-view'], 'Agrees: risk much reduced.');
    },
  },
];
