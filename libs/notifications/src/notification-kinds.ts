/** Every kind of notification Convene sends (CONTRACT.md section 4). */
export const NOTIFICATION_KINDS = [
  'task_assigned',
  'reminder',
  'overdue',
  'escalation',
  'conference_invitation',
  'conference_changed',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Narrows an untrusted string (job payload, database row) to a notification kind. */
export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
