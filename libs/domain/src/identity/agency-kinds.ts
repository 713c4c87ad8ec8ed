export const AGENCY_KINDS = [
  'local_authority',
  'probation',
  'police',
  'prison',
  'health',
  'mental_health',
  'social_services',
  'housing',
  'education',
  'employment',
  'youth_justice',
  'exit_programme',
  'victim_support',
  'other',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];
