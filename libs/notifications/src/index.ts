export { NOTIFICATION_KINDS, isNotificationKind, type NotificationKind } from './notification-kinds.js';
export {
  SUPPORTED_LOCALES,
  DEFAULT_TIMEZONE,
  renderMessage,
  resolveLocale,
  formatDateTime,
  openLinkLabel,
  PHRASEBOOKS,
  type SupportedLocale,
  type MessageVars,
  type RenderedMessage,
} from './templates.js';
export { escapeHtml } from './html-escape.js';
export { conferenceInvite, type ConferenceInviteOptions } from './ical.js';
export {
  signBody,
  deliverWebhook,
  backoffDelay,
  webhookPayload,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type WebhookDelivery,
  type WebhookResult,
  type WebhookNotification,
} from './webhook.js';
export {
  createMailer,
  DEFAULT_FROM,
  type Mailer,
  type MailerOptions,
  type MailMessage,
  type MailAttachment,
  type MailResult,
} from './mailer.js';
export { describeWhy, humanDuration, conferenceTitleIn, type RuleLike } from './why/describe-why.js';
