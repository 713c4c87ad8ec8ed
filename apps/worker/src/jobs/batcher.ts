/**
 * Group commit for jobs that run at the same time: `submit` queues one item; when fewer than
 * `maxInFlight` batches are running, everything waiting (up to `maxBatch`) goes to `run` as one
 * batch. An item arriving alone, on an idle worker, runs at once (no waiting for company); under
 * load, items pile up while a batch runs and the next batch takes them all.
 *
 * A batch that throws is run again item by item, so one bad item fails only its own job.
 *
 * @example
 * const record = new Batcher((ids: string[]) => repo.recordMany(ids).then(() => ids.map(() => undefined)));
 * await record.submit(deliveryId);
 */
export class Batcher<I, O> {
  private waiting: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    /** Returns one output per input, in order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: { maxBatch: number; maxInFlight: number } = { maxBatch: 64, maxInFlight: 2 },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      const outputs = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(outputs[i] as O));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One at a time, so an item that fails the batch fails only its own job.
      for (const b of batch) {
        try {
          b.resolve((await this.run([b.item]))[0] as O);
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }
}
