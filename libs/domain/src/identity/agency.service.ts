import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import type { DeliveryHours } from '../../../engine/src/index.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { isUniqueViolation, many, one } from '../db.js';
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
  createdAt: Date;
}

const COLUMNS = `id, name, kind, email, webhook_url AS "webhookUrl", (webhook_secret IS NOT NULL) AS "hasWebhookSecret",
  locale, timezone, country, delivery_hours AS "deliveryHours", created_at AS "createdAt"`;

/** Agencies of the partnership. The webhook secret is write-only: never returned. */
@Injectable()
export class AgencyService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  list(): Promise<AgencyView[]> {
    return many<AgencyView>(this.ds.manager, `SELECT ${COLUMNS} FROM agencies ORDER BY lower(name)`);
  }

  async get(id: string): Promise<AgencyView> {
    const row = await one<AgencyView>(this.ds.manager, `SELECT ${COLUMNS} FROM agencies WHERE id = $1`, [id]);
    if (!row) throw new DomainError('not_found', 'Agency not found');
    return row;
  }
}
