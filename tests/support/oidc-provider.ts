import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export const OIDC_CLIENT = { id: 'convene', secret: 'convene-test-client-secret-0123456789' };

export interface TestAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  /** People who can sign in at this provider, by email (their account id). */
  accounts: Map<string, TestAccount>;
  /** Registers Convene at `appUrl` as the client and starts answering (the app's port is known only after it starts). */
  register(appUrl: string): void;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A real, certified OpenID provider (`oidc-provider`) on 127.0.0.1 with its own RSA signing key,
 * for the single sign-on tests. Its login step is ours: `GET /interaction/:uid` is a form asking
 * for an email, `POST /interaction/:uid` signs that account in (no password: this is the
 * provider's business, not Convene's). Consent is implied for the one client.
 */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  let handler: http.RequestListener | undefined;
  const server = http.createServer((req, res) => {
    if (!handler) return void res.writeHead(503).end();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const register = (appUrl: string) => {
    const configuration: Configuration = {
      clients: [
        {
          client_id: OIDC_CLIENT.id,
          client_secret: OIDC_CLIENT.secret,
          redirect_uris: [`${appUrl}/api/auth/oidc/callback`],
          post_logout_redirect_uris: [`${appUrl}/login`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomUUID()] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // Put the email claims in the ID token itself (many providers do; Convene reads UserInfo otherwise).
      conformIdTokenClaims: false,
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => {
            ctx.body = page('Sign out of the test provider', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
          },
        },
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, id) => {
        const account = accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified, name: account.name ?? account.email }),
        };
      },
      // The one client needs no consent screen: grant what it asks for.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    };
    const provider = new Provider(issuer, configuration);
    const oidcCallback = provider.callback();
    handler = (req, res) => {
      const match = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url ?? '/', issuer).pathname);
      if (!match) return void oidcCallback(req, res);
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          if (req.method === 'GET') {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
              page(
                'Sign in at the test provider',
                `<form method="post" action="/interaction/${escape(details.uid)}"><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username"> <button type="submit">Continue</button></form>`,
              ),
            );
            return;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          const email = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('email') ?? '';
          if (!accounts.has(email)) {
            await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown account' }, { mergeWithLastSubmission: false });
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false });
        } catch (error) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end(String((error as Error).message));
        }
      })();
    };
  };

  return {
    issuer,
    accounts,
    register,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A minimal browser for fetch: follows redirects by hand across origins, keeping each origin's cookies. */
export class CookieBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** Follows redirects from `url` until an answer that is not a redirect or a URL `stopAt` accepts. */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt: (u: URL) => boolean = () => false): Promise<{ url: URL; status: number; text: string }> {
    let current = new URL(url);
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hops = 0; hops < 20; hops++) {
      if (stopAt(current)) return { url: current, status: 0, text: '' };
      const jar = this.jar(current.origin);
      const headers: Record<string, string> = {};
      if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method, headers, body, redirect: 'manual' });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair = '', ...attributes] = cookie.split(';'); // split always yields at least one part
        const [name = '', ...value] = pair.split('=');
        const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0/i.test(a));
        if (expired || value.join('=') === '') jar.delete(name.trim());
        else jar.set(name.trim(), value.join('='));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current);
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, status: res.status, text: await res.text() };
    }
    throw new Error('too many redirects');
  }

  private jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map<string, string>()));
    return jar;
  }
}
