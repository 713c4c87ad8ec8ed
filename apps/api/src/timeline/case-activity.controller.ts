import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodQuery } from '#core';
import { type Actor, CaseActivityService } from '#domain';
import { CurrentActor } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { uuid } from '../common/schemas.js';
import { ReminderList, Timeline } from './case-activity.responses.js';

export const TimelineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const RemindersQuery = z
  .object({
    status: z
      .enum(['active', 'pending', 'sent', 'cancelled', 'skipped', 'all'])
      .default('active')
      .describe('active (default) = pending and sent'),
  })
  .strict();

const caseId = new ZodPipe(uuid, 'Case id');

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseActivityController {
  constructor(private readonly activity: CaseActivityService) {}

  @Get(':id/timeline')
  @ApiOperation({
    summary: 'What happened on the case, newest first',
    description:
      'Merges transitions (from, to, actor), tasks opened/completed/cancelled, conferences scheduled/changed/attendance/minutes and notifications sent (with delivery status). Agency staff see only their agency\'s tasks and notifications.',
  })
  @ApiZodQuery(TimelineQuery)
  @ApiZodOk(Timeline, { description: '`{items: [{at, kind, ...}]}`' })
  @ApiProblems(400, 401, 404)
  timeline(@Param('id', caseId) id: string, @Query(zodQuery(TimelineQuery)) query: z.infer<typeof TimelineQuery>, @CurrentActor() actor: Actor) {
    return this.activity.timeline(actor, id, query);
  }

  @Get(':id/reminders')
  @ApiOperation({ summary: 'Reminders of the case, by due time, with the status of each delivery and why it is sent' })
  @ApiZodQuery(RemindersQuery)
  @ApiZodOk(ReminderList, {
    description:
      '`{items: [{id, kind, agencyId, taskId, conferenceId, dueAt, status, generation, sentAt, title, rule, why, delivery: [{channel, status, attempts, lastStatus, lastError, nextAttemptAt, deliveredAt}]}]}`',
  })
  @ApiProblems(400, 401, 404)
  reminders(@Param('id', caseId) id: string, @Query(zodQuery(RemindersQuery)) query: z.infer<typeof RemindersQuery>, @CurrentActor() actor: Actor) {
    return this.activity.reminders(actor, id, query.status);
  }
}
