import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../../../../libs/core/src/http/domain-error.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { zodBody } from '../../../../libs/core/src/http/zod.pipe.js';
import { IdentityService } from '../../../../libs/domain/src/identity/identity.service.js';
import type { Actor } from '../../../../libs/domain/src/identity/actor.js';
import { ApiProblems, ApiZodBody } from '../common/openapi.js';
import { CurrentActor, Public, type AuthedRequest } from './auth.decorators.js';

const LoginBody = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) }).strict();

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in: returns a short-lived access token (1 hour) and the user',
    description: 'Attempts are limited per account and source, per source and per account (see docs/architecture.md, Login limits); 429 carries `Retry-After`.',
  })
  @ApiZodBody(LoginBody)
  @ApiOkResponse({ description: '`{accessToken, expiresIn, user: {id, email, name, agencyId, roles}}`' })
  @ApiProblems(400, 401, 429)
  async login(@Body(zodBody(LoginBody)) body: z.infer<typeof LoginBody>, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.identity.login(body.email, body.password, req.ip);
    } catch (error) {
      // RFC 9110: a 429 says when to come back.
      if (error instanceof DomainError && typeof error.extra.retryAfter === 'number') res.setHeader('Retry-After', String(error.extra.retryAfter));
      throw error;
    }
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Exchange a still-valid access token for a fresh one' })
  @ApiProblems(401)
  async refresh(@CurrentActor() actor: Actor) {
    return { accessToken: await this.identity.issueToken(actor.userId), expiresIn: 3600 };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiProblems(401)
  me(@CurrentActor() actor: Actor) {
    return { id: actor.userId, email: actor.email, name: actor.name, agencyId: actor.agencyId, roles: actor.roles };
  }
}
