import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { zodBody } from '#core';
import { type Actor, PATHWAY_KEY, PathwayCatalog } from '#domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk } from '../common/openapi.js';
import { pathwayKeyPipe, versionPipe } from './pathways.controller.js';
import { PathwayDefinition as PathwayDefinitionFile, PathwayImported } from './pathways.responses.js';

const ImportBody = z
  .object({
    definition: z.unknown().optional().describe('A definition in the workflows/ format: {key, title, description?, machine}'),
    stately: z.unknown().optional().describe('A machine exported from the Stately editor (JSON, or the JSON text)'),
    key: z.string().regex(PATHWAY_KEY, 'a pathway key, e.g. referral').optional().describe("Pathway key; overrides the definition's"),
    title: z.string().trim().min(1).max(200).optional().describe("Pathway title; overrides the definition's"),
  })
  .strict()
  .refine((b) => (b.definition === undefined) !== (b.stately === undefined), { message: 'pass either definition or stately', path: ['definition'] });

@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/pathways')
export class PathwayFilesController {
  constructor(private readonly catalog: PathwayCatalog) {}

  @Get(':key/versions/:version/export')
  @ApiOperation({ summary: 'Download a version as a workflows/-format JSON file (`<key>.json`), ready to import or to put in workflows/' })
  @ApiProduces('application/json')
  @ApiZodOk(PathwayDefinitionFile, { description: 'The definition `{key, title, description?, machine}` as an attachment' })
  @ApiProblems(401, 404)
  async export(@Param('key', pathwayKeyPipe) key: string, @Param('version', versionPipe) version: number, @Res({ passthrough: true }) res: Response) {
    const file = await this.catalog.exportFile(key, version);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('X-Pathway-Version', String(file.version));
    res.setHeader('X-Pathway-Status', file.status);
    return file.body;
  }

  @Post('import')
  @Roles('admin')
  @ApiOperation({
    summary: 'Import a definition file or a Stately editor machine as a new draft version',
    description:
      'Pass `definition` (workflows/ format) or `stately` (machine JSON from the Stately editor). `key` and `title` override the ' +
      "file's. 422 with the JSON path of every problem: Stately features a pathway cannot run (invoke, actors, history states, " +
      'inline code) are refused by name. The first version of a new key creates the pathway.',
  })
  @ApiZodBody(ImportBody)
  @ApiZodCreated(PathwayImported, { description: '`{key, version, status: "draft", checksum, createdPathway, definition}`' })
  @ApiProblems(400, 401, 403, 422)
  import(@Body(zodBody(ImportBody)) body: z.infer<typeof ImportBody>, @CurrentActor() actor: Actor) {
    return this.catalog.importDraft(actor, body);
  }
}
