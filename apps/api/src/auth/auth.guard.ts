import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '#core';
import { IdentityService, type UserRole } from '#domain';
import { PUBLIC_ROUTE, REQUIRED_ROLES, type AuthedRequest } from './auth.decorators.js';

/** Every route needs a valid bearer token unless marked @Public(); @Roles narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const token = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    if (!token) throw new DomainError('unauthorized', 'Log in first: send Authorization: Bearer <accessToken>');
    const actor = await this.identity.actorFromToken(token);
    if (!actor) throw new DomainError('unauthorized', 'The access token is invalid or expired; log in again');
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.some((r) => actor.roles.includes(r))) {
      throw new DomainError('forbidden', `This needs the role ${roles.join(' or ')}`);
    }
    return true;
  }
}
