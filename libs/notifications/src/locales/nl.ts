import type { Phrasebook } from './phrasebook.js';

export const nl: Phrasebook = {
  quote: (t) => `‘${t}’`,
  kinds: {
    task_assigned: (c) => ({
      subject: `Nieuwe taak in casus ${c.caseReference}: ${c.title}`,
      body: [
        `Aan uw organisatie is de taak ${c.title} in casus ${c.caseReference} toegewezen.` +
          (c.due ? ` De taak moet uiterlijk ${c.due} klaar zijn.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Herinnering: ${c.title} (casus ${c.caseReference})`,
      body: [
        c.due
          ? `Dit is een herinnering: de taak ${c.title} in casus ${c.caseReference} moet uiterlijk ${c.due} klaar zijn.`
          : `Dit is een herinnering: de taak ${c.title} in casus ${c.caseReference} staat nog open.`,
      ],
    }),
    overdue: (c) => ({
      subject: `Termijn verstreken: ${c.title} (casus ${c.caseReference})`,
      body: [
        c.due
          ? `De taak ${c.title} in casus ${c.caseReference} moest uiterlijk ${c.due} klaar zijn en is nog niet afgerond.`
          : `De termijn van de taak ${c.title} in casus ${c.caseReference} is verstreken en de taak is nog niet afgerond.`,
        'Rond de taak af, of laat de coördinator weten waardoor het vertraging oploopt.',
      ],
    }),
    escalation: (c) => ({
      subject: `Escalatie: ${c.title} is te laat (casus ${c.caseReference})`,
      body: [
        `De taak ${c.title} in casus ${c.caseReference} staat na de uiterste datum` +
          (c.due ? ` (${c.due})` : '') +
          ' nog open.',
        'De taak is ter opvolging naar u geëscaleerd.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Uitnodiging: ${c.title} (casus ${c.caseReference})`,
      body: [
        `Uw organisatie is uitgenodigd voor het casusoverleg ${c.title} over casus ${c.caseReference}` +
          (c.when ? ` op ${c.when}.` : '.'),
        'Laat de coördinator weten of uw organisatie aanwezig is.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Gewijzigd: ${c.title} (casus ${c.caseReference})`,
      body: [
        c.when
          ? `Het casusoverleg ${c.title} over casus ${c.caseReference} is verplaatst naar ${c.when}.`
          : `Het casusoverleg ${c.title} over casus ${c.caseReference} is gewijzigd.`,
        'Werk uw agenda bij.',
      ],
    }),
  },
  colon: ': ',
  openLink: 'Bekijk de details in Convene',
  reason: 'Waarom u dit bericht ontvangt',
  footer: 'Dit bericht bevat bewust geen casusgegevens; open de link om ze in Convene te bekijken.',
};
