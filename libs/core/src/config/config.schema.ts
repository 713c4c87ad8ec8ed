import path from 'node:path';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${protocols.join(' or ')}` },
  );

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** Environment variables Convene reads (CONTRACT.md section 1, plus documented extras). */
export const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  DATABASE_URL: optional(url(['postgres', 'postgresql'])),
  REDIS_URL: optional(url(['redis', 'rediss'])),
  JWT_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  BOOTSTRAP_ADMIN_EMAIL: optional(z.email()),
  BOOTSTRAP_ADMIN_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
  SMTP_URL: optional(url(['smtp', 'smtps'])),
  PUBLIC_URL: optional(url(['http', 'https'])),
  DATA_DIR: optional(z.string().min(1)),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  EMBEDDED_PG_PORT: optional(z.coerce.number().int().min(1024).max(65535)),
  QUEUE_PREFIX: optional(z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'lowercase letters, digits, underscore')),
  WORKER_CONCURRENCY: optional(z.coerce.number().int().min(1).max(256)),
  MAIL_FROM: optional(z.string().min(3)),
  DEFAULT_COUNTRY: optional(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code, e.g. NL')),
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  RECONCILE_INTERVAL_MS: optional(z.coerce.number().int().min(100).max(3_600_000)),
  WORKER_METRICS_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  ACCESS_TOKEN_TTL_SECONDS: optional(z.coerce.number().int().min(1).max(900, 'at most 900 (15 minutes)')),
  OIDC_ISSUER: optional(url(['http', 'https'])),
  OIDC_CLIENT_ID: optional(z.string().min(1).max(500)),
  OIDC_CLIENT_SECRET: optional(z.string().min(1).max(2000)),
  DELIVERY_BACKOFF_BASE_MS: optional(z.coerce.number().int().min(1).max(3_600_000)),
  DELIVERY_TIMEOUT_MS: optional(z.coerce.number().int().min(1).max(300_000)),
  WEB_DIST: optional(z.string().min(1)),
  WORKFLOWS_DIR: optional(z.string().min(1)),
});

export type RawEnv = z.infer<typeof envSchema>;

/**
 * `WORKER_CONCURRENCY` when unset, per queue backend: a reminder job waits mostly on PostgreSQL and
 * the webhook, so on Redis more jobs at once keep the worker busy; BullMQ's PostgreSQL backend takes
 * its own row locks per job and reports deadlocks when too many workers fetch at once, so it stays at 8.
 */
export function defaultWorkerConcurrency(backend: 'redis' | 'postgres'): number {
  return backend === 'redis' ? 16 : 8;
}

export interface AppConfig {
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  bootstrapAdmin: { email: string; password: string; isDefault: boolean };
  smtpUrl: string | undefined;
  publicUrl: string;
  dataDir: string;
  logLevel: NonNullable<RawEnv['LOG_LEVEL']>;
  embeddedPgPort: number;
  queuePrefix: string;
  workerConcurrency: number;
  mailFrom: string;
  defaultCountry: string;
  /** Also accepted as a bearer token by `GET /metrics` (besides administrators' tokens). */
  metricsToken: string | undefined;
  /** How often the reconciler re-arms timers, reminders and deliveries the queue lost; also its grace. */
  reconcileIntervalMs: number;
  /** A standalone worker (`npm run start:worker`) serves `GET /metrics` on this port; needs metricsToken. */
  workerMetricsPort: number | undefined;
  /** Lifetime of access tokens (≤ 15 minutes); sessions live on through refresh tokens. */
  accessTokenTtlSeconds: number;
  /** Single sign-on through an OpenID Connect provider, when configured (docs/identity.md). */
  oidc: { issuer: string; clientId: string; clientSecret: string | undefined } | undefined;
  /** Webhook/email delivery: first retry waits up to `backoffBaseMs` (doubling, full jitter); a receiver gets `timeoutMs` to answer. */
  delivery: { backoffBaseMs: number; timeoutMs: number };
  /** The built browser app the API serves (absolute). */
  webDist: string;
  /** Pathway definitions loaded at start (absolute). */
  workflowsDir: string;
}

export const DEFAULT_ADMIN = { email: 'admin@convene.local', password: 'convene-admin' } as const;

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once into a typed config. Throws a {@link ConfigError} naming each bad
 * variable; never echoes a value (it may be a secret).
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })),
    );
  }
  const e = parsed.data;
  if (e.WORKER_METRICS_PORT !== undefined && !e.METRICS_TOKEN) {
    // The worker's metrics server has no users to log in: the token is its only credential.
    throw new ConfigError([{ variable: 'WORKER_METRICS_PORT', message: 'needs METRICS_TOKEN, the only credential the worker\'s /metrics accepts' }]);
  }
  if ((e.OIDC_ISSUER === undefined) !== (e.OIDC_CLIENT_ID === undefined) || (e.OIDC_CLIENT_SECRET !== undefined && !e.OIDC_ISSUER)) {
    // Half a single sign-on configuration is a mistake, not a choice.
    throw new ConfigError([{ variable: e.OIDC_ISSUER ? 'OIDC_CLIENT_ID' : 'OIDC_ISSUER', message: 'OIDC_ISSUER and OIDC_CLIENT_ID are set together (OIDC_CLIENT_SECRET with them)' }]);
  }
  const port = e.PORT ?? 3000;
  return {
    port,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    bootstrapAdmin: {
      email: e.BOOTSTRAP_ADMIN_EMAIL ?? DEFAULT_ADMIN.email,
      password: e.BOOTSTRAP_ADMIN_PASSWORD ?? DEFAULT_ADMIN.password,
      isDefault: !e.BOOTSTRAP_ADMIN_PASSWORD,
    },
    smtpUrl: e.SMTP_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(cwd, e.DATA_DIR ?? '.data'),
    logLevel: e.LOG_LEVEL ?? 'info',
    embeddedPgPort: e.EMBEDDED_PG_PORT ?? 54329,
    queuePrefix: e.QUEUE_PREFIX ?? 'convene',
    workerConcurrency: e.WORKER_CONCURRENCY ?? defaultWorkerConcurrency(e.REDIS_URL ? 'redis' : 'postgres'),
    mailFrom: e.MAIL_FROM ?? 'Convene <no-reply@convene.local>',
    defaultCountry: e.DEFAULT_COUNTRY ?? 'NL',
    metricsToken: e.METRICS_TOKEN,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS ?? 30_000,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS ?? 900,
    oidc: e.OIDC_ISSUER && e.OIDC_CLIENT_ID ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET } : undefined,
    delivery: { backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS ?? 5_000, timeoutMs: e.DELIVERY_TIMEOUT_MS ?? 10_000 },
    webDist: path.resolve(cwd, e.WEB_DIST ?? path.join('apps', 'web', 'dist')),
    workflowsDir: path.resolve(cwd, e.WORKFLOWS_DIR ?? 'workflows'),
  };
}
