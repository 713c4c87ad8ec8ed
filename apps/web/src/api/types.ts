// Shapes of the Convene API, from the types generated out of its OpenAPI document
// (./generated/openapi.ts, by scripts/openapi-client.mjs). Names here are the ones the web app uses.
import type { components } from './generated/openapi';

type Schemas = components['schemas'];

export type Role = Schemas['User']['roles'][number];
export type User = Schemas['User'];
/** The logged-in user as the token describes it (`/api/auth/me`, single sign-on). */
export type CurrentUser = Schemas['CurrentUser'];
export type LoginResponse = Schemas['LoginResponse'];
export type TokenPair = Schemas['TokenPair'];
export type FieldError = Schemas['FieldError'];

/** RFC 9457 problem details (error bodies; any field may be missing when a proxy answers). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

export type Agency = Schemas['Agency'];

/** A list answer: its items, and the total where the route counts them. */
export interface Page<T> {
  items: T[];
  total?: number;
  /** True when the route stopped counting at `total` (more match). */
  totalCapped?: boolean;
}

export type CaseSummary = Schemas['CaseSummary'];
export type CaseList = Schemas['CaseList'];
export type AllowedEvent = Schemas['AllowedEvent'];
export type PathwayInstance = Schemas['PathwayInstance'];
export type Participant = Schemas['CaseParticipant'];
export type CaseDetail = Schemas['CaseDetail'];
/** What is left of a case whose personal data was erased. */
export type ErasedCase = Schemas['ErasedCase'];
export type LawfulBasisEntry = Schemas['LawfulBasisEntry'];
export type ParticipantRemoved = Schemas['ParticipantRemoved'];
export type CaseNote = Schemas['CaseNote'];
export type CaseNoteList = Schemas['CaseNoteList'];
export type CaseTask = Schemas['CaseTask'];
export type Task = Schemas['Task'];
export type TaskList = Schemas['TaskList'];
export type Attendance = Schemas['Attendance'];
export type MinutesAction = Schemas['MinutesAction'];
export type Conference = Schemas['Conference'];
/** A conference as the case page has it: the case detail's summary, or the whole conference. */
export type ConferenceView = Schemas['CaseConference'] & Partial<Omit<Conference, keyof Schemas['CaseConference']>>;
export type TimelineItem = Schemas['TimelineItem'];
export type Reminder = Schemas['Reminder'];
export type Notification = Schemas['Notification'];
export type NotificationList = Schemas['NotificationList'];
export type PathwaySummary = Schemas['PathwaySummary'];
export type PathwayVersionInfo = Schemas['PathwayVersionInfo'];
export type PathwayDetail = Schemas['PathwayDetail'];
export type PathwayVersion = Schemas['PathwayVersion'];
export type ValidationResult = Schemas['ValidationResult'];
export type Diagram = Schemas['PathwayDiagram'];
export type PathwayDiff = Schemas['PathwayDiff'];
export type MigrationDryRun = Schemas['MigrationDryRun'];
export type MigrationApplied = Schemas['MigrationApplied'];
export type DashboardSummary = Schemas['DashboardSummary'];
export type DashboardOverdueTrend = Schemas['DashboardOverdueTrend'];
export type DashboardStepDurations = Schemas['DashboardStepDurations'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditList = Schemas['AuditList'];
