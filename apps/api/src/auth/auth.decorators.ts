import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, UserRole } from '#domain';

export { Public, PUBLIC_ROUTE } from '#core';
export const REQUIRED_ROLES = 'convene:roles';

/** The caller needs at least one of these roles (403 otherwise). */
export const Roles = (...roles: UserRole[]) => SetMetadata(REQUIRED_ROLES, roles);

export type AuthedRequest = Request & { actor?: Actor; id?: string };

/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().actor!;
});

/** The request id (also in logs and the X-Request-Id header). */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().id;
  return id === undefined ? undefined : String(id);
});
