import type { Phrasebook } from './phrasebook.js';

export const sv: Phrasebook = {
  quote: (t) => `”${t}”`,
  kinds: {
    task_assigned: (c) => ({
      subject: `Ny uppgift i ärende ${c.caseReference}: ${c.title}`,
      body: [
        `Er organisation har tilldelats uppgiften ${c.title} i ärende ${c.caseReference}.` +
          (c.due ? ` Den ska vara klar senast ${c.due}.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Påminnelse: ${c.title} (ärende ${c.caseReference})`,
      body: [
        c.due
          ? `Detta är en påminnelse om att uppgiften ${c.title} i ärende ${c.caseReference} ska vara klar senast ${c.due}.`
          : `Detta är en påminnelse om att uppgiften ${c.title} i ärende ${c.caseReference} fortfarande är öppen.`,
      ],
    }),
    overdue: (c) => ({
      subject: `Försenad: ${c.title} (ärende ${c.caseReference})`,
      body: [
        c.due
          ? `Uppgiften ${c.title} i ärende ${c.caseReference} skulle ha varit klar senast ${c.due} och är ännu inte slutförd.`
          : `Tidsfristen för uppgiften ${c.title} i ärende ${c.caseReference} har passerats och uppgiften är ännu inte slutförd.`,
        'Slutför den, eller meddela samordnaren vad som hindrar.',
      ],
    }),
    escalation: (c) => ({
      subject: `Eskalering: ${c.title} är försenad (ärende ${c.caseReference})`,
      body: [
        `Uppgiften ${c.title} i ärende ${c.caseReference} är fortfarande öppen efter tidsfristen` +
          (c.due ? ` (${c.due}).` : '.'),
        'Den har eskalerats till er för uppföljning.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Inbjudan: ${c.title} (ärende ${c.caseReference})`,
      body: [
        `Er organisation bjuds in till samverkansmötet ${c.title} i ärende ${c.caseReference}` +
          (c.when ? `, ${c.when}.` : '.'),
        'Meddela samordnaren om er organisation kommer att delta.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Ändrat: ${c.title} (ärende ${c.caseReference})`,
      body: [
        c.when
          ? `Samverkansmötet ${c.title} i ärende ${c.caseReference} har flyttats till ${c.when}.`
          : `Samverkansmötet ${c.title} i ärende ${c.caseReference} har ändrats.`,
        'Uppdatera er kalender.',
      ],
    }),
  },
  colon: ': ',
  openLink: 'Se detaljerna i Convene',
  reason: 'Varför du får det här meddelandet',
  footer: 'Meddelandet innehåller avsiktligt inga ärendeuppgifter; öppna länken för att se dem i Convene.',
};
