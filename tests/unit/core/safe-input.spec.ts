import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { clientErrorProblem } from '../../../libs/core/src/http/client-error.js';
import { DomainError } from '../../../libs/core/src/http/domain-error.js';
import { MAX_INPUT_DEPTH, unsafeInputErrors } from '../../../libs/core/src/http/safe-input.js';
import { ZodPipe, zodQuery } from '../../../libs/core/src/http/zod.pipe.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('unsafeInputErrors', () => {
  it('names every string with a NUL or a lone surrogate by its JSON path', () => {
    const errors = unsafeInputErrors({ subject: { name: 'a\u0000b' }, participants: [{ role: 'ok' }, { role: '\ud800' }], note: 'x\udfffy' });
    expect(errors).toEqual([
      { path: '$.subject.name', message: expect.stringMatching(/NUL/) },
      { path: '$.participants[1].role', message: expect.stringMatching(/surrogate/) },
      { path: '$.note', message: expect.stringMatching(/surrogate/) },
    ]);
  });

  it('accepts surrogate pairs (emoji), other control characters and every other kind of value', () => {
    expect(unsafeInputErrors({ name: 'Zoë 😀 \t\n', n: 1, b: true, z: null, list: ['ü', '中文'] })).toEqual([]);
    expect(unsafeInputErrors(undefined)).toEqual([]);
  });

  it('refuses a field name with a NUL without echoing it', () => {
    const errors = unsafeInputErrors({ data: { 'a\u0000b': 1 } });
    expect(errors).toEqual([{ path: '$.data', message: expect.stringMatching(/^field names .*NUL/) }]);
  });

  it('refuses nesting deeper than the limit, and walks no further', () => {
    expect(unsafeInputErrors(nested(MAX_INPUT_DEPTH))).toEqual([]);
    const errors = unsafeInputErrors(nested(100_000));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/nested too deeply/);
  });

  it('caps the number of errors it lists', () => {
    expect(unsafeInputErrors(Array.from({ length: 1000 }, () => '\u0000')).length).toBeLessThanOrEqual(20);
  });
});

describe('ZodPipe', () => {
  it('refuses unstorable strings even where the schema accepts anything', () => {
    const pipe = new ZodPipe(z.object({ definition: z.unknown() }));
    const error = thrown(() => pipe.transform({ definition: { title: 'x\u0000' } }));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).status).toBe(400);
    expect((error as DomainError).extra.errors).toEqual([{ path: '$.definition.title', message: expect.stringMatching(/NUL/) }]);
    expect(pipe.transform({ definition: { title: 'fine' } })).toEqual({ definition: { title: 'fine' } });
  });

  it('says which request part was refused', () => {
    expect(() => zodQuery(z.object({ q: z.string() })).transform({ q: 'a\u0000' })).toThrow('Query is invalid');
  });
});

describe('clientErrorProblem', () => {
  it('answers an oversized URL or header section with 431 and anything else the parser refuses with 400', () => {
    expect(clientErrorProblem('HPE_HEADER_OVERFLOW')).toMatchObject({ status: 431, title: 'Request header fields too large' });
    expect(clientErrorProblem('HPE_INVALID_HEADER_TOKEN')).toMatchObject({ status: 400, title: 'Bad request' });
    expect(clientErrorProblem(undefined)).toMatchObject({ status: 400, type: 'https://convene.dev/problems/bad-request' });
  });
});
