/**
 * A response: the caller names the few documented fields it reads (`T`); the body is the parsed JSON
 * as the API sent it, not validated again here (the API's own response schemas hold its shape).
 */
export interface DemoResponse<T = unknown> {
  status: number;
  body: T;
}

/** Thrown when the API answers something the seed did not expect; carries the problem detail. */
export class DemoSeedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DemoSeedError';
  }
}

/**
 * A minimal JSON client for the public HTTP API. The demo seed goes through it only, so the data it
 * creates is exactly what a client of the API could create.
 */
export class DemoClient {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** Logs in (once per email) and returns the bearer token. */
  async login(email: string, password: string): Promise<string> {
    const known = this.tokens.get(email);
    if (known) return known;
    const res = await this.send<{ accessToken: string }>('POST', '/api/auth/login', undefined, { email, password });
    if (res.status !== 200) {
      throw new DemoSeedError(`cannot log in as ${email} (HTTP ${res.status}): ${describe(res.body)}`, res.status);
    }
    this.tokens.set(email, res.body.accessToken);
    return res.body.accessToken;
  }

  /** Sends a request and fails unless the status is one of `expected`. */
  async call<T = unknown>(method: string, path: string, token: string | undefined, body?: unknown, expected: number[] = [200, 201]): Promise<DemoResponse<T>> {
    let res = await this.send<T>(method, path, token, body);
    // A transaction PostgreSQL aborted for a concurrent one (the worker sending a reminder, say)
    // changed nothing and says so: send it again.
    for (let retry = 1; retry <= 3 && res.status === 409 && (res.body as { retryable?: unknown } | null | undefined)?.retryable === true; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 50 * retry));
      res = await this.send<T>(method, path, token, body);
    }
    if (!expected.includes(res.status)) {
      throw new DemoSeedError(`${method} ${path} answered ${res.status}: ${describe(res.body)}`, res.status);
    }
    return res;
  }

  /** Sends a request and returns whatever came back. */
  async send<T = unknown>(method: string, path: string, token: string | undefined, body?: unknown): Promise<DemoResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: res.status, body: parsed as T };
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const p = body as { title?: string; detail?: string; errors?: unknown };
    return [p.title, p.detail, p.errors ? JSON.stringify(p.errors) : undefined].filter(Boolean).join(' — ') || JSON.stringify(body);
  }
  return String(body).slice(0, 300);
}
