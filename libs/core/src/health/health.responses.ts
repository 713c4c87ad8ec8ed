import { z } from 'zod';
import { named } from '../http/response-schemas.js';

export const Health = named(
  'Health',
  z.object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['up', 'down']),
    queue: z.object({ backend: z.enum(['redis', 'postgres']), status: z.enum(['up', 'down']) }),
  }),
);
