import { ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * Response schemas by name: each one a decorator names becomes `components.schemas.<name>` of the
 * OpenAPI document (and so a type in the web app's generated client). They describe the JSON on
 * the wire: dates are ISO 8601 strings.
 */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

/** Registers a response schema under its name (the name clients see in the generated types). */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responseSchemas.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

const ref = (schema: z.ZodType) => {
  const meta = responseSchemas.get(schema);
  if (!meta) throw new Error('A response schema must be registered with named() first');
  return { $ref: `#/components/schemas/${meta.id}` };
};

type ResponseOptions = { description?: string };

/** Documents a JSON response body by its named zod schema (see {@link named}). */
export const ApiZodResponse = (status: number, schema: z.ZodType, options: ResponseOptions = {}) =>
  ApiResponse({ status, description: options.description ?? 'OK', content: { 'application/json': { schema: ref(schema) } } });

export const ApiZodOk = (schema: z.ZodType, options: ResponseOptions = {}) => ApiZodResponse(200, schema, options);
export const ApiZodCreated = (schema: z.ZodType, options: ResponseOptions = {}) => ApiZodResponse(201, schema, { description: 'Created', ...options });

/** JSON Schemas of every registered response schema, for `components.schemas` (OpenAPI 3.0 dialect). */
export function responseComponents(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(responseSchemas, {
    io: 'output',
    target: 'openapi-3.0',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    // Formats say it; the regular expressions zod would add for them are noise to readers and generators.
    override: ({ jsonSchema }) => {
      if (typeof jsonSchema.format === 'string') delete jsonSchema.pattern;
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema as Record<string, unknown>]),
  );
}
