import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import type { DeliveryHours } from '../../../engine/src/index.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { isUniqueViolation, many, one, type Db } from '../db.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from './actor.js';
import type { AgencyKind } from './agency-kinds.js';

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

export interface AgencyView {
  id: string;
  name: string;
  kind: AgencyKind;
  email: string | null;
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  locale: string;
  timezone: string;
  country: string;
  /** `"always"`, `{days, from, to}`, or null: the default office hours (Mon–Fri 08:00–18:00). */
  deliveryHours: DeliveryHours | null;
  /** An inactive agency gets no deliveries and cannot join new cases. */
  active: boolean;
  /** When the webhook secret last changed: for 24 hours after, deliveries carry the old one's signature too. */
  webhookSecretChangedAt: Date | null;
  createdAt: Date;
}

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

const FIELD_COLUMNS: Record<Exclude<keyof AgencyChange, 'webhookSecret'>, string> = {
  name: 'name',
  kind: 'kind',
  email: 'email',
  webhookUrl: 'webhook_url',
  locale: 'locale',
  timezone: 'timezone',
  country: 'country',
  deliveryHours: 'delivery_hours',
  active: 'active',
};

const COLUMNS = `id, name, kind, email, webhook_url AS "webhookUrl", (webhook_secret IS NOT NULL) AS "hasWebhookSecret",
  locale, timezone, country, delivery_hours AS "deliveryHours",
  active, webhook_secret_changed_at AS "webhookSecretChangedAt", created_at AS "createdAt"`;

/** Agencies of the partnership. The webhook secret is write-only: never returned. */
@Injectable()
export class AgencyService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async create(input: AgencyInput): Promise<AgencyView> {
    try {
      return (await one<AgencyView>(
        this.ds.manager,
        `INSERT INTO agencies (name, kind, email, webhook_url, webhook_secret, locale, timezone, country, delivery_hours)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [
          input.name,
          input.kind,
          input.email ?? null,
          input.webhookUrl ?? null,
          input.webhookSecret ?? null,
          input.locale ?? 'en',
          input.timezone ?? 'Europe/Amsterdam',
          // Whose public holidays count: the agency's own country, else the partnership's DEFAULT_COUNTRY.
          input.country ?? this.config.defaultCountry,
          input.deliveryHours === undefined ? null : JSON.stringify(input.deliveryHours),
        ],
      ))!;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'An agency with this name exists already');
      throw error;
    }
  }

  /**
   * Changes an agency, audited in the same transaction (field names only: never the secret). A new
   * webhook secret signs from now on; the previous one is kept, with the time of the change, so
   * deliveries carry both signatures for {@link SECRET_ROTATION_HOURS} hours.
   */
  async update(tx: Db, actor: Actor, id: string, change: AgencyChange): Promise<AgencyView> {
    const before = await one<AgencyView & { webhookSecret: string | null }>(
      tx,
      `SELECT ${COLUMNS}, webhook_secret AS "webhookSecret" FROM agencies WHERE id = $1 FOR NO KEY UPDATE`,
      [id],
    );
    if (!before) throw new DomainError('not_found', 'Agency not found');
    const sets: string[] = [];
    const params: unknown[] = [id];
    const changed: string[] = [];
    for (const [field, column] of Object.entries(FIELD_COLUMNS) as Array<[keyof typeof FIELD_COLUMNS, string]>) {
      const value = change[field];
      if (value === undefined || JSON.stringify(value) === JSON.stringify(before[field])) continue;
      params.push(field === 'deliveryHours' && value !== null ? JSON.stringify(value) : value);
      sets.push(`${column} = $${params.length}`);
      changed.push(field);
    }
    if (change.webhookSecret !== undefined && change.webhookSecret !== before.webhookSecret) {
      params.push(change.webhookSecret);
      sets.push(
        `webhook_secret = $${params.length}`,
        // Clearing the secret ends signing altogether: no old signature lingers either.
        `previous_webhook_secret = CASE WHEN $${params.length}::text IS NULL THEN NULL ELSE webhook_secret END`,
        `webhook_secret_changed_at = now()`,
      );
      changed.push('webhookSecret');
    }
    if (sets.length === 0) {
      const { webhookSecret: _secret, ...unchanged } = before;
      return unchanged;
    }
    let agency: AgencyView;
    try {
      agency = (await one<AgencyView>(tx, `UPDATE agencies SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params))!;
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
  }

  list(): Promise<AgencyView[]> {
    return many<AgencyView>(this.ds.manager, `SELECT ${COLUMNS} FROM agencies ORDER BY lower(name)`);
  }

  async get(id: string): Promise<AgencyView> {
    const row = await one<AgencyView>(this.ds.manager, `SELECT ${COLUMNS} FROM agencies WHERE id = $1`, [id]);
    if (!row) throw new DomainError('not_found', 'Agency not found');
    return row;
  }
}
