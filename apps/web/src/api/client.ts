import type { Problem } from './types';

const TOKEN_KEY = 'convene.token';
const SESSION_KEY = 'convene.session';

/** What the tab keeps of its session: the pair the server issued and when the access token expires. */
interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  ttlMs: number;
  /** Signed in through the partnership's provider: logout also ends the session there. */
  sso?: boolean;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** An HTTP error from the API, carrying its problem details (RFC 9457) when the server sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called once by the session provider: what to do when the server says the token is no good. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(SESSION_KEY);
  }
}

function storedSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const session = raw ? (JSON.parse(raw) as StoredSession) : null;
    // A token put there by anything but this session (another script, a stale tab) is not ours to refresh.
    return session && session.accessToken === getToken() ? session : null;
  } catch {
    return null;
  }
}

/** Keeps a new pair (login, refresh, single sign-on). */
export function storeSession(pair: TokenPair, sso = storedSession()?.sso ?? false): void {
  const ttlMs = pair.expiresIn * 1000;
  const session: StoredSession = { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + ttlMs, ttlMs, sso };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  sessionStorage.setItem(TOKEN_KEY, pair.accessToken);
}

export const isSsoSession = () => storedSession()?.sso === true;

/** When to refresh ahead of expiry: a fifth of the lifetime before it, at most 30 s before. */
export function refreshDueInMs(): number | null {
  const session = storedSession();
  if (!session) return null;
  return Math.max(0, session.expiresAt - Math.min(30_000, session.ttlMs / 5) - Date.now());
}

let refreshing: Promise<boolean> | null = null;

/**
 * Swaps the refresh token for a new pair, single-flight: concurrent callers share one request,
 * because a refresh token works once and a second use would end the whole session (reuse
 * detection). Resolves false when the session cannot go on (the caller signs out).
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const session = storedSession();
    if (!session) return false;
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!response.ok) {
        // 401: the session is over. Anything else (a blip): keep the tokens, a later try may work.
        if (response.status === 401 || response.status === 400) setToken(null);
        return false;
      }
      storeSession((await response.json()) as TokenPair, session.sso);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Login itself answers 401 for bad credentials: that is not an expired session. */
  anonymous?: boolean;
}

type Send = { response: Response } | { error: ApiError };

/** A fresh key for `Idempotency-Key`, so a retried click never sends the same event twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Sends a JSON request to the API and returns the parsed body; throws {@link ApiError} otherwise. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const send = async (): Promise<Send> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    const token = getToken();
    if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return { response: await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }) };
    } catch {
      return { error: new ApiError(0, { title: 'network' }) };
    }
  };
  // An access token about to expire is swapped first, so the request does not fail on the way.
  if (!options.anonymous && refreshDueInMs() === 0) await refreshSession();
  let sent = await send();
  // A 401 may just be an expired access token: refresh once and try again.
  if ('response' in sent && sent.response.status === 401 && !options.anonymous && storedSession() && (await refreshSession())) {
    sent = await send();
  }
  if ('error' in sent) throw sent.error;
  const response = sent.response;
  if (response.status === 401 && !options.anonymous) {
    setToken(null);
    unauthorizedHandler?.();
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    const problem: Problem = typeof parsed === 'object' && parsed !== null ? parsed : { status: response.status };
    throw new ApiError(response.status, { status: response.status, ...problem });
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>('POST', path, { body: body ?? {}, headers }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
};

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
