import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { zodQuery } from '#core';
import { AuditService } from '#domain';
import { Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { pagination, uuid } from '../common/schemas.js';
import { AuditList } from './audit.responses.js';

const AuditQuery = z
  .object({
    caseId: uuid.optional(),
    userId: uuid.optional(),
    action: z.string().max(64).optional(),
    from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
    to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
    ...pagination,
  })
  .strict();

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log (administrators): every read of case detail and every write, newest first' })
  @ApiZodQuery(AuditQuery)
  @ApiZodOk(AuditList, { description: '`{items: [{at, userId, agencyId, action, caseId, resource, resourceId}], total, totalCapped}`; total counts at most 1,000 (totalCapped: true beyond)' })
  @ApiProblems(400, 401, 403)
  list(@Query(zodQuery(AuditQuery)) q: z.infer<typeof AuditQuery>) {
    return this.audit.search(q);
  }
}
