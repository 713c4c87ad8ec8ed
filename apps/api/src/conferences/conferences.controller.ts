import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodBody } from '#core';
import { type Actor, ConferenceService, IdempotencyService } from '#domain';
import { isValidDuration, parseDuration } from '#engine';
import { CurrentActor } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk } from '../common/openapi.js';
import { ApiIdempotent, ReplayableRequest, runOnce, type Replayable } from '../common/idempotent.js';
import { isoDateTime, shortText, uuid } from '../common/schemas.js';
import { Conference, ConferenceList } from './conferences.responses.js';

const when = isoDateTime.transform((v) => new Date(v));

const beforeOffset = z
  .string()
  .refine((v) => isValidDuration(v) && (v.startsWith('-') || parseDuration(v).duration.toMillis() === 0), {
    message: 'an ISO 8601 duration before the meeting, e.g. "-P1D" or "-PT2H"',
  });

export const ScheduleConference = z
  .object({
    scheduledAt: when,
    durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
    location: shortText(300).optional(),
    agencyIds: z.array(uuid).min(1).max(50).optional().describe('Invited agencies; default every agency taking part in the case'),
    reminders: z.array(beforeOffset).max(5).optional().describe('Reminders before the meeting to each invitee; default ["-P1D"]'),
  })
  .strict();

const MoveConference = z
  .object({
    scheduledAt: when,
    durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
    location: shortText(300).optional(),
  })
  .strict();

const Attendance = z
  .object({ agencyId: uuid, attended: z.boolean(), apologies: z.string().trim().max(1000).optional() })
  .strict();

const Decision = z.union([
  shortText(2000),
  z
    .object({
      text: shortText(2000),
      rationale: z.string().max(4000).optional(),
      dissent: z.string().max(4000).optional(),
      restrictedTo: z.array(uuid).min(1).max(50).optional().describe('Agencies (taking part in the case) this decision is restricted to; the recorder\'s agency is added. Absent for everyone else.'),
    })
    .strict(),
]);

const Minutes = z
  .object({
    text: shortText(50_000),
    decisions: z.array(Decision).max(100).default([]),
    actions: z.array(z.object({ title: shortText(200), agencyId: uuid, dueAt: when }).strict()).max(50).default([]),
  })
  .strict();

const CancelConference = z.object({ reason: z.string().trim().max(500).optional() }).strict().default({});
const caseId = new ZodPipe(uuid, 'Case id');
const conferenceId = new ZodPipe(uuid, 'Conference id');

@ApiTags('conferences')
@ApiBearerAuth()
@Controller('api')
export class ConferencesController {
  constructor(
    private readonly conferences: ConferenceService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('cases/:id/conferences')
  @ApiOperation({
    summary: 'Schedule a case conference (case managers)',
    description:
      'Invites the agencies (default: every participant) with a conference_invitation and an .ics, plans reminders before the meeting, and sets the case key date conferenceDate to the next scheduled conference, so due dates counted from it follow.',
  })
  @ApiZodBody(ScheduleConference)
  @ApiZodCreated(Conference, { description: 'The conference: `{id, caseId, scheduledAt, durationMinutes, location, status, sequence, agencyIds, invitees, attendance, minutes}`' })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  @ApiIdempotent()
  schedule(@Param('id', caseId) id: string, @Body(zodBody(ScheduleConference)) body: z.infer<typeof ScheduleConference>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.conferences.schedule(actor, id, body, runOnce(this.idempotency, request));
  }

  @Get('cases/:id/conferences')
  @ApiOperation({ summary: "The case's conferences, latest first" })
  @ApiZodOk(ConferenceList, { description: '`{items: [conference]}`' })
  @ApiProblems(401, 404)
  list(@Param('id', caseId) id: string, @CurrentActor() actor: Actor) {
    return this.conferences.list(actor, id);
  }

  @Get('conferences/:id')
  @ApiOperation({ summary: 'One conference with invitees, attendance and minutes' })
  @ApiZodOk(Conference)
  @ApiProblems(401, 404)
  get(@Param('id', conferenceId) id: string, @CurrentActor() actor: Actor) {
    return this.conferences.get(actor, id);
  }

  @Patch('conferences/:id')
  @ApiOperation({
    summary: 'Move a conference (case managers)',
    description:
      'SEQUENCE goes up; its reminders and the due dates counted back from it move in the same transaction; each invitee gets conference_changed.',
  })
  @ApiZodBody(MoveConference)
  @ApiZodOk(Conference)
  @ApiProblems(400, 401, 403, 404, 409)
  move(@Param('id', conferenceId) id: string, @Body(zodBody(MoveConference)) body: z.infer<typeof MoveConference>, @CurrentActor() actor: Actor) {
    return this.conferences.reschedule(actor, id, body);
  }

  @Post('conferences/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a scheduled conference (case managers)',
    description:
      'Its pending reminders are cancelled; each invitee gets conference_changed and its calendar file turns into METHOD:CANCEL with a higher SEQUENCE; conferenceDate moves to the next conference still ahead.',
  })
  @ApiZodBody(CancelConference)
  @ApiZodOk(Conference)
  @ApiProblems(400, 401, 403, 404, 409)
  @ApiIdempotent()
  cancel(@Param('id', conferenceId) id: string, @Body(zodBody(CancelConference)) body: z.infer<typeof CancelConference>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.conferences.cancel(actor, id, body, runOnce(this.idempotency, request));
  }

  @Post('conferences/:id/attendance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record whether an agency attended (case managers); quorum guards are re-evaluated' })
  @ApiZodBody(Attendance)
  @ApiZodOk(Conference)
  @ApiProblems(400, 401, 403, 404, 409, 422)
  @ApiIdempotent()
  attendance(@Param('id', conferenceId) id: string, @Body(zodBody(Attendance)) body: z.infer<typeof Attendance>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.conferences.recordAttendance(actor, id, body, runOnce(this.idempotency, request));
  }

  @Post('conferences/:id/minutes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record minutes (case managers): the conference is held; each action becomes a task for its agency, with reminders' })
  @ApiZodBody(Minutes)
  @ApiZodOk(Conference)
  @ApiProblems(400, 401, 403, 404, 409, 422)
  @ApiIdempotent()
  minutes(@Param('id', conferenceId) id: string, @Body(zodBody(Minutes)) body: z.infer<typeof Minutes>, @CurrentActor() actor: Actor, @ReplayableRequest() request: Replayable) {
    return this.conferences.recordMinutes(actor, id, body, runOnce(this.idempotency, request));
  }

  @Get('conferences/:id/invite.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="invite.ics"')
  @ApiOperation({ summary: 'The invitation as iCalendar (RFC 5545): a stable UID, SEQUENCE raised by every move' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiProblems(401, 404)
  invite(@Param('id', conferenceId) id: string, @CurrentActor() actor: Actor) {
    return this.conferences.invitation(actor, id);
  }
}
