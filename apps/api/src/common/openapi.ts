import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** JSON Schema of a zod schema, for the OpenAPI document (the same schema validates the request). */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const ApiZodBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: jsonSchema(schema), description });

/** Documents each key of a zod object schema as a query parameter. */
export function ApiZodQuery(schema: z.ZodObject) {
  const shape = (jsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
  return applyDecorators(
    ...Object.entries(shape).map(([name, s]) =>
      ApiQuery({ name, required: false, schema: s, description: typeof s.description === 'string' ? s.description : undefined }),
    ),
  );
}

const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Documents problem JSON responses for the given statuses. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: PROBLEM_TEXT[status] ?? 'Problem', content: { 'application/problem+json': { schema: problemSchema } } }),
    ),
  );

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input (errors list each field)',
  401: 'Not logged in, or the token expired',
  403: 'Your role may not do this',
  404: 'Not found, or not visible to you',
  409: 'Conflict: stale revision or duplicate',
  413: 'Request body too large',
  422: 'Refused: the reason is in detail',
  429: 'Too many requests',
};


export { ApiZodCreated, ApiZodOk, ApiZodResponse, named, responseComponents, responseSchemas } from '#core';
