import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainError } from '#core';
import type { DeliveryHours } from '#engine';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUniqueViolation, transaction } from '../db.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from './actor.js';
import type { AgencyKind } from './agency-kinds.js';
import { AGENCY_FIELDS, AgencyRepository, type AgencyFields, type AgencyView } from './agency.repository.js';

export interface AgencyInput {
  name: string;
  kind: AgencyKind;
  email?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  locale?: string;
  timezone?: string;
  country?: string;
  deliveryHours?: DeliveryHours;
}

export type { AgencyView } from './agency.repository.js';

/** A change by an administrator: any field of the create body (null clears an optional one), and `active`. */
export interface AgencyChange {
  name?: string;
  kind?: AgencyKind;
  email?: string | null;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
  locale?: string;
  timezone?: string;
  country?: string;
  deliveryHours?: DeliveryHours | null;
  active?: boolean;
}

/** How long after a secret change deliveries are signed with the previous secret too (CONTRACT §4). */
export const SECRET_ROTATION_HOURS = 24;

/** Agencies of the partnership. The webhook secret is write-only: never returned. */
@Injectable()
export class AgencyService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Creates an agency, audited in the same transaction. */
  create(actor: Actor, input: AgencyInput): Promise<AgencyView> {
    return transaction(this.ds, async (tx) => {
      let agency: AgencyView;
      try {
        agency = await AgencyRepository.insert(tx, {
          name: input.name,
          kind: input.kind,
          email: input.email ?? null,
          webhookUrl: input.webhookUrl ?? null,
          webhookSecret: input.webhookSecret ?? null,
          locale: input.locale ?? 'en',
          timezone: input.timezone ?? 'Europe/Amsterdam',
          // Whose public holidays count: the agency's own country, else the partnership's DEFAULT_COUNTRY.
          country: input.country ?? this.config.defaultCountry,
          deliveryHours: input.deliveryHours ?? null,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('conflict', 'An agency with this name exists already');
        throw error;
      }
      await this.audit.record(tx, actor, { action: 'agency.create', resource: 'agency', resourceId: agency.id });
      return agency;
    });
  }

  /**
   * Changes an agency, audited in the same transaction (field names only: never the secret). A new
   * webhook secret signs from now on; the previous one is kept, with the time of the change, so
   * deliveries carry both signatures for {@link SECRET_ROTATION_HOURS} hours.
   */
  update(actor: Actor, id: string, change: AgencyChange): Promise<AgencyView> {
    return transaction(this.ds, async (tx) => {
      const before = await AgencyRepository.lockWithSecret(tx, id);
      if (!before) throw new DomainError('not_found', 'Agency not found');
      const fields: Partial<AgencyFields> = {};
      const changed: string[] = [];
      for (const field of AGENCY_FIELDS) {
        const value = change[field];
        if (value === undefined || JSON.stringify(value) === JSON.stringify(before[field])) continue;
        (fields as Record<string, unknown>)[field] = value;
        changed.push(field);
      }
      const secretChanged = change.webhookSecret !== undefined && change.webhookSecret !== before.webhookSecret;
      if (secretChanged) changed.push('webhookSecret');
      if (changed.length === 0) {
        const { webhookSecret: _secret, ...unchanged } = before;
        return unchanged;
      }
      let agency: AgencyView;
      try {
        agency = await AgencyRepository.update(tx, id, fields, secretChanged ? { value: change.webhookSecret ?? null } : undefined);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('conflict', 'An agency with this name exists already');
        throw error;
      }
      await this.audit.record(tx, actor, {
        action: 'agency.update',
        resource: 'agency',
        resourceId: id,
        detail: { fields: changed, ...(change.active !== undefined && changed.includes('active') ? { active: agency.active } : {}) },
      });
      return agency;
    });
  }

  list(): Promise<AgencyView[]> {
    return AgencyRepository.list(this.ds.manager);
  }

  async get(id: string): Promise<AgencyView> {
    const row = await AgencyRepository.get(this.ds.manager, id);
    if (!row) throw new DomainError('not_found', 'Agency not found');
    return row;
  }
}
