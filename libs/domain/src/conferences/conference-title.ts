/**
 * The title a conference carries in notifications and calendars: the case reference only, never the
 * subject's name (invitations leave the system by mail and webhook).
 */
export const conferenceTitle = (caseReference: string) => `Case conference ${caseReference}`;

/** Stable iCalendar UID: calendars match a reschedule to the entry they already hold by it. */
export const conferenceUid = (conferenceId: string) => `${conferenceId}@convene`;
