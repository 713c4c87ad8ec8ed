// Shapes of the Convene API as the web app reads them. Fields the contract does not promise are
// optional: the app must keep working when the server leaves them out.

export type Role = 'admin' | 'case_manager' | 'agency_staff';

export interface User {
  id: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: Role[];
  active?: boolean;
}

export interface LoginResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

export interface Agency {
  id: string;
  name: string;
  kind: string;
  email?: string | null;
  webhookUrl?: string | null;
  locale?: string | null;
  timezone?: string | null;
  country?: string | null;
  active?: boolean;
  hasWebhookSecret?: boolean;
  webhookSecretChangedAt?: string | null;
}

export interface Page<T> {
  items: T[];
  total?: number;
}

export interface PathwaySummaryOfCase {
  key: string;
  state: unknown;
  status: string;
}

export interface CaseSummary {
  id: string;
  reference: string;
  status: string;
  subject: { name: string };
  leadAgencyId?: string;
  pathways?: PathwaySummaryOfCase[];
  openTasks?: number;
  overdueTasks?: number;
  createdAt?: string;
}

export interface AllowedEvent {
  type: string;
  title?: string;
  enabled?: boolean;
  reason?: string;
  roles?: Role[];
}

export interface PathwayInstance {
  instanceId: string;
  key: string;
  version: number;
  title?: string;
  state: unknown;
  stateTitle?: string;
  status: string;
  revision: number;
  allowedEvents: AllowedEvent[];
  /** Every event of the current state, refused ones with enabled: false and the reason. */
  availableEvents?: AllowedEvent[];
}

export interface Participant {
  id?: string;
  agencyId: string;
  role: string;
  agencyName?: string;
}

export interface Task {
  id: string;
  caseId: string;
  caseReference?: string;
  title: string;
  assigneeAgencyId: string | null;
  role?: string;
  assigneeRole?: string;
  overdue?: boolean;
  dueAt: string | null;
  status: string;
  acknowledgedAt?: string | null;
  completedAt?: string | null;
  outcome?: string | null;
  note?: string | null;
}

export interface Attendance {
  agencyId: string;
  attended: boolean;
  apologies?: string | null;
}

export interface MinutesAction {
  title: string;
  agencyId: string;
  dueAt: string;
}

export interface Conference {
  id: string;
  caseId?: string;
  scheduledAt: string;
  durationMinutes?: number;
  location?: string | null;
  agencyIds?: string[];
  attendance?: Attendance[];
  minutes?: { text: string; decisions?: string[]; actions?: MinutesAction[] } | null;
  status?: string;
}

export interface CaseDetail {
  id: string;
  reference: string;
  status: string;
  subject: { name: string; dateOfBirth?: string | null };
  leadAgencyId?: string;
  participants: Participant[];
  keyDates?: Record<string, string | null> | null;
  pathways: PathwayInstance[];
  tasks?: Task[];
  conferences?: Conference[];
}

export interface TimelineItem {
  at: string;
  kind: string;
  [field: string]: unknown;
}

export interface Reminder {
  id: string;
  kind: string;
  agencyId: string | null;
  taskId?: string | null;
  dueAt: string;
  status: string;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  link?: string | null;
  caseId?: string | null;
  createdAt: string;
  readAt?: string | null;
}

export interface PathwaySummary {
  key: string;
  title: string;
  publishedVersion: number | null;
  latestVersion: number | null;
}

export interface PathwayVersionInfo {
  version: number;
  status: 'draft' | 'published' | 'retired' | string;
  createdAt?: string;
  publishedAt?: string | null;
}

export interface PathwayDetail {
  key: string;
  title: string;
  publishedVersion: number | null;
  versions: PathwayVersionInfo[];
}

export interface PathwayVersion {
  key: string;
  version: number;
  status: string;
  definition: unknown;
}

export interface ValidationResult {
  valid: boolean;
  errors: FieldError[];
}

export interface Diagram {
  mermaid?: string;
  svg?: string;
}

export interface PathwayDiff {
  changes?: unknown;
  text?: string;
}
