import { Injectable } from '@nestjs/common';
import { DomainError } from '#core';
import type { Db } from '../db.js';
import { CaseRepository, type SqlCondition } from '../cases/case.repository.js';
import { AccessRepository } from './access.repository.js';
import { hasRole, type Actor } from '../identity/actor.js';

/**
 * Who may see what, in one place. An agency's staff see the cases their agency takes part in and
 * only their agency's tasks; case managers see the cases their agency leads or takes part in (and
 * those they created); administrators administer but read no case content unless they are also
 * case managers. Unknown and forbidden look the same: 404.
 */
@Injectable()
export class AccessService {
  readsCases(actor: Actor): boolean {
    return hasRole(actor, 'case_manager') || hasRole(actor, 'agency_staff');
  }

  /**
   * SQL condition on a `cases` alias; `$n` placeholders start at `first`. `read: 'all'` for
   * aggregates over every visible case (the dashboard); the default suits pages and single cases.
   */
  caseFilter(actor: Actor, alias: string, first: number, read: 'page' | 'all' = 'page'): SqlCondition {
    if (!this.readsCases(actor)) return { sql: 'false', params: [] };
    if (hasRole(actor, 'case_manager')) return AccessRepository.managedCases(alias, first, actor.agencyId, actor.userId, read === 'page');
    return AccessRepository.participantCases(alias, first, actor.agencyId);
  }

  /** SQL condition on a `tasks` alias for the tasks the actor may see within visible cases. */
  taskFilter(actor: Actor, alias: string, first: number): SqlCondition {
    if (hasRole(actor, 'case_manager')) return { sql: 'true', params: [] };
    return AccessRepository.assignedTasks(alias, first, actor.agencyId);
  }

  /** 404 unless the actor may see the case. */
  async assertCase(db: Db, actor: Actor, caseId: string): Promise<void> {
    if (!isUuid(caseId)) throw new DomainError('not_found', 'Case not found');
    if (!(await CaseRepository.isVisible(db, caseId, this.caseFilter(actor, 'c', 2)))) throw new DomainError('not_found', 'Case not found');
  }

  /** Case managers manage cases; agency staff may only act through tasks and events their role allows. */
  assertCaseManager(actor: Actor): void {
    if (!hasRole(actor, 'case_manager')) throw new DomainError('forbidden', 'Only case managers may do this');
  }
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
