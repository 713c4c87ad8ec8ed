import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, deliveriesTotal, type JobPayloads, QUEUE } from '#core';
import { backoffDelay } from '#notifications';
import { DELIVERY_MAX_ATTEMPTS } from '#domain';
import { DeliveryFailed, deliveryBackoffStrategy } from './delivery-backoff.js';
import { DeliverySender } from './delivery-sender.service.js';
import { DeliveryStore, type AttemptOutcome } from './delivery-store.js';
import type { QueueProcessor, QueueRegistration } from '../jobs/job-handlers.js';
import { Batcher } from '../jobs/batcher.js';
import type { DeliveryRow } from './delivery-store.js';

/** `queued`: a one-hop first attempt failed and the delivery job was queued for the retry. */
export type DeliveryOutcome = 'delivered' | 'dead' | 'skipped' | 'queued';

/**
 * Delivers notifications over webhook and email. Each attempt is recorded on the delivery row
 * (attempts, last status and error); a failure is thrown so BullMQ retries it with exponential
 * backoff and full jitter. The row's attempt count — not the job's, which restarts when the
 * reconciler arms a lost job again — decides the last attempt, after which the delivery is `dead`,
 * which the case's reminders and timeline show. The worker host runs the queue, with the custom
 * backoff strategy the job options name.
 */
@Injectable()
export class DeliveryProcessor implements QueueProcessor<typeof QUEUE.deliveries> {
  readonly queue = QUEUE.deliveries;
  private readonly logger = new Logger(DeliveryProcessor.name);
  /** Delivered attempts of one-hop sends finishing at the same time are recorded in one statement. */
  private readonly recordDelivered = new Batcher(async (items: Array<{ id: string; outcome: AttemptOutcome }>) => {
    await this.store.deliveredMany(items);
    return items.map(() => undefined);
  });

  constructor(
    private readonly store: DeliveryStore,
    private readonly sender: DeliverySender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registration(): QueueRegistration<typeof QUEUE.deliveries> {
    return {
      concurrency: this.config.workerConcurrency,
      backoffStrategy: deliveryBackoffStrategy(this.config.delivery.backoffBaseMs),
      handlers: { 'delivery.send': (payload) => this.send(payload) },
    };
  }

  async send({ deliveryId }: JobPayloads['delivery.send']): Promise<DeliveryOutcome> {
    return this.attempt(deliveryId, 'job');
  }

  /**
   * The first attempt, made by the reminder job right after its transaction committed the delivery
   * rows (one hop). Success or a final failure is recorded as the job would; a failure to be retried
   * is recorded and the delivery job queued (through the outbox) for the retry, with its backoff from
   * there. Never throws: whatever goes wrong leaves the row `pending`, and the delivery job is queued,
   * or, with the database unreachable, the reconciler arms it — always under the same delivery id.
   */
  async sendNow(deliveryId: string): Promise<DeliveryOutcome> {
    try {
      return await this.attempt(deliveryId, 'inline');
    } catch (error) {
      this.logger.warn({ deliveryId, err: { message: (error as Error).message } }, 'one-hop delivery failed; handing it to the delivery job');
      await this.store.queue(deliveryId).catch(() => undefined);
      return 'queued';
    }
  }

  /**
   * `sendNow` for a delivery the reminder job has already loaded (`DeliveryStore.loadMany`, for its
   * whole batch): the same attempt, with a delivered attempt recorded together with the others
   * finishing at the same time. Never throws.
   */
  async sendLoaded(delivery: DeliveryRow): Promise<DeliveryOutcome> {
    try {
      return await this.attemptLoaded(delivery, 'inline', true);
    } catch (error) {
      this.logger.warn({ deliveryId: delivery.id, err: { message: (error as Error).message } }, 'one-hop delivery failed; handing it to the delivery job');
      await this.store.queue(delivery.id).catch(() => undefined);
      return 'queued';
    }
  }

  private async attempt(deliveryId: string, by: 'job' | 'inline'): Promise<DeliveryOutcome> {
    const delivery = await this.store.load(deliveryId);
    if (!delivery) return 'skipped';
    return this.attemptLoaded(delivery, by, false);
  }

  private async attemptLoaded(delivery: DeliveryRow, by: 'job' | 'inline', batched: boolean): Promise<DeliveryOutcome> {
    const deliveryId = delivery.id;
    if (delivery.status === 'delivered' || delivery.status === 'dead') return 'skipped';
    const outcome = await this.sender.send(delivery);
    if (outcome.ok) {
      if (batched) await this.recordDelivered.submit({ id: deliveryId, outcome });
      else await this.store.delivered(deliveryId, outcome);
      deliveriesTotal.inc({ channel: delivery.channel, outcome: 'delivered' });
      return 'delivered';
    }
    const attempt = delivery.attempts + 1;
    const last = attempt >= DELIVERY_MAX_ATTEMPTS;
    const retryInMs = last ? null : backoffDelay(attempt, { baseMs: this.config.delivery.backoffBaseMs });
    if (by === 'inline' && retryInMs !== null) await this.store.failedAndQueueRetry(deliveryId, outcome, retryInMs);
    else await this.store.failed(deliveryId, outcome, retryInMs);
    deliveriesTotal.inc({ channel: delivery.channel, outcome: last ? 'dead' : 'retried' });
    this.logger.warn(
      { deliveryId, channel: delivery.channel, attempt, status: outcome.status, error: outcome.error, dead: last },
      last ? 'delivery failed for good' : 'delivery failed; will retry',
    );
    if (last) return 'dead';
    if (by === 'inline') return 'queued';
    throw new DeliveryFailed(outcome.error ?? 'delivery failed', retryInMs!);
  }
}
