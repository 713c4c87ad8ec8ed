import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { zodBody, zodQuery } from '#core';
import { type Actor, PathwayMigrationService } from '#domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodOk, ApiZodQuery } from '../common/openapi.js';
import { pagination, uuid } from '../common/schemas.js';
import { pathwayKeyPipe } from './pathways.controller.js';
import { MigrationApplied, MigrationDryRun, PathwayInstances } from './pathways.responses.js';

const stateRef = z.string().trim().min(1).max(200);
const versionNumber = z.number().int().min(1).max(1_000_000);
const mapping = z
  .record(stateRef, stateRef)
  .refine((m) => Object.keys(m).length <= 200, 'at most 200 entries')
  .describe('State of fromVersion → state of toVersion, by dot path (`screening.legacy`) or XState id');

const DryRunBody = z
  .object({
    fromVersion: versionNumber,
    toVersion: versionNumber,
    instanceIds: z.array(uuid).min(1).max(500).optional().describe('Default: every active instance of fromVersion'),
    mapping: mapping.optional(),
  })
  .strict();

const ApplyBody = z
  .object({
    fromVersion: versionNumber,
    toVersion: versionNumber,
    instanceIds: z.array(uuid).min(1).max(500).optional(),
    all: z.literal(true).optional().describe('Migrate every active instance of fromVersion'),
    mapping: mapping.optional(),
  })
  .strict()
  .refine((b) => (b.instanceIds === undefined) !== (b.all === undefined), {
    message: 'pass either instanceIds or all: true',
    path: ['instanceIds'],
  });

const InstancesQuery = z
  .object({
    version: z.coerce.number().int().min(1).optional(),
    status: z.enum(['active', 'done', 'cancelled']).default('active'),
    ...pagination,
  })
  .strict();

@ApiTags('pathways')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/pathways')
export class PathwayMigrationsController {
  constructor(private readonly migrations: PathwayMigrationService) {}

  @Get(':key/instances')
  @ApiOperation({ summary: 'Instances of a pathway by version (default: the running ones), and how many run on each version' })
  @ApiZodQuery(InstancesQuery)
  @ApiZodOk(PathwayInstances, { description: '`{items: [{instanceId, caseId, caseReference, version, state, status, revision, updatedAt}], byVersion: [{version, active}]}`' })
  @ApiProblems(400, 401, 403)
  instances(@Param('key', pathwayKeyPipe) key: string, @Query(zodQuery(InstancesQuery)) q: z.infer<typeof InstancesQuery>, @CurrentActor() actor: Actor) {
    return this.migrations.instances(key, q, actor);
  }

  @Post(':key/migrations/dry-run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dry run of moving running instances to another version: per instance, where each state goes and which tasks, timers and reminders close, stay or open',
    description:
      'Changes nothing. Each instance is rehearsed exactly as apply would migrate it, in a transaction that is rolled back. ' +
      'An instance in a state the target version lacks is listed with ok: false and an error naming the state to map. The target may be a draft.',
  })
  @ApiZodBody(DryRunBody)
  @ApiZodOk(MigrationDryRun, {
    description:
      '`{items: [{instanceId, caseId, caseReference, fromVersion, toVersion, ok, stateMapping, tasksToClose, tasksToOpen, tasksKept, timersToCancel, timersToSet, timersKept, remindersToCancel, remindersToAdd, errors, warnings}], summary: {instances, ok, blocked}}`',
  })
  @ApiProblems(400, 401, 403, 404, 422)
  dryRun(@Param('key', pathwayKeyPipe) key: string, @Body(zodBody(DryRunBody)) body: z.infer<typeof DryRunBody>, @CurrentActor() actor: Actor) {
    return this.migrations.dryRun(key, body, actor);
  }

  @Post(':key/migrations/apply')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move running instances to another version (forward or back), one transaction per instance',
    description:
      'Each instance is locked, planned again against its current state and refused (left unchanged) when the plan is not ok; ' +
      'otherwise its snapshot, version, state, tasks, reminders and timers move together and its revision rises. ' +
      'The target must be published or retired (migrating back), not a draft.',
  })
  @ApiZodBody(ApplyBody)
  @ApiZodOk(MigrationApplied, { description: '`{items: [{instanceId, applied, revision, errors, ...the dry-run lists}], summary: {instances, applied, refused}}`' })
  @ApiProblems(400, 401, 403, 404, 422)
  apply(@Param('key', pathwayKeyPipe) key: string, @Body(zodBody(ApplyBody)) body: z.infer<typeof ApplyBody>, @CurrentActor() actor: Actor) {
    return this.migrations.apply(key, body, actor);
  }
}
