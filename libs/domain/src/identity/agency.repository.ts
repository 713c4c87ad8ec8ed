import type { DeliveryHours } from '#engine';
import { many, one, single, type Db } from '../db.js';
import type { AgencyKind } from './agency-kinds.js';

/** An agency as the API shows it: the webhook secret is write-only, never returned. */
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

/** The fields of an agency an administrator sets directly (the webhook secret has its own rotation). */
export interface AgencyFields {
  name: string;
  kind: AgencyKind;
  email: string | null;
  webhookUrl: string | null;
  locale: string;
  timezone: string;
  country: string;
  deliveryHours: DeliveryHours | null;
  active: boolean;
}

const FIELD_COLUMNS: Record<keyof AgencyFields, string> = {
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

/** The directly settable fields, in column order. */
export const AGENCY_FIELDS = Object.keys(FIELD_COLUMNS) as Array<keyof AgencyFields>;

const COLUMNS = `id, name, kind, email, webhook_url AS "webhookUrl", (webhook_secret IS NOT NULL) AS "hasWebhookSecret",
  locale, timezone, country, delivery_hours AS "deliveryHours",
  active, webhook_secret_changed_at AS "webhookSecretChangedAt", created_at AS "createdAt"`;

/** Owner of `agencies`. */
export const AgencyRepository = {
  async insert(
    db: Db,
    agency: Omit<AgencyFields, 'active'> & { webhookSecret: string | null },
  ): Promise<AgencyView> {
    return single<AgencyView>(
      db,
      `INSERT INTO agencies (name, kind, email, webhook_url, webhook_secret, locale, timezone, country, delivery_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        agency.name,
        agency.kind,
        agency.email,
        agency.webhookUrl,
        agency.webhookSecret,
        agency.locale,
        agency.timezone,
        agency.country,
        agency.deliveryHours === null ? null : JSON.stringify(agency.deliveryHours),
      ],
    );
  },

  async get(db: Db, id: string): Promise<AgencyView | undefined> {
    return one<AgencyView>(db, `SELECT ${COLUMNS} FROM agencies WHERE id = $1`, [id]);
  },

  /** The agency with its current webhook secret, locked for a change. */
  async lockWithSecret(db: Db, id: string): Promise<(AgencyView & { webhookSecret: string | null }) | undefined> {
    return one<AgencyView & { webhookSecret: string | null }>(
      db,
      `SELECT ${COLUMNS}, webhook_secret AS "webhookSecret" FROM agencies WHERE id = $1 FOR NO KEY UPDATE`,
      [id],
    );
  },

  async list(db: Db): Promise<AgencyView[]> {
    return many<AgencyView>(db, `SELECT ${COLUMNS} FROM agencies ORDER BY lower(name)`);
  },

  /**
   * Sets the given fields and, when `webhookSecret` is given, rotates the secret: the previous one
   * is kept with the time of the change (clearing the secret clears the previous one too, so no old
   * signature lingers). Returns the agency as changed.
   */
  async update(db: Db, id: string, fields: Partial<AgencyFields>, webhookSecret?: { value: string | null }): Promise<AgencyView> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const field of AGENCY_FIELDS) {
      if (!(field in fields)) continue;
      const value = fields[field];
      params.push(field === 'deliveryHours' && value !== null ? JSON.stringify(value) : value);
      sets.push(`${FIELD_COLUMNS[field]} = $${params.length}`);
    }
    if (webhookSecret) {
      params.push(webhookSecret.value);
      sets.push(
        `webhook_secret = $${params.length}`,
        `previous_webhook_secret = CASE WHEN $${params.length}::text IS NULL THEN NULL ELSE webhook_secret END`,
        `webhook_secret_changed_at = now()`,
      );
    }
    return single<AgencyView>(db, `UPDATE agencies SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
  },
};
