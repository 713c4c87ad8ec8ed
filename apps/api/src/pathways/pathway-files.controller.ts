import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainError } from '../../../../libs/core/src/http/domain-error.js';
import { zodBody } from '../../../../libs/core/src/http/zod.pipe.js';
import type { PathwayDefinition } from '../../../../libs/engine/src/index.js';
import { importStatelyMachine } from '../../../../libs/pathway-tools/src/index.js';
import { one } from '../../../../libs/domain/src/db.js';
import type { Actor } from '../../../../libs/domain/src/identity/actor.js';
import { PathwayCatalog } from '../../../../libs/domain/src/pathways/pathway-catalog.service.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk } from '../common/openapi.js';
import { pathwayKeyPipe, versionPipe } from './pathways.controller.js';
import { PathwayDefinition as PathwayDefinitionFile, PathwayImported } from './pathways.responses.js';

const KEY = /^[a-z][a-z0-9-]{1,62}$/;

const ImportBody = z
  .object({
    definition: z.unknown().optional().describe('A definition in the workflows/ format: {key, title, description?, machine}'),
    stately: z.unknown().optional().describe('A machine exported from the Stately editor (JSON, or the JSON text)'),
    key: z.string().regex(KEY, 'a pathway key, e.g. referral').optional().describe("Pathway key; overrides the definition's"),
    title: z.string().trim().min(1).max(200).optional().describe("Pathway title; overrides the definition's"),
  })
  .strict()
  .refine((b) => (b.definition === undefined) !== (b.stately === undefined), { message: 'pass either definition or stately', path: ['definition'] });

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// jsonb stores keys in its own order; files read better in the order people write them.
const TOP_ORDER = ['key', 'title', 'description', 'machine'];
const NODE_ORDER = ['id', 'description', 'type', 'initial', 'meta', 'tags', 'entry', 'exit', 'on', 'after', 'always', 'onDone', 'output', 'states'];

function ordered(obj: Json, order: string[]): Json {
  const out: Json = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

function orderNode(node: Json): Json {
  const out = ordered(node, NODE_ORDER);
  if (isRecord(out.states)) {
    out.states = Object.fromEntries(Object.entries(out.states).map(([k, child]) => [k, isRecord(child) ? orderNode(child) : child]));
  }
  return out;
}

/** The definition as a `workflows/` file: the same JSON, keys in reading order, two-space indent. */
export function definitionFile(def: PathwayDefinition): string {
  const top = ordered(def as unknown as Json, TOP_ORDER);
  if (isRecord(top.machine)) top.machine = orderNode(top.machine);
  return `${JSON.stringify(top, null, 2)}\n`;
}

@ApiTags('pathways')
@ApiBearerAuth()
@Controller('api/pathways')
export class PathwayFilesController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly catalog: PathwayCatalog,
  ) {}

  @Get(':key/versions/:version/export')
  @ApiOperation({ summary: 'Download a version as a workflows/-format JSON file (`<key>.json`), ready to import or to put in workflows/' })
  @ApiProduces('application/json')
  @ApiZodOk(PathwayDefinitionFile, { description: 'The definition `{key, title, description?, machine}` as an attachment' })
  @ApiProblems(401, 404)
  async export(@Param('key', pathwayKeyPipe) key: string, @Param('version', versionPipe) version: number, @Res({ passthrough: true }) res: Response) {
    const row = await this.catalog.version(key, version);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${key}.json"`);
    res.setHeader('X-Pathway-Version', String(row.version));
    res.setHeader('X-Pathway-Status', row.status);
    return definitionFile(row.definition);
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
    let definition: unknown;
    if (body.stately !== undefined) {
      const converted = importStatelyMachine(body.stately, { key: body.key, title: body.title });
      if (converted.errors.length > 0 || !converted.definition) {
        throw new DomainError('unprocessable', 'The Stately machine cannot be imported as a pathway', { errors: converted.errors });
      }
      definition = converted.definition;
    } else {
      definition = isRecord(body.definition)
        ? { ...body.definition, ...(body.key ? { key: body.key } : {}), ...(body.title ? { title: body.title } : {}) }
        : body.definition;
    }
    const key = isRecord(definition) ? definition.key : undefined;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new DomainError('unprocessable', 'The definition needs a pathway key: lowercase letters, digits and dashes (pass key to set it)', {
        errors: [{ path: '$.key', message: 'a pathway key, e.g. referral' }],
      });
    }
    return this.ds.transaction(async (tx) => {
      const existed = await one(tx, 'SELECT 1 FROM pathways WHERE key = $1', [key]);
      const created = await this.catalog.createDraft(tx, key, definition, { actor, source: 'import' });
      return { ...created, createdPathway: !existed, definition };
    });
  }
}
