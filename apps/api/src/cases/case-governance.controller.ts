import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { zodBody, ZodPipe, zodQuery } from '#core';
import { type Actor, CaseExportService, CaseNoteService, IdempotencyService } from '#domain';
import { CurrentActor, RequestId } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { ApiIdempotent, ReplayableRequest, runOnce, type Replayable } from '../common/idempotent.js';
import { pagination, shortText, uuid } from '../common/schemas.js';
import { CaseExport, CaseNote, CaseNoteList } from './cases.responses.js';

const AddNote = z
  .object({
    text: shortText(10_000),
    restrictedTo: z
      .array(uuid)
      .min(1)
      .max(50)
      .optional()
      .describe("Agencies taking part in the case this note is restricted to (the author's agency is added): for every other agency it is absent"),
  })
  .strict();

const NotesQuery = z.object({ ...pagination }).strict();
const caseId = new ZodPipe(uuid, 'Case id');

/** Case notes (restricted to named agencies or not) and the subject-access export (docs/governance.md). */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseGovernanceController {
  constructor(
    private readonly notes: CaseNoteService,
    private readonly exports: CaseExportService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post(':id/notes')
  @ApiOperation({
    summary: 'Add a note to the case (anyone who sees it)',
    description:
      'With `restrictedTo` the note exists only for the agencies named and the author\'s agency: for everyone else it is absent from notes, timeline, search and exports — not redacted, absent.',
  })
  @ApiZodBody(AddNote)
  @ApiZodCreated(CaseNote)
  @ApiProblems(400, 401, 404, 409, 422)
  @ApiIdempotent()
  add(@Param('id', caseId) id: string, @Body(zodBody(AddNote)) body: z.infer<typeof AddNote>, @CurrentActor() actor: Actor, @ReplayableRequest() call: Replayable) {
    return this.notes.add(actor, id, body, runOnce(this.idempotency, call));
  }

  @Get(':id/notes')
  @ApiOperation({ summary: "The case's notes the caller's agency may see, newest first (audited)" })
  @ApiZodQuery(NotesQuery)
  @ApiZodOk(CaseNoteList, { description: '`{items}`' })
  @ApiProblems(400, 401, 404)
  list(@Param('id', caseId) id: string, @Query(zodQuery(NotesQuery)) q: z.infer<typeof NotesQuery>, @CurrentActor() actor: Actor) {
    return this.notes.list(actor, id, q);
  }

  @Get(':id/export')
  @ApiOperation({
    summary: 'Subject-access export: everything Convene holds about the case, as one JSON document (case managers of the lead agency; audited)',
    description:
      'Restricted notes and decisions of other agencies are included, marked `restricted`, and `restricted.notice` says so. An erased case exports as `{id, reference, status: "erased", erasedAt}`.',
  })
  @ApiZodOk(CaseExport)
  @ApiProblems(401, 403, 404)
  export(@Param('id', caseId) id: string, @CurrentActor() actor: Actor, @RequestId() requestId?: string) {
    return this.exports.export(actor, id, { requestId });
  }
}
