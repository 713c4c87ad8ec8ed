import { z } from 'zod';

/** Shared request pieces: sizes are capped so no request can carry unbounded strings. */
export const uuid = z.uuid({ message: 'must be a UUID' });
export const shortText = (max = 200) => z.string().trim().min(1).max(max);
export const isoDate = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with zone, e.g. 2027-01-15T10:00:00Z' });
export const role = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _, e.g. probation');

export const pagination = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** A bounded JSON object (event data): at most 50 keys, nested at most 4 deep, 16 KiB serialised. */
export const jsonObject = z
  .record(z.string().max(100), z.unknown())
  .refine((v) => Object.keys(v).length <= 50, 'at most 50 fields')
  .refine((v) => depth(v) <= 4, 'nested too deeply (at most 4 levels)')
  .refine((v) => JSON.stringify(v).length <= 16_384, 'at most 16 KiB');

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depth(child)), 0);
}
