import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';

export const AuditEntry = named(
  'AuditEntry',
  z.object({
    id: z.string().describe('Sequence number of the entry; a list read is kept as one row and reads as one entry per case shown, numbered `<row>.<k>`'),
    at: timestamp,
    userId: id.nullable(),
    agencyId: id.nullable(),
    action: z.string(),
    caseId: id.nullable(),
    resource: z.string().nullable(),
    resourceId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
  }),
  'Who read or changed what, when: ids, never personal data',
);

export const AuditList = named('AuditList', z.object({
    items: z.array(AuditEntry),
    total: z.number().int().describe('Counted up to 1,000'),
    totalCapped: z.boolean().optional().describe('True when more than `total` entries match'),
  }));
