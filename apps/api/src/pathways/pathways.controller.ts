import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodBody, zodQuery } from '#core';
import { type Actor, PATHWAY_KEY, PathwayCatalog } from '#domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { pagination } from '../common/schemas.js';
import { DraftCreated, PathwayDetail, PathwayDiagram, PathwayDiff, PathwayHistory, PathwayList, PathwayVersion, ValidationResult, VersionPublished, VersionRetired } from './pathways.responses.js';

const key = new ZodPipe(z.string().regex(PATHWAY_KEY, 'a pathway key, e.g. referral'), 'Pathway key');
const version = new ZodPipe(z.coerce.number().int().min(1).max(1_000_000), 'Version');
/** Route parameter pipes, shared with the other pathway administration controllers. */
export { key as pathwayKeyPipe, version as versionPipe };
// The definition itself is checked by the engine's validator, which reports every error with its path.
const DefinitionBody = z.object({ definition: z.unknown() }).strict();
const DiffQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }).strict();
// Body optional: an empty POST retires a draft or an old version.
const RetireBody = z
  .object({ force: z.boolean().optional(), reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .optional()
  .transform((b) => b ?? {});
const HistoryQuery = z.object({ ...pagination }).strict();
const DiagramQuery = z.object({ highlight: z.string().max(500).optional().describe('Comma-separated state paths to highlight') }).strict();

@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/pathways')
export class PathwaysController {
  constructor(private readonly catalog: PathwayCatalog) {}

  @Get()
  @ApiOperation({ summary: 'Pathways with their published and latest versions' })
  @ApiZodOk(PathwayList, { description: '`{items: [{key, title, publishedVersion, latestVersion}]}`' })
  @ApiProblems(401)
  async list() {
    return { items: await this.catalog.list() };
  }

  @Post('validate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Validate a definition without saving it: every error with its JSON path' })
  @ApiZodBody(DefinitionBody)
  @ApiZodOk(ValidationResult, { description: '`{valid, errors: [{path, message}]}`' })
  @ApiProblems(400, 401, 403)
  validate(@Body(zodBody(DefinitionBody)) body: z.infer<typeof DefinitionBody>) {
    return this.catalog.validate(body.definition);
  }

  @Get(':key')
  @ApiOperation({ summary: 'A pathway and its versions' })
  @ApiZodOk(PathwayDetail, { description: '`{key, title, publishedVersion, versions: [{version, status, createdAt, publishedAt}]}`' })
  @ApiProblems(401, 404)
  get(@Param('key', key) k: string) {
    return this.catalog.pathway(k);
  }

  @Get(':key/versions/:version')
  @ApiOperation({ summary: 'One version with its definition' })
  @ApiZodOk(PathwayVersion, { description: '`{key, version, status, definition}`' })
  @ApiProblems(401, 404)
  version(@Param('key', key) k: string, @Param('version', version) v: number) {
    return this.catalog.versionView(k, v);
  }

  @Post(':key/versions')
  @Roles('admin')
  @ApiOperation({ summary: 'Save a definition as a new draft version (the first version creates the pathway)' })
  @ApiZodBody(DefinitionBody)
  @ApiZodCreated(DraftCreated, { description: '`{key, version, status: "draft"}`' })
  @ApiProblems(400, 401, 403, 422)
  create(@Param('key', key) k: string, @Body(zodBody(DefinitionBody)) body: z.infer<typeof DefinitionBody>, @CurrentActor() actor: Actor) {
    // The catalog writes the audit entry (who, checksum, what changed) in the same transaction.
    return this.catalog.saveDraft(actor, k, body.definition);
  }

  @Post(':key/versions/:version/publish')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Publish a version: new instances use it; running instances stay on theirs; the previous one is retired' })
  @ApiZodOk(VersionPublished)
  @ApiProblems(401, 403, 404)
  publish(@Param('key', key) k: string, @Param('version', version) v: number, @CurrentActor() actor: Actor) {
    return this.catalog.publishVersion(actor, k, v);
  }

  @Post(':key/versions/:version/retire')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Retire a version: it takes no new instances; running instances keep it until migrated',
    description:
      'A draft or an old version retires at once. The published version is refused with 409 unless `force: true`: ' +
      'without a published version no new instance of the pathway can start. Retiring a retired version changes nothing.',
  })
  @ApiZodBody(RetireBody)
  @ApiZodOk(VersionRetired, { description: '`{key, version, status: "retired", runningInstances, changed}`' })
  @ApiProblems(400, 401, 403, 404, 409)
  retire(
    @Param('key', key) k: string,
    @Param('version', version) v: number,
    @Body(zodBody(RetireBody)) body: z.infer<typeof RetireBody>,
    @CurrentActor() actor: Actor,
  ) {
    return this.catalog.retireVersion(actor, k, v, body);
  }

  @Get(':key/history')
  @Roles('admin')
  @ApiOperation({ summary: 'Audit trail of a pathway, newest first: drafts, publications, retirements, imports, migrations — who, when, what' })
  @ApiZodQuery(HistoryQuery)
  @ApiZodOk(PathwayHistory, { description: '`{items: [{id, at, action, version, user: {id, name, email} | null, detail}], total}`' })
  @ApiProblems(400, 401, 403, 404)
  history(@Param('key', key) k: string, @Query(zodQuery(HistoryQuery)) q: z.infer<typeof HistoryQuery>) {
    return this.catalog.history(k, q);
  }

  @Get(':key/versions/:version/diagram')
  @ApiOperation({ summary: 'Diagram of a version: Mermaid state-diagram text and a rendered SVG, with task counts per state' })
  @ApiZodQuery(DiagramQuery)
  @ApiZodOk(PathwayDiagram, { description: '`{key, version, mermaid, svg, states: [{id, title, tasks}]}`' })
  @ApiProblems(401, 404)
  diagram(@Param('key', key) k: string, @Param('version', version) v: number, @Query(zodQuery(DiagramQuery)) q: z.infer<typeof DiagramQuery>) {
    const highlight = q.highlight ? q.highlight.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    return this.catalog.diagram(k, v, highlight);
  }

  @Get(':key/diff')
  @ApiOperation({ summary: 'What changed between two versions: states, transitions, timers, tasks — as JSON and as text' })
  @ApiZodQuery(DiffQuery)
  @ApiZodOk(PathwayDiff, { description: '`{from, to, changes, text}`' })
  @ApiProblems(400, 401, 404)
  diff(@Param('key', key) k: string, @Query(zodQuery(DiffQuery)) q: z.infer<typeof DiffQuery>) {
    return this.catalog.diff(k, q.from, q.to);
  }
}
