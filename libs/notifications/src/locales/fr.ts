import type { Phrasebook } from './phrasebook.js';

// French typography puts a non-breaking space before ':' and inside « ».
const NBSP = '\u00a0';

export const fr: Phrasebook = {
  quote: (t) => `«${NBSP}${t}${NBSP}»`,
  kinds: {
    task_assigned: (c) => ({
      subject: `Nouvelle tâche dans le dossier ${c.caseReference}${NBSP}: ${c.title}`,
      body: [
        `La tâche ${c.title} du dossier ${c.caseReference} a été attribuée à votre organisme.` +
          (c.due ? ` Elle doit être terminée au plus tard le ${c.due}.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Rappel${NBSP}: ${c.title} (dossier ${c.caseReference})`,
      body: [
        c.due
          ? `Pour rappel, la tâche ${c.title} du dossier ${c.caseReference} doit être terminée au plus tard le ${c.due}.`
          : `Pour rappel, la tâche ${c.title} du dossier ${c.caseReference} est toujours en cours.`,
      ],
    }),
    overdue: (c) => ({
      subject: `En retard${NBSP}: ${c.title} (dossier ${c.caseReference})`,
      body: [
        c.due
          ? `La tâche ${c.title} du dossier ${c.caseReference} devait être terminée le ${c.due} et n’est pas encore achevée.`
          : `La tâche ${c.title} du dossier ${c.caseReference} a dépassé son échéance et n’est pas encore achevée.`,
        'Merci de la terminer ou d’indiquer au coordinateur ce qui la retarde.',
      ],
    }),
    escalation: (c) => ({
      subject: `Escalade${NBSP}: ${c.title} en retard (dossier ${c.caseReference})`,
      body: [
        `La tâche ${c.title} du dossier ${c.caseReference} est toujours ouverte après son échéance` +
          (c.due ? ` (${c.due}).` : '.'),
        'Elle vous a été transmise pour suivi.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Invitation${NBSP}: ${c.title} (dossier ${c.caseReference})`,
      body: [
        `Votre organisme est invité à la réunion de concertation ${c.title} concernant le dossier ${c.caseReference}` +
          (c.when ? `, le ${c.when}.` : '.'),
        'Merci d’indiquer au coordinateur si votre organisme y participera.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Modification${NBSP}: ${c.title} (dossier ${c.caseReference})`,
      body: [
        c.when
          ? `La réunion de concertation ${c.title} concernant le dossier ${c.caseReference} a été déplacée au ${c.when}.`
          : `La réunion de concertation ${c.title} concernant le dossier ${c.caseReference} a été modifiée.`,
        'Merci de mettre à jour votre agenda.',
      ],
    }),
  },
  colon: `${NBSP}: `,
  openLink: 'Voir les détails dans Convene',
  reason: 'Pourquoi vous recevez ce message',
  footer: `Ce message ne contient volontairement aucune donnée du dossier${NBSP}; ouvrez le lien pour les consulter dans Convene.`,
};
