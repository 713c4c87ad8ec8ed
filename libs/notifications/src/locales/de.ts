import type { Phrasebook } from './phrasebook.js';

export const de: Phrasebook = {
  quote: (t) => `„${t}“`,
  kinds: {
    task_assigned: (c) => ({
      subject: `Neue Aufgabe im Fall ${c.caseReference}: ${c.title}`,
      body: [
        `Ihrer Organisation wurde im Fall ${c.caseReference} die Aufgabe ${c.title} zugewiesen.` +
          (c.due ? ` Sie ist bis ${c.due} zu erledigen.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Erinnerung: ${c.title} (Fall ${c.caseReference})`,
      body: [
        c.due
          ? `Wir erinnern Sie daran, dass die Aufgabe ${c.title} im Fall ${c.caseReference} bis ${c.due} zu erledigen ist.`
          : `Wir erinnern Sie daran, dass die Aufgabe ${c.title} im Fall ${c.caseReference} noch offen ist.`,
      ],
    }),
    overdue: (c) => ({
      subject: `Überfällig: ${c.title} (Fall ${c.caseReference})`,
      body: [
        c.due
          ? `Die Aufgabe ${c.title} im Fall ${c.caseReference} war bis ${c.due} zu erledigen und ist noch nicht abgeschlossen.`
          : `Die Frist für die Aufgabe ${c.title} im Fall ${c.caseReference} ist abgelaufen und die Aufgabe ist noch nicht abgeschlossen.`,
        'Bitte erledigen Sie sie oder teilen Sie der Koordination mit, was sie aufhält.',
      ],
    }),
    escalation: (c) => ({
      subject: `Eskalation: ${c.title} überfällig (Fall ${c.caseReference})`,
      body: [
        `Die Aufgabe ${c.title} im Fall ${c.caseReference} ist nach Ablauf der Frist` +
          (c.due ? ` (${c.due})` : '') +
          ' noch offen.',
        'Sie wurde zur weiteren Bearbeitung an Sie eskaliert.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Einladung: ${c.title} (Fall ${c.caseReference})`,
      body: [
        `Ihre Organisation ist zur Fallkonferenz ${c.title} im Fall ${c.caseReference}` +
          (c.when ? ` am ${c.when}` : '') +
          ' eingeladen.',
        'Bitte teilen Sie der Koordination mit, ob Ihre Organisation teilnimmt.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Geändert: ${c.title} (Fall ${c.caseReference})`,
      body: [
        c.when
          ? `Die Fallkonferenz ${c.title} im Fall ${c.caseReference} wurde auf ${c.when} verlegt.`
          : `Die Fallkonferenz ${c.title} im Fall ${c.caseReference} wurde geändert.`,
        'Bitte aktualisieren Sie Ihren Kalender.',
      ],
    }),
  },
  colon: ': ',
  openLink: 'Details in Convene ansehen',
  reason: 'Warum Sie diese Nachricht erhalten',
  footer: 'Diese Nachricht enthält bewusst keine Falldaten; öffnen Sie den Link, um sie in Convene einzusehen.',
};
