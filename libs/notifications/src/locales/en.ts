import type { Phrasebook } from './phrasebook.js';

export const en: Phrasebook = {
  quote: (t) => `“${t}”`,
  kinds: {
    task_assigned: (c) => ({
      subject: `New task in case ${c.caseReference}: ${c.title}`,
      body: [
        `Your agency has been assigned the task ${c.title} in case ${c.caseReference}.` +
          (c.due ? ` It is due by ${c.due}.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Reminder: ${c.title} (case ${c.caseReference})`,
      body: [
        c.due
          ? `This is a reminder that the task ${c.title} in case ${c.caseReference} is due by ${c.due}.`
          : `This is a reminder that the task ${c.title} in case ${c.caseReference} is still open.`,
      ],
    }),
    overdue: (c) => ({
      subject: `Overdue: ${c.title} (case ${c.caseReference})`,
      body: [
        c.due
          ? `The task ${c.title} in case ${c.caseReference} was due by ${c.due} and has not been completed yet.`
          : `The task ${c.title} in case ${c.caseReference} is past its due date and has not been completed yet.`,
        'Please complete it, or let the coordinator know what is holding it up.',
      ],
    }),
    escalation: (c) => ({
      subject: `Escalation: ${c.title} is overdue (case ${c.caseReference})`,
      body: [
        `The task ${c.title} in case ${c.caseReference} is still open after its due date` +
          (c.due ? ` (${c.due}).` : '.'),
        'It has been escalated to you for follow-up.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Invitation: ${c.title} (case ${c.caseReference})`,
      body: [
        `Your agency is invited to the case conference ${c.title} for case ${c.caseReference}` +
          (c.when ? ` on ${c.when}.` : '.'),
        'Please let the coordinator know whether your agency will attend.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Changed: ${c.title} (case ${c.caseReference})`,
      body: [
        c.when
          ? `The case conference ${c.title} for case ${c.caseReference} has been moved to ${c.when}.`
          : `The case conference ${c.title} for case ${c.caseReference} has been changed.`,
        'Please update your calendar.',
      ],
    }),
  },
  colon: ': ',
  openLink: 'View the details in Convene',
  reason: 'Why you are receiving this',
  footer: 'This message deliberately contains no case details; open the link to see them in Convene.',
};
