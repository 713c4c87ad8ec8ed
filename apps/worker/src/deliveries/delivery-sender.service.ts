import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#core';
import { ConferenceService } from '#domain';
import {
  conferenceTitleIn,
  createMailer,
  describeWhy,
  resolveLocale,
  deliverWebhook,
  isNotificationKind,
  renderMessage,
  webhookPayload,
  type MailAttachment,
  type Mailer,
  type NotificationKind,
} from '#notifications';
import type { AttemptOutcome, DeliveryRow } from './delivery-store.js';

/**
 * Sends one delivery over its channel. The webhook body and the email's Message-ID derive from the
 * notification alone, so every retry sends the same bytes under the same id and receivers can
 * de-duplicate; messages carry a reference and a link, never case content.
 */
@Injectable()
export class DeliverySender implements OnApplicationShutdown {
  private readonly mailer: Mailer;
  private readonly timeoutMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly conferences: ConferenceService,
  ) {
    this.timeoutMs = config.delivery.timeoutMs;
    this.mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: join(config.dataDir, 'mail'), from: config.mailFrom });
  }

  onApplicationShutdown(): void {
    this.mailer.close();
  }

  async send(d: DeliveryRow): Promise<AttemptOutcome> {
    if (!isNotificationKind(d.kind)) return { ok: false, error: `unknown notification kind ${d.kind}` };
    return d.channel === 'webhook' ? this.webhook(d, d.kind) : this.email(d, d.kind);
  }

  private async webhook(d: DeliveryRow, kind: NotificationKind): Promise<AttemptOutcome> {
    if (!d.webhookUrl) return { ok: false, error: 'the agency has no webhook URL any more' };
    const body = webhookPayload({
      id: d.notificationId,
      kind,
      agencyId: d.agencyId,
      caseId: d.caseId,
      caseReference: d.caseReference,
      taskId: d.taskId ?? undefined,
      conferenceId: d.conferenceId ?? undefined,
      dueAt: d.dueAt ? new Date(d.dueAt) : undefined,
      title: d.title,
      link: d.link,
    });
    const result = await deliverWebhook({
      url: d.webhookUrl,
      body,
      secret: d.webhookSecret ?? undefined,
      previousSecret: d.previousWebhookSecret ?? undefined,
      deliveryId: d.notificationId,
      timeoutMs: this.timeoutMs,
    });
    return { ok: result.ok, status: result.status, error: result.error };
  }

  private async email(d: DeliveryRow, kind: NotificationKind): Promise<AttemptOutcome> {
    if (!d.email) return { ok: false, error: 'the agency has no email address any more' };
    const aboutConference = d.conferenceId !== null && d.taskId === null;
    // A reminder of a conference repeats the invitation's wording (and its calendar file).
    const wording: NotificationKind = aboutConference && kind === 'reminder' ? 'conference_invitation' : kind;
    // Everything the recipient reads is in their language: titles, dates (their zone), the why-line, the calendar file.
    const language = resolveLocale(d.locale);
    const title = aboutConference ? conferenceTitleIn(language, d.caseReference) : (d.titles?.[language] ?? d.title);
    const message = renderMessage(wording, d.locale, {
      caseReference: d.caseReference,
      title,
      dueAt: d.dueAt ? new Date(d.dueAt) : undefined,
      conferenceAt: aboutConference && d.conferenceAt ? new Date(d.conferenceAt) : undefined,
      link: d.link,
      timezone: d.timezone,
      reason: describeWhy(d.kind, title, d.rule, language),
    });
    const attachments: MailAttachment[] = [];
    if (aboutConference) {
      const ics = await this.conferences.calendar(this.ds.manager, d.conferenceId!, language);
      // The MIME method must say what the calendar says: a cancellation is METHOD:CANCEL in both.
      const method = /^METHOD:CANCEL\r?$/m.test(ics) ? 'CANCEL' : 'REQUEST';
      attachments.push({ filename: 'invite.ics', content: ics, contentType: `text/calendar; method=${method}; charset=UTF-8` });
    }
    try {
      await this.mailer.send({ to: d.email, ...message, messageId: `notification-${d.notificationId}`, attachments });
      return { ok: true };
    } catch (error) {
      const e = error as { message?: string; responseCode?: number };
      return { ok: false, status: e.responseCode, error: e.message ?? String(error) };
    }
  }
}
