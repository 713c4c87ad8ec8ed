import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { type AppConfig, type Clock, CoreModule, HealthController } from '#core';
import { DomainModule } from '#domain';
import { WorkerModule } from '#worker';
import { AgenciesController } from './agencies/agencies.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { CasesController } from './cases/cases.controller.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { CaseGovernanceController } from './cases/case-governance.controller.js';
import { PathwayFilesController } from './pathways/pathway-files.controller.js';
import { PathwayMigrationsController } from './pathways/pathway-migrations.controller.js';
import { PathwaysController } from './pathways/pathways.controller.js';
import { TasksController } from './tasks/tasks.controller.js';
import { UsersController } from './users/users.controller.js';
import { ConferencesController } from './conferences/conferences.controller.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { OperationsModule } from './operations/operations.module.js';
import { CaseActivityController } from './timeline/case-activity.controller.js';

export const API_CONTROLLERS = [
  HealthController,
  AuthController,
  AgenciesController,
  UsersController,
  CasesController,
  CaseGovernanceController,
  TasksController,
  PathwaysController,
  PathwayFilesController,
  PathwayMigrationsController,
  AuditController,
  ConferencesController,
  NotificationsController,
  CaseActivityController,
  DashboardController,
];

@Module({})
export class AppModule {
  /** The HTTP API; with `worker: true` the background workers run in the same process; `clock` replaces the system clock. */
  static forRoot(config: AppConfig, opts: { worker: boolean; clock?: Clock }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, { clock: opts.clock }),
        DomainModule.forRoot(config),
        OperationsModule,
        ...(opts.worker ? [WorkerModule.forFeature()] : []),
      ],
      controllers: API_CONTROLLERS,
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
