import type { Phrasebook } from './phrasebook.js';

export const es: Phrasebook = {
  quote: (t) => `«${t}»`,
  kinds: {
    task_assigned: (c) => ({
      subject: `Nueva tarea en el caso ${c.caseReference}: ${c.title}`,
      body: [
        `Se ha asignado a su organización la tarea ${c.title} del caso ${c.caseReference}.` +
          (c.due ? ` El plazo vence el ${c.due}.` : ''),
      ],
    }),
    reminder: (c) => ({
      subject: `Recordatorio: ${c.title} (caso ${c.caseReference})`,
      body: [
        c.due
          ? `Le recordamos que la tarea ${c.title} del caso ${c.caseReference} vence el ${c.due}.`
          : `Le recordamos que la tarea ${c.title} del caso ${c.caseReference} sigue pendiente.`,
      ],
    }),
    overdue: (c) => ({
      subject: `Plazo vencido: ${c.title} (caso ${c.caseReference})`,
      body: [
        c.due
          ? `La tarea ${c.title} del caso ${c.caseReference} vencía el ${c.due} y todavía no se ha completado.`
          : `El plazo de la tarea ${c.title} del caso ${c.caseReference} ha vencido y todavía no se ha completado.`,
        'Por favor, complétela o comunique al coordinador qué la está retrasando.',
      ],
    }),
    escalation: (c) => ({
      subject: `Escalado: ${c.title} fuera de plazo (caso ${c.caseReference})`,
      body: [
        `La tarea ${c.title} del caso ${c.caseReference} sigue abierta después de su fecha límite` +
          (c.due ? ` (${c.due}).` : '.'),
        'Se le ha escalado para que haga el seguimiento.',
      ],
    }),
    conference_invitation: (c) => ({
      subject: `Convocatoria: ${c.title} (caso ${c.caseReference})`,
      body: [
        `Su organización está convocada a la reunión de coordinación ${c.title} del caso ${c.caseReference}` +
          (c.when ? `, el ${c.when}.` : '.'),
        'Por favor, indique al coordinador si su organización asistirá.',
      ],
    }),
    conference_changed: (c) => ({
      subject: `Cambio: ${c.title} (caso ${c.caseReference})`,
      body: [
        c.when
          ? `La reunión de coordinación ${c.title} del caso ${c.caseReference} se ha trasladado al ${c.when}.`
          : `La reunión de coordinación ${c.title} del caso ${c.caseReference} ha cambiado.`,
        'Por favor, actualice su calendario.',
      ],
    }),
  },
  colon: ': ',
  openLink: 'Ver los detalles en Convene',
  reason: 'Por qué recibe este mensaje',
  footer: 'Este mensaje no contiene, a propósito, datos del caso; abra el enlace para consultarlos en Convene.',
};
