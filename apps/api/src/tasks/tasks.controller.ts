import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodBody, zodQuery } from '#core';
import { type Actor, IdempotencyService, TaskService } from '#domain';
import { CurrentActor } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { ApiIdempotent, ReplayableRequest, runOnce, type Replayable } from '../common/idempotent.js';
import { pagination, uuid } from '../common/schemas.js';
import { Task, TaskList } from './tasks.responses.js';

export const TaskQuery = z
  .object({
    status: z.enum(['open', 'overdue', 'done', 'cancelled']).optional(),
    caseId: uuid.optional(),
    agencyId: uuid.optional(),
    ...pagination,
  })
  .strict();

const CompleteTask = z
  .object({ outcome: z.string().trim().max(200).optional(), note: z.string().max(5000).optional() })
  .strict()
  .default({});
const ExtendTask = z
  .object({
    dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with zone, e.g. 2027-01-15T10:00:00Z' }),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();
const ReassignTask = z.object({ agencyId: uuid, reason: z.string().trim().min(1).max(500).optional() }).strict();
const taskId = new ZodPipe(uuid, 'Task id');

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TaskService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Get()
  @ApiOperation({ summary: "Task inbox: agency staff see their agency's tasks; case managers the tasks of their cases" })
  @ApiZodQuery(TaskQuery)
  @ApiZodOk(TaskList, { description: '`{items: [{id, caseId, title, assigneeAgencyId, dueAt, status}], total, totalCapped}`; status is open, overdue, done or cancelled; total counts at most 1,000 (totalCapped: true beyond)' })
  @ApiProblems(400, 401)
  list(@Query(zodQuery(TaskQuery)) query: z.infer<typeof TaskQuery>, @CurrentActor() actor: Actor) {
    return this.tasks.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One task' })
  @ApiZodOk(Task)
  @ApiProblems(401, 404)
  get(@Param('id', taskId) id: string, @CurrentActor() actor: Actor) {
    return this.tasks.get(actor, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge a task: the agency has seen it and will act' })
  @ApiZodOk(Task)
  @ApiProblems(401, 404)
  @ApiIdempotent()
  acknowledge(@Param('id', taskId) id: string, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.tasks.acknowledge(actor, id, runOnce(this.idempotency, request));
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a task with an outcome and note; its pending reminders are cancelled' })
  @ApiZodBody(CompleteTask)
  @ApiZodOk(Task)
  @ApiProblems(400, 401, 404, 409)
  @ApiIdempotent()
  complete(@Param('id', taskId) id: string, @Body(zodBody(CompleteTask)) body: z.infer<typeof CompleteTask>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.tasks.complete(actor, id, body, runOnce(this.idempotency, request));
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Extend (or bring forward) a task's due date, with a reason (case managers)",
    description:
      "The task's pending reminders, overdue notices and escalations move with it; a date set this way is no longer moved by the key date the task was counted from. In the event log and the audit log.",
  })
  @ApiZodBody(ExtendTask)
  @ApiZodOk(Task, { description: 'The task, with its new `dueAt`' })
  @ApiProblems(400, 401, 403, 404, 409)
  extend(@Param('id', taskId) id: string, @Body(zodBody(ExtendTask)) body: z.infer<typeof ExtendTask>, @CurrentActor() actor: Actor) {
    return this.tasks.extend(actor, id, { dueAt: new Date(body.dueAt), reason: body.reason });
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hand a task to another agency of the case (case managers)',
    description: 'Its pending reminders and escalation rungs are cancelled; the new agency is told (task_assigned) and reminded from now on. 422 when the agency does not take part in the case.',
  })
  @ApiZodBody(ReassignTask)
  @ApiIdempotent()
  @ApiZodOk(Task, { description: 'The task, with its new `assigneeAgencyId`' })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  reassign(@Param('id', taskId) id: string, @Body(zodBody(ReassignTask)) body: z.infer<typeof ReassignTask>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.tasks.reassign(actor, id, body, runOnce(this.idempotency, request));
  }
}
