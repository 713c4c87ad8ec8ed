import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#core';
import type { Db } from '../db.js';
import { deliveryJobId, enqueue, type OutboxMessage } from '../outbox/outbox.js';
import { DeliveryRepository } from './delivery.repository.js';
import { NotificationRepository, type NotificationRecord } from './notification.repository.js';

export interface NotificationInput {
  caseId: string;
  agencyId: string;
  kind: string;
  title: string;
  taskId?: string | null;
  conferenceId?: string | null;
  reminderId?: string | null;
  dueAt?: Date | null;
  /** Why it was sent: pathway, version, state, task, offset… shown to the recipient on request. */
  rule: Record<string, unknown>;
  /** Makes creation idempotent: the same key never creates a second notification. */
  dedupeKey: string;
}

/**
 * Creates an in-app notification and one delivery per external channel the agency has (webhook,
 * email), each relayed to the deliveries queue through the outbox. Messages carry a link, never
 * case content.
 */
@Injectable()
export class NotificationWriter {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  linkFor(input: { caseId: string; taskId?: string | null; conferenceId?: string | null }): string {
    const base = `${this.config.publicUrl}/cases/${input.caseId}`;
    if (input.taskId) return `${base}?task=${input.taskId}`;
    if (input.conferenceId) return `${base}?conference=${input.conferenceId}`;
    return base;
  }

  /** Returns the notification id, or undefined when the dedupe key was already used. */
  async create(tx: Db, input: NotificationInput): Promise<string | undefined> {
    return (await this.write(tx, input, { queueDeliveries: true }))?.notificationId;
  }

  /**
   * Creates the notification and its delivery rows but queues no delivery job: the caller sends
   * the deliveries itself once the transaction has committed (the reminder job, in one hop), and
   * queues the delivery job (through the outbox) only for a retry. A delivery the caller never gets
   * to send (the worker died after the commit) stays `pending`, and the reconciler arms its job.
   */
  async createForSending(tx: Db, input: NotificationInput): Promise<{ notificationId: string; deliveryIds: string[] } | undefined> {
    return this.write(tx, input, { queueDeliveries: false });
  }

  /**
   * `createForSending` for a batch, in two statements (the notifications, then their deliveries),
   * with the same conditions per notification. Returns, per dedupe key of a notification written,
   * its delivery ids; a key missing from the map wrote nothing (used before, or withheld).
   */
  async createManyForSending(tx: Db, inputs: readonly NotificationInput[]): Promise<Map<string, string[]>> {
    const created = await NotificationRepository.insertMany(
      tx,
      inputs.map((input) => this.recordOf(input)),
    );
    const channels = created.flatMap((n) => [
      ...(n.webhookUrl ? [{ notificationId: n.id, channel: 'webhook' }] : []),
      ...(n.email ? [{ notificationId: n.id, channel: 'email' }] : []),
    ]);
    const deliveries = await DeliveryRepository.insertMany(tx, channels);
    const byNotification = new Map<string, string[]>();
    for (const d of deliveries) byNotification.set(d.notificationId, [...(byNotification.get(d.notificationId) ?? []), d.id]);
    return new Map(created.map((n) => [n.dedupeKey, byNotification.get(n.id) ?? []]));
  }

  /** The row a notification input is written as: its link resolved, absent ids as null. */
  private recordOf(input: NotificationInput): NotificationRecord {
    return {
      caseId: input.caseId,
      agencyId: input.agencyId,
      kind: input.kind,
      title: input.title,
      link: this.linkFor(input),
      taskId: input.taskId ?? null,
      conferenceId: input.conferenceId ?? null,
      reminderId: input.reminderId ?? null,
      dueAt: input.dueAt ?? null,
      rule: input.rule,
      dedupeKey: input.dedupeKey,
    };
  }

  private async write(
    tx: Db,
    input: NotificationInput,
    opts: { queueDeliveries: boolean },
  ): Promise<{ notificationId: string; deliveryIds: string[] } | undefined> {
    const created = await NotificationRepository.insert(tx, this.recordOf(input));
    if (!created) return undefined;
    const channels = [created.webhookUrl ? 'webhook' : null, created.email ? 'email' : null].filter(
      (c): c is string => c !== null,
    );
    let ids: string[] = [];
    if (channels.length > 0) {
      ids = await DeliveryRepository.insertForChannels(tx, created.id, channels);
    }
    if (ids.length > 0 && opts.queueDeliveries) {
      const messages: OutboxMessage[] = ids.map((id) => ({
        kind: 'add',
        job: 'delivery.send',
        jobId: deliveryJobId(id),
        payload: { deliveryId: id },
      }));
      await enqueue(tx, messages);
    }
    return { notificationId: created.id, deliveryIds: ids };
  }
}
