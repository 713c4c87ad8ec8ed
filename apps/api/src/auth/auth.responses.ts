import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp, userRole } from '../common/responses.js';

export const User = named(
  'User',
  z.object({
    id,
    email: z.string(),
    name: z.string(),
    agencyId: id.nullable(),
    roles: z.array(userRole),
    active: z.boolean(),
    createdAt: timestamp,
  }),
  'A user; the password is never returned',
);

/** Who is logged in (the token's own claims). */
export const CurrentUser = named(
  'CurrentUser',
  z.object({ id, email: z.string(), name: z.string(), agencyId: id.nullable(), roles: z.array(userRole) }),
);

export const TokenPair = named(
  'TokenPair',
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('Seconds the access token is valid (at most 900)'),
  }),
);

export const LoginResponse = named('LoginResponse', TokenPair.extend({ user: User }), 'A new session and the user it belongs to');
export const SsoLoginResponse = named('SsoLoginResponse', TokenPair.extend({ user: CurrentUser }), 'A new session, started through single sign-on');

export const AuthConfig = named('AuthConfig', z.object({ sso: z.boolean(), accessTokenTtlSeconds: z.number().int() }));
