export const USER_ROLES = ['admin', 'case_manager', 'agency_staff'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who is calling: resolved from the access token on every request. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
  /** The session the access token belongs to (absent for callers not authenticated by a session token). */
  sessionId?: string;
}

export const hasRole = (actor: Actor, role: UserRole) => actor.roles.includes(role);
