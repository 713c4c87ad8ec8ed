import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, bearerToken, DomainError, isMetricsToken } from '#core';
import { IdentityService } from '#domain';
import type { AuthedRequest } from '../auth/auth.decorators.js';

/**
 * `GET /metrics`: an administrator's access token, or METRICS_TOKEN (a scraper has no user). The
 * route is @Public() for the global AuthGuard, which would refuse METRICS_TOKEN as a bad JWT; this
 * guard answers like it does: 401 without a valid token, 403 for a user who is not an administrator.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identity: IdentityService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new DomainError('unauthorized', "Send Authorization: Bearer <an administrator's accessToken or METRICS_TOKEN>");
    if (isMetricsToken(token, this.config.metricsToken)) return true;
    const actor = await this.identity.actorFromToken(token);
    if (!actor) throw new DomainError('unauthorized', 'The token is neither a valid access token nor METRICS_TOKEN');
    req.actor = actor;
    if (!actor.roles.includes('admin')) throw new DomainError('forbidden', 'This needs the role admin');
    return true;
  }
}
