import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodQuery } from '#core';
import { type Actor, NotificationService } from '#domain';
import { CurrentActor } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { pagination, uuid } from '../common/schemas.js';
import { NotificationList, NotificationRead, NotificationsRead } from './notifications.responses.js';

export const NotificationQuery = z
  .object({
    unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('Only unread ones'),
    ...pagination,
  })
  .strict();

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's agency's notifications, newest first, each with why it was sent",
    description:
      '`readAt` is the caller\'s own (read state is per person); `unread` counts the caller\'s unread ones, `total` those matching the query. `?unread=true` lists only unread ones.',
  })
  @ApiZodQuery(NotificationQuery)
  @ApiZodOk(NotificationList, {
    description:
      '`{items: [{id, kind, title, link, caseId, caseReference, taskId, conferenceId, dueAt, createdAt, readAt, why, rule}], total, unread}`',
  })
  @ApiProblems(400, 401)
  list(@Query(zodQuery(NotificationQuery)) query: z.infer<typeof NotificationQuery>, @CurrentActor() actor: Actor) {
    return this.notifications.list(actor, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: "Mark all of the agency's notifications read, for the caller" })
  @ApiZodOk(NotificationsRead, { description: '`{updated}`' })
  @ApiProblems(401)
  readAll(@CurrentActor() actor: Actor) {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one notification read, for the caller (colleagues keep their own read state)' })
  @ApiZodOk(NotificationRead, { description: '`{id, readAt}`' })
  @ApiProblems(401, 404)
  read(@Param('id', new ZodPipe(uuid, 'Notification id')) id: string, @CurrentActor() actor: Actor) {
    return this.notifications.markRead(actor, id);
  }
}
