import { createSecretKey } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type AppConfig, OUTBOX_BACKLOG, type OutboxBacklog } from '#core';
import { AccessService } from './access/access.service.js';
import { AuditService } from './audit/audit.service.js';
import { CaseService } from './cases/case.service.js';
import { AgencyService } from './identity/agency.service.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { IdentityService } from './identity/identity.service.js';
import { AttemptThrottle } from './identity/attempt-throttle.js';
import { SessionService } from './identity/session.service.js';
import { SsoService } from './identity/sso.service.js';
import { InstanceService } from './instances/instance.service.js';
import { NotificationWriter } from './notifications/notification-writer.js';
import { PathwayCatalog } from './pathways/pathway-catalog.service.js';
import { PathwayMigrationService } from './pathways/pathway-migration.service.js';
import { WorkflowLoader } from './pathways/workflow-loader.service.js';
import { ReminderWriter } from './reminders/reminder-writer.js';
import { TaskService } from './tasks/task.service.js';
import { TaskWriter } from './tasks/task-writer.js';
import { ConferenceKeyDate } from './conferences/conference-key-date.js';
import { KeyDateMoves } from './cases/key-date-moves.js';
import { ConferenceService } from './conferences/conference.service.js';
import { NotificationService } from './notifications/notification.service.js';
import { ReminderDispatcher } from './reminders/reminder-dispatcher.js';
import { CaseActivityService } from './timeline/case-activity.service.js';
import { DashboardService } from './dashboard/dashboard.service.js';
import { OutboxRepository } from './outbox/outbox.repository.js';
import { CaseErasure } from './governance/case-erasure.js';
import { CaseNoteService } from './governance/case-note.service.js';
import { CaseExportService } from './governance/case-export.service.js';

const SERVICES = [
  AccessService,
  AuditService,
  AgencyService,
  IdentityService,
  AttemptThrottle,
  SessionService,
  SsoService,
  IdempotencyService,
  PathwayCatalog,
  WorkflowLoader,
  PathwayMigrationService,
  InstanceService,
  NotificationWriter,
  ReminderWriter,
  TaskWriter,
  TaskService,
  CaseService,
  ConferenceKeyDate,
  KeyDateMoves,
  ConferenceService,
  ReminderDispatcher,
  NotificationService,
  CaseActivityService,
  DashboardService,
  CaseErasure,
  CaseNoteService,
  CaseExportService,
];

/** The outbox backlog the metrics collector (in core, which reads no tables) reports. */
const outboxBacklog = {
  provide: OUTBOX_BACKLOG,
  inject: [getDataSourceToken()],
  useFactory: (ds: DataSource): OutboxBacklog => () => OutboxRepository.countUnrelayed(ds.manager),
};

/** The domain services both apps share: they reach PostgreSQL and the outbox, never HTTP or the queue. */
@Module({})
export class DomainModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DomainModule,
      global: true,
      // A KeyObject, made once: given the string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every verify, a few percent of a request's CPU.
      imports: [JwtModule.register({ secret: config.jwtSecret ? createSecretKey(Buffer.from(config.jwtSecret)) : undefined, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      providers: [...SERVICES, outboxBacklog],
      exports: [...SERVICES, OUTBOX_BACKLOG],
    };
  }
}
