/**
 * Signs in at the local OpenID provider without a browser: the real authorization code flow with PKCE
 * (RFC 6749 §4.1, RFC 7636), driven over HTTP with a cookie jar, by submitting the provider's own login
 * page. Scripts and tests use it to get genuine tokens for a named account.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface HeadlessLoginOptions {
  issuer: string;
  clientId: string;
  /** Must be registered for the client; nothing needs to listen there, the code is read from the redirect. */
  redirectUri: string;
  /** A demo account (alice, bob, carol) or any name, as typed into "Or sign in with any name". */
  username: string;
  /** Default `openid profile email offline_access`. */
  scope?: string;
  /** Reuse a cookie jar, to continue a sign-in session (tests of single sign-on and sign-out). */
  browser?: CookieBrowser;
}

export interface ObtainedTokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires. */
  expiresAt: Date;
}

export class HeadlessLoginError extends Error {
  override readonly name = 'HeadlessLoginError';
}

const MAX_HOPS = 20;

export async function obtainTokens(options: HeadlessLoginOptions): Promise<ObtainedTokens> {
  const discovery = await fetchJson(`${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const authorizationEndpoint = stringField(discovery, 'authorization_endpoint');
  const tokenEndpoint = stringField(discovery, 'token_endpoint');

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const authorizationUrl = new URL(authorizationEndpoint);
  authorizationUrl.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email offline_access',
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const browser = options.browser ?? new CookieBrowser();
  let response = await browser.follow(authorizationUrl, options.redirectUri);
  if (response.kind === 'page') {
    const form = loginFormRequest(response.html, response.url, options.username);
    response = await browser.follow(form.url, options.redirectUri, form.body);
  }
  if (response.kind === 'page') {
    throw new HeadlessLoginError(
      `sign-in did not return to the app; provider said: ${textOf(response.html)}`,
    );
  }

  const callback = response.url.searchParams;
  if (callback.get('error')) {
    throw new HeadlessLoginError(`${callback.get('error')}: ${callback.get('error_description') ?? ''}`);
  }
  if (callback.get('state') !== state) throw new HeadlessLoginError('state mismatch on the redirect');
  const code = callback.get('code');
  if (!code) throw new HeadlessLoginError('no authorization code on the redirect');

  const tokens = await fetchJson(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      client_id: options.clientId,
      code_verifier: verifier,
    }),
  });
  const idToken = stringField(tokens, 'id_token');
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as {
    nonce?: string;
  };
  if (claims.nonce !== nonce) throw new HeadlessLoginError('nonce mismatch in the ID token');
  const refreshToken = tokens.refresh_token;
  return {
    idToken,
    accessToken: stringField(tokens, 'access_token'),
    ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
    expiresAt: new Date(Date.now() + Number(tokens.expires_in ?? 0) * 1000),
  };
}

/** Picks the demo account's button when there is one, else types the name into the free-form field. */
function loginFormRequest(html: string, pageUrl: URL, username: string): { url: URL; body: URLSearchParams } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new HeadlessLoginError(`no login form on ${pageUrl}: ${textOf(html)}`);
  const demoAccounts = [...html.matchAll(/<button type="submit" name="account" value="([^"]+)"/g)].map(
    (match) => match[1],
  );
  const body = new URLSearchParams(
    demoAccounts.includes(username) ? { account: username } : { name: username },
  );
  return { url: new URL(decodeEntities(action), pageUrl), body };
}

export type HopResult = { kind: 'page'; url: URL; html: string } | { kind: 'redirect-to-app'; url: URL };

/** Follows redirects by hand, keeping cookies per path as a browser would, and stops at the app. */
export class CookieBrowser {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  /** Requests `start` (a form POST when `formBody` is given) and follows redirects until a page or the app. */
  async follow(start: URL, appRedirectUri: string, formBody?: URLSearchParams): Promise<HopResult> {
    let url = start;
    let body = formBody;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const response = await fetch(url, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: this.#cookieHeader(url),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body ? { body } : {}),
      });
      this.#store(response, url);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, url);
        if (`${next.origin}${next.pathname}` === appRedirectUri.split('?')[0])
          return { kind: 'redirect-to-app', url: next };
        url = next;
        body = undefined;
        continue;
      }
      return { kind: 'page', url, html: await response.text() };
    }
    throw new HeadlessLoginError(`more than ${MAX_HOPS} redirects`);
  }

  #cookieHeader(url: URL): string {
    return [...this.#cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  #store(response: Response, url: URL): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const expires = attribute('expires');
      const removed = value === '' || (expires !== undefined && Date.parse(expires) <= Date.now());
      // Keyed by name alone: the provider never sets one name on two paths.
      if (removed) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path: attribute('path') ?? url.pathname.replace(/[^/]*$/, '') });
    }
  }
}

async function fetchJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init).catch((cause: unknown) => {
    const reason = (cause as { cause?: { code?: string } }).cause?.code ?? String(cause);
    throw new HeadlessLoginError(`cannot reach ${url}: ${reason}`, { cause });
  });
  const text = await response.text();
  if (!response.ok)
    throw new HeadlessLoginError(`${init?.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function stringField(object: Record<string, unknown>, field: string): string {
  const value = object[field];
  if (typeof value !== 'string') throw new HeadlessLoginError(`response has no ${field}`);
  return value;
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

function textOf(html: string): string {
  return decodeEntities(html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
