/**
 * Why a notification was sent, worded per language: the sentence under "why you receive this" in
 * emails and the `why` of the API. `d` is a duration already in words ("3 days", "3 dygn"), `t` a
 * title already in the language's quotation marks.
 */
export interface WhyPhrases {
  reminderBefore(d: string, t: string): string;
  reminderOn(t: string): string;
  reminderAfter(d: string, t: string): string;
  reminderOf(t: string): string;
  overdue(d: string | undefined, t: string): string;
  escalation(d: string | undefined, t: string): string;
  taskAssigned(t: string): string;
  conferenceReminder(d: string | undefined): string;
  conferenceInvitation: string;
  conferenceChanged: string;
  other(kind: string): string;
  /** Where the rule came from: "agreed at a case conference", or "state <id>" of a pathway. */
  agreedAtConference: string;
  state: string;
  /** A conference's title: its case reference only, never a person's name. */
  conferenceTitle(reference: string): string;
}

export const WHY: Record<'en' | 'nl' | 'fr' | 'es' | 'de' | 'sv', WhyPhrases> = {
  en: {
    reminderBefore: (d, t) => `Reminder ${d} before the due date of ${t}`,
    reminderOn: (t) => `Reminder on the due date of ${t}`,
    reminderAfter: (d, t) => `Reminder ${d} after the due date of ${t}`,
    reminderOf: (t) => `Reminder of the due date of ${t}`,
    overdue: (d, t) => `Overdue notice ${d ? `${d} after the due date` : 'after the due date'} of ${t}`,
    escalation: (d, t) => `Escalation: ${t} was still open ${d ? `${d} after` : 'after'} its due date`,
    taskAssigned: (t) => `Task ${t} was assigned to your agency`,
    conferenceReminder: (d) => (d ? `Reminder ${d} before the case conference` : 'Reminder of the case conference'),
    conferenceInvitation: 'Your agency was invited to this case conference',
    conferenceChanged: 'A case conference your agency was invited to has been moved',
    other: (kind) => `Notification: ${kind.replace(/_/g, ' ')}`,
    agreedAtConference: 'agreed at a case conference',
    state: 'state',
    conferenceTitle: (ref) => `Case conference ${ref}`,
  },
  nl: {
    reminderBefore: (d, t) => `Herinnering ${d} voor de uiterste datum van ${t}`,
    reminderOn: (t) => `Herinnering op de uiterste datum van ${t}`,
    reminderAfter: (d, t) => `Herinnering ${d} na de uiterste datum van ${t}`,
    reminderOf: (t) => `Herinnering aan de uiterste datum van ${t}`,
    overdue: (d, t) => `Melding te laat ${d ? `${d} na de uiterste datum` : 'na de uiterste datum'} van ${t}`,
    escalation: (d, t) => `Escalatie: ${t} stond ${d ? `${d} na` : 'na'} de uiterste datum nog open`,
    taskAssigned: (t) => `Taak ${t} is aan uw organisatie toegewezen`,
    conferenceReminder: (d) => (d ? `Herinnering ${d} voor het casusoverleg` : 'Herinnering aan het casusoverleg'),
    conferenceInvitation: 'Uw organisatie is uitgenodigd voor dit casusoverleg',
    conferenceChanged: 'Een casusoverleg waarvoor uw organisatie is uitgenodigd, is verplaatst',
    other: () => 'Melding',
    agreedAtConference: 'afgesproken in een casusoverleg',
    state: 'stap',
    conferenceTitle: (ref) => `Casusoverleg ${ref}`,
  },
  fr: {
    reminderBefore: (d, t) => `Rappel ${d} avant l’échéance de ${t}`,
    reminderOn: (t) => `Rappel le jour de l’échéance de ${t}`,
    reminderAfter: (d, t) => `Rappel ${d} après l’échéance de ${t}`,
    reminderOf: (t) => `Rappel de l’échéance de ${t}`,
    overdue: (d, t) => `Avis de retard ${d ? `${d} après l’échéance` : 'après l’échéance'} de ${t}`,
    escalation: (d, t) => `Escalade : ${t} était encore ouverte ${d ? `${d} après` : 'après'} son échéance`,
    taskAssigned: (t) => `La tâche ${t} a été attribuée à votre organisme`,
    conferenceReminder: (d) => (d ? `Rappel ${d} avant la réunion de concertation` : 'Rappel de la réunion de concertation'),
    conferenceInvitation: 'Votre organisme est invité à cette réunion de concertation',
    conferenceChanged: 'Une réunion de concertation à laquelle votre organisme est invité a été déplacée',
    other: () => 'Notification',
    agreedAtConference: 'convenu en réunion de concertation',
    state: 'étape',
    conferenceTitle: (ref) => `Réunion de concertation ${ref}`,
  },
  es: {
    reminderBefore: (d, t) => `Recordatorio ${d} antes de la fecha límite de ${t}`,
    reminderOn: (t) => `Recordatorio en la fecha límite de ${t}`,
    reminderAfter: (d, t) => `Recordatorio ${d} después de la fecha límite de ${t}`,
    reminderOf: (t) => `Recordatorio de la fecha límite de ${t}`,
    overdue: (d, t) => `Aviso de retraso ${d ? `${d} después de la fecha límite` : 'tras la fecha límite'} de ${t}`,
    escalation: (d, t) => `Escalado: ${t} seguía abierta ${d ? `${d} después de` : 'después de'} su fecha límite`,
    taskAssigned: (t) => `La tarea ${t} se ha asignado a su organismo`,
    conferenceReminder: (d) => (d ? `Recordatorio ${d} antes de la reunión de caso` : 'Recordatorio de la reunión de caso'),
    conferenceInvitation: 'Su organismo ha sido invitado a esta reunión de caso',
    conferenceChanged: 'Se ha cambiado la fecha de una reunión de caso a la que su organismo está invitado',
    other: () => 'Notificación',
    agreedAtConference: 'acordado en una reunión de caso',
    state: 'paso',
    conferenceTitle: (ref) => `Reunión de caso ${ref}`,
  },
  de: {
    reminderBefore: (d, t) => `Erinnerung ${d} vor der Frist von ${t}`,
    reminderOn: (t) => `Erinnerung am Fristtag von ${t}`,
    reminderAfter: (d, t) => `Erinnerung ${d} nach der Frist von ${t}`,
    reminderOf: (t) => `Erinnerung an die Frist von ${t}`,
    overdue: (d, t) => `Überfälligkeitshinweis ${d ? `${d} nach der Frist` : 'nach der Frist'} von ${t}`,
    escalation: (d, t) => `Eskalation: ${t} war ${d ? `${d} nach` : 'nach'} der Frist noch offen`,
    taskAssigned: (t) => `Die Aufgabe ${t} wurde Ihrer Stelle zugewiesen`,
    conferenceReminder: (d) => (d ? `Erinnerung ${d} vor der Fallkonferenz` : 'Erinnerung an die Fallkonferenz'),
    conferenceInvitation: 'Ihre Stelle wurde zu dieser Fallkonferenz eingeladen',
    conferenceChanged: 'Eine Fallkonferenz, zu der Ihre Stelle eingeladen ist, wurde verschoben',
    other: () => 'Benachrichtigung',
    agreedAtConference: 'in einer Fallkonferenz vereinbart',
    state: 'Schritt',
    conferenceTitle: (ref) => `Fallkonferenz ${ref}`,
  },
  sv: {
    reminderBefore: (d, t) => `Påminnelse ${d} före tidsfristen för ${t}`,
    reminderOn: (t) => `Påminnelse på tidsfristen för ${t}`,
    reminderAfter: (d, t) => `Påminnelse ${d} efter tidsfristen för ${t}`,
    reminderOf: (t) => `Påminnelse om tidsfristen för ${t}`,
    overdue: (d, t) => `Förseningsmeddelande ${d ? `${d} efter tidsfristen` : 'efter tidsfristen'} för ${t}`,
    escalation: (d, t) => `Eskalering: ${t} var fortfarande öppen ${d ? `${d} efter` : 'efter'} tidsfristen`,
    taskAssigned: (t) => `Uppgiften ${t} har tilldelats er organisation`,
    conferenceReminder: (d) => (d ? `Påminnelse ${d} före samverkansmötet` : 'Påminnelse om samverkansmötet'),
    conferenceInvitation: 'Er organisation är inbjuden till detta samverkansmöte',
    conferenceChanged: 'Ett samverkansmöte som er organisation är inbjuden till har flyttats',
    other: () => 'Meddelande',
    agreedAtConference: 'överenskommet vid ett samverkansmöte',
    state: 'steg',
    conferenceTitle: (ref) => `Samverkansmöte ${ref}`,
  },
};
