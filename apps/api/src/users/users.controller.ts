import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { ZodPipe, zodBody } from '../../../../libs/core/src/http/zod.pipe.js';
import { USER_ROLES, type Actor } from '../../../../libs/domain/src/identity/actor.js';
import { IdentityService } from '../../../../libs/domain/src/identity/identity.service.js';
import { AuditService } from '../../../../libs/domain/src/audit/audit.service.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody } from '../common/openapi.js';
import { shortText, uuid } from '../common/schemas.js';

export const CreateUser = z
  .object({
    email: z.email().max(254),
    name: shortText(200),
    password: z.string().min(10, 'at least 10 characters').max(200),
    agencyId: uuid.nullable().optional(),
    roles: z.array(z.enum(USER_ROLES)).min(1).max(3).transform((r) => [...new Set(r)]),
  })
  .strict();

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (administrators)' })
  @ApiZodBody(CreateUser)
  @ApiCreatedResponse({ description: '`{id, email, name, agencyId, roles}`' })
  @ApiProblems(400, 401, 403, 409, 422)
  async create(@Body(zodBody(CreateUser)) body: z.infer<typeof CreateUser>, @CurrentActor() actor: Actor) {
    return this.ds.transaction(async (tx) => {
      const user = await this.identity.createUser(tx, { ...body, agencyId: body.agencyId ?? null });
      await this.audit.record(tx, actor, { action: 'user.create', resource: 'user', resourceId: user.id, detail: { roles: user.roles } });
      return user;
    });
  }

  @Get()
  @ApiOperation({ summary: 'List users (administrators)' })
  @ApiProblems(401, 403)
  async list() {
    return { items: await this.identity.listUsers() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (administrators)' })
  @ApiProblems(401, 403, 404)
  get(@Param('id', new ZodPipe(uuid, 'User id')) id: string) {
    return this.identity.getUser(id);
  }
}
