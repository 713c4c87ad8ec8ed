import { z } from 'zod';
import { named } from './openapi.js';

/**
 * Pieces of response schemas. They describe the JSON a client receives: a `Date` is sent as an ISO
 * 8601 string (PostgreSQL's own JSON, e.g. in aggregated lists, writes the offset as `+00:00`).
 */
export const timestamp = z.iso.datetime({ offset: true });
export const id = z.uuid();
/** An XState state value: a string, or an object for nested and parallel states. */
export const stateValue = z.union([z.string(), z.record(z.string(), z.unknown())]).describe('XState state value: a string, or an object for nested states');
export const instanceStatus = z.enum(['active', 'done', 'cancelled']);
export const userRole = z.enum(['admin', 'case_manager', 'agency_staff']);

export const FieldError = named('FieldError', z.object({ path: z.string(), message: z.string() }), 'One invalid field: a JSON path and what is wrong');
