import { createHmac } from 'node:crypto';
import type { NotificationKind } from './notification-kinds.js';

/** Signature header value: `sha256=<hex HMAC-SHA256 of the raw body>` (CONTRACT.md section 4). */
export function signBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * The `X-Convene-Signature` value: the current secret's signature, then — during the 24 hours
 * after a secret change — the previous secret's, comma-separated (CONTRACT.md section 4), so a
 * receiver still configured with the old secret keeps accepting deliveries while it switches.
 */
export function signatureHeader(rawBody: string, secret: string, previousSecret?: string): string {
  const values = [signBody(rawBody, secret)];
  if (previousSecret && previousSecret !== secret) values.push(signBody(rawBody, previousSecret));
  return values.join(',');
}

export interface WebhookDelivery {
  url: string;
  /** The exact bytes to send and sign: build it once with {@link webhookPayload}. */
  body: string;
  secret?: string;
  /** The secret before the last change, within the rotation window: signs too. */
  previousSecret?: string;
  /** Same on every retry of one notification, so receivers can de-duplicate. */
  deliveryId: string;
  timeoutMs?: number;
}

export interface WebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs one webhook and reports the outcome; never throws, so the caller decides on retries.
 * Only a 2xx answer counts: redirects are not followed (a moved endpoint is the agency's
 * configuration to fix, and following it would send signed case links to an unvetted host).
 */
export async function deliverWebhook(opts: WebhookDelivery): Promise<WebhookResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'Convene-Webhook/1',
    'X-Convene-Delivery': opts.deliveryId,
  };
  if (opts.secret) headers['X-Convene-Signature'] = signatureHeader(opts.body, opts.secret, opts.previousSecret);

  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers,
      body: opts.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the answer so the connection is released; its content does not matter to us.
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { ok: true, status: res.status, durationMs: elapsed() }
      : { ok: false, status: res.status, error: `HTTP ${res.status}`, durationMs: elapsed() };
  } catch (err) {
    return { ok: false, error: describeFailure(err, timeoutMs), durationMs: elapsed() };
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  // Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm
  // (Node's own, under Jest's VM modules), where instanceof is false.
  const { name, message, cause } = asErrorLike(err);
  if (name === 'TimeoutError' || name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const detail = cause ? asErrorLike(cause) : undefined;
  return detail?.message ? `${message}: ${detail.message}` : message;
}

function asErrorLike(value: unknown): { name?: string; message: string; cause?: unknown } {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const v = value as { name?: unknown; message: unknown; cause?: unknown };
    return { name: typeof v.name === 'string' ? v.name : undefined, message: String(v.message), cause: v.cause };
  }
  return { message: String(value) };
}

/**
 * Delay before retry number `attempt` (1 = first retry), exponential with "full jitter":
 *
 *   delay = random() × min(maxMs, baseMs × 2^(attempt − 1))
 *
 * so retries of many failing deliveries spread out instead of hitting a recovering receiver
 * together. Defaults: baseMs 5 s, maxMs 1 h. Returns whole milliseconds between 0 and that cap.
 */
export function backoffDelay(
  attempt: number,
  opts: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const baseMs = opts.baseMs ?? 5_000;
  const maxMs = opts.maxMs ?? 3_600_000;
  const random = opts.random ?? Math.random;
  const exponent = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 1) - 1);
  // 2^exponent overflows to Infinity for large attempts; min() then caps it, as intended.
  const cap = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(Math.min(Math.max(random(), 0), 1) * cap);
}

/** One notification as the contract's webhook describes it. */
export interface WebhookNotification {
  id: string;
  kind: NotificationKind;
  agencyId: string;
  caseId: string;
  caseReference: string;
  taskId?: string;
  conferenceId?: string;
  dueAt?: Date | string;
  title: string;
  link: string;
}

/**
 * The raw JSON body of a webhook, keys in the contract's order and absent fields left out,
 * so the same notification always yields the same bytes (and signature) on every retry.
 */
export function webhookPayload(n: WebhookNotification): string {
  const body = {
    id: n.id,
    kind: n.kind,
    agencyId: n.agencyId,
    caseId: n.caseId,
    caseReference: n.caseReference,
    taskId: n.taskId,
    conferenceId: n.conferenceId,
    dueAt: n.dueAt instanceof Date ? n.dueAt.toISOString() : n.dueAt,
    title: n.title,
    link: n.link,
  };
  // JSON.stringify drops undefined values and keeps insertion order.
  return JSON.stringify(body);
}
