import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DomainError, zodBody, ZodPipe, zodQuery } from '#core';
import { type Actor, CaseService, IdempotencyService } from '#domain';
import { CurrentActor, RequestId } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { ApiIdempotent, onceCall, ReplayableRequest, runOnce, type Replayable } from '../common/idempotent.js';
import { isoDate, jsonObject, pagination, role, shortText, uuid } from '../common/schemas.js';
import { CaseCreated, CaseList, CaseRead, EventResult, ParticipantAdded, ParticipantRemoved, PathwayStarted } from './cases.responses.js';

const keyDates = z
  .record(z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'a camelCase key date name, e.g. releaseDate'), isoDate.or(z.iso.datetime({ offset: true })).nullable())
  .refine((v) => Object.keys(v).length <= 20, 'at most 20 key dates');

const Participant = z.object({ agencyId: uuid, role }).strict();

const basisName = z.enum(['consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests']);
const LawfulBasisBody = z
  .object({
    basis: z.enum([...basisName.options, 'none']).describe('"none": no basis holds any more (consent withdrawn): only the lead agency is notified'),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

export const CreateCase = z
  .object({
    subject: z.object({ name: shortText(200), dateOfBirth: isoDate.optional() }).strict(),
    leadAgencyId: uuid,
    participants: z.array(Participant).max(50).default([]),
    keyDates: keyDates.optional(),
    lawfulBasis: z.union([basisName, LawfulBasisBody]).optional(),
  })
  .strict();

export const CaseQuery = z
  .object({
    status: z.enum(['open', 'closed', 'erased']).optional(),
    pathway: z.string().max(63).optional(),
    state: z.string().max(100).optional(),
    agencyId: uuid.optional(),
    overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    q: z.string().max(50).optional().describe("Part of the case reference, the subject's name, or a note the caller's agency may see"),
    ...pagination,
  })
  .strict();

const UpdateCase = z
  .object({ keyDates: keyDates.optional(), lawfulBasis: LawfulBasisBody.optional() })
  .strict()
  .refine((v) => v.keyDates !== undefined || v.lawfulBasis !== undefined, 'give keyDates, lawfulBasis or both');
const StartPathway = z.object({ key: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'a pathway key, e.g. referral') }).strict();
export const SendEvent = z
  .object({
    instanceId: uuid,
    type: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'an event name, e.g. ACCEPT'),
    data: jsonObject.optional(),
  })
  .strict();

const caseId = new ZodPipe(uuid, 'Case id');

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new DomainError('bad_request', 'If-Match must be the instance revision, e.g. If-Match: 3');
  return Number(match[1]);
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(
    private readonly cases: CaseService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open a case (case managers). The lead agency takes part as coordinator unless listed.' })
  @ApiZodBody(CreateCase)
  @ApiZodCreated(CaseCreated, {
    description:
      'The case, with a readable reference such as CNV-2026-0001 and status "open"; `possibleRepeatOf` lists cases of the same person opened in the last 12 months that the caller can see (a repeat referral, DOMAIN practice)',
  })
  @ApiProblems(400, 401, 403, 422)
  @ApiIdempotent()
  create(@Body(zodBody(CreateCase)) body: z.infer<typeof CreateCase>, @CurrentActor() actor: Actor, @ReplayableRequest() call: Replayable) {
    return this.cases.create(actor, body, runOnce(this.idempotency, call));
  }

  @Get()
  @ApiOperation({ summary: 'Cases the caller may see, newest first, with filters and pagination' })
  @ApiZodQuery(CaseQuery)
  @ApiZodOk(CaseList, { description: '`{items, total, totalCapped, limit, offset}`; total counts at most 1,000 (totalCapped: true beyond)' })
  @ApiProblems(400, 401)
  list(@Query(zodQuery(CaseQuery)) query: z.infer<typeof CaseQuery>, @CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.cases.list(actor, query, { requestId });
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Case detail: participants, key dates, each pathway with its state and the events allowed now',
    description: 'Each pathway carries `allowedEvents` (guards pass now) and `availableEvents` (every event of the current state, refused ones with `enabled: false` and the reason).',
  })
  @ApiZodOk(CaseRead, { description: 'The case detail; an erased case answers `{id, reference, status: "erased", erasedAt}` and nothing else' })
  @ApiProblems(401, 404)
  detail(@Param('id', caseId) id: string, @CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.cases.show(actor, id, { requestId });
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change key dates (null removes one) and/or the lawful basis; guards that read them are re-evaluated',
    description:
      'Every lawful basis recorded is kept with who and when (`lawfulBasisHistory`). `{lawfulBasis: {basis: "none"}}` records that no basis holds any more (consent withdrawn): until one is recorded again no notification about the case goes to any agency but the lead, and `notificationsWithheld` says why. Key date `legalHold` (any date) holds the case back from erasure.',
  })
  @ApiZodBody(UpdateCase)
  @ApiZodOk(CaseRead, { description: 'The case detail (or, when lifting a legal hold let the closure pathway erase it, the erased stub)' })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  update(@Param('id', caseId) id: string, @Body(zodBody(UpdateCase)) body: z.infer<typeof UpdateCase>, @CurrentActor() actor: Actor) {
    return this.cases.update(actor, id, body);
  }

  @Post(':id/participants')
  @ApiOperation({ summary: 'Add an agency in a role; open tasks waiting for that role are assigned to it' })
  @ApiZodBody(Participant)
  @ApiZodCreated(ParticipantAdded, { description: '`{caseId, agencyId, role, assignedTasks}`' })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  @ApiIdempotent()
  addParticipant(
    @Param('id', caseId) id: string,
    @Body(zodBody(Participant)) body: z.infer<typeof Participant>,
    @CurrentActor() actor: Actor,
    @ReplayableRequest() call: Replayable,
  ) {
    return this.cases.addParticipant(actor, id, body, runOnce(this.idempotency, call));
  }

  @Delete(':id/participants/:agencyId')
  @ApiOperation({ summary: 'Remove an agency: it loses access; its open tasks are reassigned within the role or cancelled' })
  @ApiZodOk(ParticipantRemoved, { description: '`{reassigned, cancelled}`' })
  @ApiProblems(401, 403, 404, 422)
  removeParticipant(
    @Param('id', caseId) id: string,
    @Param('agencyId', new ZodPipe(uuid, 'Agency id')) agencyId: string,
    @CurrentActor() actor: Actor,
  ) {
    return this.cases.removeParticipant(actor, id, agencyId);
  }

  @Post(':id/pathways')
  @ApiOperation({ summary: 'Start a pathway on the case with its published version' })
  @ApiZodBody(StartPathway)
  @ApiZodCreated(PathwayStarted, { description: '`{instanceId, key, version, state, status, revision}`' })
  @ApiProblems(400, 401, 403, 404, 409, 422)
  @ApiIdempotent()
  startPathway(
    @Param('id', caseId) id: string,
    @Body(zodBody(StartPathway)) body: z.infer<typeof StartPathway>,
    @CurrentActor() actor: Actor,
    @ReplayableRequest() call: Replayable,
  ) {
    return this.cases.startPathway(actor, id, body.key, runOnce(this.idempotency, call));
  }

  @Post(':id/events')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send an event to a pathway instance',
    description:
      'Who may send it comes from the transition\'s meta.roles (default case managers). 422 when the event is not allowed now or a guard refuses (detail says why); 409 when If-Match names a stale revision or a concurrent change won.',
  })
  @ApiIdempotent()
  @ApiHeader({ name: 'If-Match', required: false, description: 'The instance revision you saw; 409 when it changed' })
  @ApiZodBody(SendEvent)
  @ApiZodOk(EventResult, { description: '`{instanceId, state, status, allowedEvents, availableEvents, revision}`: allowedEvents are the events whose guards pass now; availableEvents adds the refused ones with `enabled: false` and the reason' })
  @ApiProblems(400, 401, 404, 409, 422)
  async sendEvent(
    @Param('id', caseId) id: string,
    @Body(zodBody(SendEvent)) body: z.infer<typeof SendEvent>,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @ReplayableRequest() call: Replayable,
  ) {
    const expected = parseIfMatch(ifMatch);
    const replayable = { ...call, request: { ...call.request, expected } };
    const view = await this.cases.sendEvent(actor, id, body.instanceId, { type: body.type, data: body.data }, expected, onceCall(this.idempotency, replayable));
    call.res.setHeader('ETag', `"${view.revision}"`);
    return view;
  }
}
