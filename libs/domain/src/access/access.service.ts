import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { one, type Db } from '../db.js';
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

  /** SQL condition on a `cases` alias; `$n` placeholders start at `first`. */
  caseFilter(actor: Actor, alias: string, first: number): { sql: string; params: unknown[] } {
    if (!this.readsCases(actor)) return { sql: 'false', params: [] };
    const member = `EXISTS (SELECT 1 FROM case_participants cp WHERE cp.case_id = ${alias}.id AND cp.agency_id = $${first})`;
    if (hasRole(actor, 'case_manager')) {
      return {
        sql: `(${member} OR ${alias}.lead_agency_id = $${first} OR ${alias}.created_by = $${first + 1})`,
        params: [actor.agencyId, actor.userId],
      };
    }
    return { sql: member, params: [actor.agencyId] };
  }

  /** SQL condition on a `tasks` alias for the tasks the actor may see within visible cases. */
  taskFilter(actor: Actor, alias: string, first: number): { sql: string; params: unknown[] } {
    if (hasRole(actor, 'case_manager')) return { sql: 'true', params: [] };
    return { sql: `${alias}.assignee_agency_id = $${first}`, params: [actor.agencyId] };
  }

  /** 404 unless the actor may see the case. */
  async assertCase(db: Db, actor: Actor, caseId: string): Promise<void> {
    if (!isUuid(caseId)) throw new DomainError('not_found', 'Case not found');
    const filter = this.caseFilter(actor, 'c', 2);
    const row = await one(db, `SELECT 1 FROM cases c WHERE c.id = $1 AND ${filter.sql}`, [caseId, ...filter.params]);
    if (!row) throw new DomainError('not_found', 'Case not found');
  }

  /** Case managers manage cases; agency staff may only act through tasks and events their role allows. */
  assertCaseManager(actor: Actor): void {
    if (!hasRole(actor, 'case_manager')) throw new DomainError('forbidden', 'Only case managers may do this');
  }
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
