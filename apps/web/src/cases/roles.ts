// Roles an agency commonly plays in a case; pathways assign tasks by these names.
export const COMMON_ROLES = [
  'coordinator',
  'referrer',
  'police',
  'probation',
  'prison',
  'housing',
  'health',
  'mental_health',
  'social_services',
  'employment',
  'exit_programme',
  'youth_justice',
  'victim_support',
];

const ROLE_BY_KIND: Record<string, string> = {
  local_authority: 'coordinator',
  probation: 'probation',
  police: 'police',
  prison: 'prison',
  health: 'health',
  mental_health: 'mental_health',
  social_services: 'social_services',
  housing: 'housing',
  employment: 'employment',
  youth_justice: 'youth_justice',
  exit_programme: 'exit_programme',
  victim_support: 'victim_support',
};

/** A sensible first guess at an agency's role from its kind; the user can change it. */
export function suggestedRole(kind: string | undefined): string {
  return (kind && ROLE_BY_KIND[kind]) ?? '';
}
