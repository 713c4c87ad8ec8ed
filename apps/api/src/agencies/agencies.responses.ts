import { z } from 'zod';
import { AGENCY_KINDS } from '#domain';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';

export const DeliveryHours = named(
  'DeliveryHours',
  z.union([
    z.literal('always'),
    z.object({ days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])), from: z.string(), to: z.string() }),
  ]),
  '`"always"`, or the days and local opening hours (HH:MM) in the agency\'s time zone',
);

export const Agency = named(
  'Agency',
  z.object({
    id,
    name: z.string(),
    kind: z.enum(AGENCY_KINDS),
    email: z.string().nullable(),
    webhookUrl: z.string().nullable(),
    hasWebhookSecret: z.boolean().describe('The secret itself is never returned'),
    locale: z.string(),
    timezone: z.string(),
    country: z.string(),
    deliveryHours: DeliveryHours.nullable().describe('null: the default office hours (Monday to Friday, 08:00–18:00)'),
    active: z.boolean(),
    webhookSecretChangedAt: timestamp.nullable(),
    createdAt: timestamp,
  }),
  'An agency of the partnership; its webhook secret is never returned',
);

export const AgencyList = named('AgencyList', z.object({ items: z.array(Agency) }));
