import { importStatelyMachine } from '#pathway-tools';
import { DomainError } from '#core';

/** A pathway key: lowercase letters, digits and dashes, starting with a letter. */
export const PATHWAY_KEY = /^[a-z][a-z0-9-]{1,62}$/;

/** What an administrator imports: a `workflows/` definition or a Stately editor machine, and optional overrides. */
export interface ImportInput {
  definition?: unknown;
  stately?: unknown;
  key?: string;
  title?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The definition an import saves, and its key: a Stately machine is converted (refusing by name
 * what a pathway cannot run), a definition file gets the overriding key and title. 422 when the
 * machine cannot be converted or the result has no valid key; the definition itself is validated
 * when the draft is saved.
 */
export function resolveImport(input: ImportInput): { key: string; definition: unknown } {
  let definition: unknown;
  if (input.stately !== undefined) {
    const converted = importStatelyMachine(input.stately, { key: input.key, title: input.title });
    if (converted.errors.length > 0 || !converted.definition) {
      throw new DomainError('unprocessable', 'The Stately machine cannot be imported as a pathway', { errors: converted.errors });
    }
    definition = converted.definition;
  } else {
    definition = isRecord(input.definition)
      ? { ...input.definition, ...(input.key ? { key: input.key } : {}), ...(input.title ? { title: input.title } : {}) }
      : input.definition;
  }
  const key = isRecord(definition) ? definition.key : undefined;
  if (typeof key !== 'string' || !PATHWAY_KEY.test(key)) {
    throw new DomainError('unprocessable', 'The definition needs a pathway key: lowercase letters, digits and dashes (pass key to set it)', {
      errors: [{ path: '$.key', message: 'a pathway key, e.g. referral' }],
    });
  }
  return { key, definition };
}
