import { z } from 'zod';
export { User } from '../auth/auth.responses.js';
import { User } from '../auth/auth.responses.js';
import { named } from '../common/openapi.js';

export const UserList = named('UserList', z.object({ items: z.array(User) }));
