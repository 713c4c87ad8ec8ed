import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, zodBody, ZodPipe } from '#core';
import { type Actor, IdentityService, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_ROLES } from '#domain';
import { z } from 'zod';
import { CurrentActor, Roles, type AuthedRequest } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk } from '../common/openapi.js';
import { shortText, uuid } from '../common/schemas.js';
import { User, UserList } from './users.responses.js';

export const CreateUser = z
  .object({
    email: z.email().max(254),
    name: shortText(200),
    password: z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH),
    agencyId: uuid.nullable().optional(),
    roles: z.array(z.enum(USER_ROLES)).min(1).max(3).transform((r) => [...new Set(r)]),
  })
  .strict();

export const UpdateUser = z
  .object({
    name: shortText(200).optional(),
    roles: z.array(z.enum(USER_ROLES)).min(1).max(3).transform((r) => [...new Set(r)]).optional(),
    agencyId: uuid.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly identity: IdentityService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (administrators)' })
  @ApiZodBody(CreateUser)
  @ApiZodCreated(User, { description: '`{id, email, name, agencyId, roles}`' })
  @ApiProblems(400, 401, 403, 409, 422)
  create(@Body(zodBody(CreateUser)) body: z.infer<typeof CreateUser>, @CurrentActor() actor: Actor) {
    return this.identity.createUser(actor, { ...body, agencyId: body.agencyId ?? null });
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a user (administrators)',
    description:
      'Deactivating a user, or changing their roles or agency, ends their sessions: their next request with an old token is 401 and refresh fails. ' +
      'The last active administrator cannot be demoted or deactivated (422).',
  })
  @ApiZodBody(UpdateUser)
  @ApiZodOk(User, { description: '`{id, email, name, agencyId, roles, active, createdAt}`' })
  @ApiProblems(400, 401, 403, 404, 422)
  update(
    @Param('id', new ZodPipe(uuid, 'User id')) id: string,
    @Body(zodBody(UpdateUser)) body: z.infer<typeof UpdateUser>,
    @CurrentActor() actor: Actor,
  ) {
    return this.identity.updateUser(actor, id, body);
  }

  @Post(':id/password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Email the user a single-use link to set a new password (administrators)',
    description: 'The link is valid 24 hours; an earlier unused link of the user stops working. At most 5 per user per hour (429 with Retry-After).',
  })
  @ApiAcceptedResponse({ description: 'The email is sent (or written under DATA_DIR/mail without SMTP_URL)' })
  @ApiProblems(401, 403, 404, 422, 429)
  async passwordReset(
    @Param('id', new ZodPipe(uuid, 'User id')) id: string,
    @CurrentActor() actor: Actor,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    try {
      await this.identity.requestPasswordReset(actor, id, req.ip);
    } catch (error) {
      if (error instanceof DomainError && typeof error.extra.retryAfter === 'number') res.setHeader('Retry-After', String(error.extra.retryAfter));
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'List users (administrators)' })
  @ApiZodOk(UserList)
  @ApiProblems(401, 403)
  async list() {
    return { items: await this.identity.listUsers() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (administrators)' })
  @ApiZodOk(User)
  @ApiProblems(401, 403, 404)
  get(@Param('id', new ZodPipe(uuid, 'User id')) id: string) {
    return this.identity.getUser(id);
  }
}
