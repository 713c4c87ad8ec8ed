import { describe, expect, it } from '@jest/globals';
import { Batcher } from '../../../apps/worker/src/jobs/batcher.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Batcher (group commit of jobs running together)', () => {
  it('runs an item alone at once, and gathers the items that arrive while a batch runs', async () => {
    const batches: number[][] = [];
    const b = new Batcher(async (items: number[]) => {
      batches.push(items);
      await tick();
      return items.map((i) => i * 10);
    }, { maxBatch: 100, maxInFlight: 1 });
    const outputs = await Promise.all([1, 2, 3, 4].map((i) => b.submit(i)));
    expect(outputs).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within maxBatch', async () => {
    const sizes: number[] = [];
    const b = new Batcher(async (items: number[]) => {
      sizes.push(items.length);
      await tick();
      return items;
    }, { maxBatch: 3, maxInFlight: 1 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => b.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, n) => a + n, 0)).toBe(8);
  });

  it('fails only the item that fails a batch: the others are run again one by one and succeed', async () => {
    const b = new Batcher(async (items: number[]) => {
      await tick();
      if (items.includes(3)) throw new Error('bad item');
      return items;
    }, { maxBatch: 100, maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => b.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });
});
