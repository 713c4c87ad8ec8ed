import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, type FieldError } from './domain-error.js';
import { unsafeInputErrors } from './safe-input.js';

/** Formats zod issues as `{path, message}` with a JSON-path-like path (`$.participants[0].role`). */
export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: toPath(issue.path), message: issue.message }));
}

function toPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    '$',
  );
}

/**
 * Validates and parses a request part with a zod schema; 400 problem JSON listing each error.
 * Before the schema, every string in the input is checked for what PostgreSQL cannot store (NUL,
 * unpaired surrogates) and the nesting for its depth, so no schema has to remember either.
 */
@Injectable()
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'Request body',
  ) {}

  transform(value: unknown): z.infer<T> {
    const unsafe = unsafeInputErrors(value);
    if (unsafe.length > 0) throw new DomainError('bad_request', `${this.what} is invalid`, { errors: unsafe });
    const result = this.schema.safeParse(value);
    if (!result.success) {
      throw new DomainError('bad_request', `${this.what} is invalid`, { errors: zodErrors(result.error) });
    }
    return result.data;
  }
}

export const zodBody = <T extends z.ZodType>(schema: T) => new ZodPipe(schema);
export const zodQuery = <T extends z.ZodType>(schema: T) => new ZodPipe(schema, 'Query');
