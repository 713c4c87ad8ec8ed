import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '#core';
import { type AttemptOutcome, type Db, deliveryJobId, DeliveryRepository, type DeliveryToSend, enqueue, SECRET_ROTATION_HOURS } from '#domain';

/** One delivery with what sending it needs: the notification, its agency and the case reference. */
export type DeliveryRow = DeliveryToSend;
export type { AttemptOutcome };

/** Reads deliveries and records each attempt; short statements, no transaction held across I/O. */
@Injectable()
export class DeliveryStore {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The delivery and what sending it needs; undefined when there is nothing to send. A delivery to
   * an agency deactivated since, or about a case whose lawful basis is now `none` (to an agency
   * other than the lead) or that was erased, is recorded as `skipped` here, at send time, and never sent.
   */
  async load(deliveryId: string): Promise<DeliveryRow | undefined> {
    const row = await DeliveryRepository.forSending(this.ds.manager, deliveryId, SECRET_ROTATION_HOURS);
    if (row && !row.agencyActive && (row.status === 'pending' || row.status === 'retrying')) {
      await DeliveryRepository.skipForInactiveAgency(this.ds.manager, deliveryId);
      return undefined;
    }
    // Consent withdrawn (lawful basis `none`) since it was queued, or the case erased: never sent to anyone but the lead.
    if (row && row.withheld && (row.status === 'pending' || row.status === 'retrying')) {
      await DeliveryRepository.skipWithheld(this.ds.manager, deliveryId);
      return undefined;
    }
    if (!row) return undefined;
    const { agencyActive: _active, withheld: _withheld, ...delivery } = row;
    return delivery;
  }

  /**
   * `load` for a batch, in one statement (plus one per delivery to skip, rare): the deliveries to
   * send, by id; a delivery missing from the map has nothing to send.
   */
  async loadMany(deliveryIds: readonly string[]): Promise<Map<string, DeliveryRow>> {
    const rows = await DeliveryRepository.forSendingMany(this.ds.manager, deliveryIds, SECRET_ROTATION_HOURS);
    const toSend = new Map<string, DeliveryRow>();
    for (const row of rows) {
      const open = row.status === 'pending' || row.status === 'retrying';
      if (open && !row.agencyActive) await DeliveryRepository.skipForInactiveAgency(this.ds.manager, row.id);
      else if (open && row.withheld) await DeliveryRepository.skipWithheld(this.ds.manager, row.id);
      else {
        const { agencyActive: _active, withheld: _withheld, ...delivery } = row;
        toSend.set(row.id, delivery);
      }
    }
    return toSend;
  }

  /** Records delivered attempts of many deliveries in one statement. */
  async deliveredMany(delivered: ReadonlyArray<{ id: string; outcome: AttemptOutcome }>): Promise<void> {
    await DeliveryRepository.recordDeliveredMany(this.ds.manager, delivered.map((d) => ({ id: d.id, status: d.outcome.status ?? null })));
  }

  async delivered(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await DeliveryRepository.recordDelivered(this.ds.manager, deliveryId, outcome);
  }

  /** Records a failed attempt: `retrying` with the next attempt's time, or `dead` after the last one. */
  async failed(deliveryId: string, outcome: AttemptOutcome, retryInMs: number | null): Promise<void> {
    await DeliveryRepository.recordFailed(this.ds.manager, deliveryId, outcome, retryInMs);
  }

  /**
   * Records a failed first attempt made outside the delivery job (the reminder job sends in one
   * hop) and, in the same transaction, queues the delivery job through the outbox for the retry at
   * the time the row now says; the delivery job and its backoff take over from there.
   */
  async failedAndQueueRetry(deliveryId: string, outcome: AttemptOutcome, retryInMs: number): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await DeliveryRepository.recordFailed(tx, deliveryId, outcome, retryInMs);
      await this.enqueueJob(tx, deliveryId, new Date(this.clock.now().getTime() + retryInMs));
    });
  }

  /** Queues the delivery job at once (the one-hop send could not run): the delivery job takes over. */
  async queue(deliveryId: string): Promise<void> {
    await this.enqueueJob(this.ds.manager, deliveryId); // one statement: no transaction needed
  }

  /** The delivery's job, through the outbox, under its deterministic job id (at `runAt`, else now). */
  private enqueueJob(tx: Db, deliveryId: string, runAt?: Date): Promise<void> {
    return enqueue(tx, [{ kind: 'add', job: 'delivery.send', jobId: deliveryJobId(deliveryId), payload: { deliveryId }, ...(runAt ? { runAt } : {}) }]);
  }
}
