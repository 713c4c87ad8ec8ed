import { describe, expect, it } from '@jest/globals';
import { toProblem } from '../../../libs/core/src/http/problem.filter.js';

describe('toProblem', () => {
  it('answers a transaction PostgreSQL aborted for a concurrent one (deadlock, serialization) with a 409', () => {
    for (const code of ['40P01', '40001']) {
      const p = toProblem(Object.assign(new Error('deadlock detected'), { code }));
      expect(p).toMatchObject({ status: 409, type: 'https://convene.dev/problems/conflict', retryable: true });
      expect(p.detail).toMatch(/try again/i);
      expect(JSON.stringify(p)).not.toContain('deadlock detected');
    }
  });

  it('answers a unique violation that escaped the services (a lost creation race) with a 409', () => {
    const p = toProblem(Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' }));
    expect(p).toMatchObject({ status: 409, type: 'https://convene.dev/problems/conflict' });
    expect(p.retryable).toBeUndefined();
    expect(JSON.stringify(p)).not.toContain('duplicate key');
  });

  it('answers any other database failure with a bare 500 that names nothing', () => {
    const p = toProblem(Object.assign(new Error('relation "cases" does not exist'), { code: '42P01' }));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p)).not.toContain('cases');
  });
});
