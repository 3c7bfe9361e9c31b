/**
 * A small plain OAuth 2.0 provider for tests, shaped like Login with Amazon: an authorize page with one
 * button per demo account, the code grant with PKCE (S256) and the implicit grant, a token endpoint for
 * public clients (code + verifier, refresh), `/user/profile` (Bearer) and `/auth/o2/tokeninfo`, which
 * the Cognito and STS stand-ins call to check an access token as AWS calls Amazon's and Facebook's.
 * Access tokens are opaque random strings kept in memory with their expiry: a restart forgets them.
 *
 * @see https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html
 * @see https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../oidc/pages.ts';

export interface OAuth2Account {
  userId: string;
  name: string;
  email: string;
}

export const OAUTH2_ACCOUNTS: readonly OAuth2Account[] = [
  { userId: 'oauth2.account.dora', name: 'Dora Diaz', email: 'dora@example.com' },
  { userId: 'oauth2.account.evan', name: 'Evan Ellis', email: 'evan@example.com' },
];

export interface OAuth2Client {
  clientId: string;
  redirectUris: string[];
}

export interface OAuth2ProviderOptions {
  /** 0 picks a free port. */
  port: number;
  clients: OAuth2Client[];
  /** Browser origins allowed to call the token, profile and tokeninfo endpoints. */
  allowedOrigins: string[];
  accessTokenTtlSeconds?: number;
  now?: () => number;
}

export interface RunningOAuth2Provider {
  /** e.g. http://127.0.0.1:45123 */
  url: string;
  port: number;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  profileEndpoint: string;
  tokenInfoEndpoint: string;
  /** For tests: an access token as if `userId` had signed in to `clientId`. */
  issueAccessToken(userId: string, clientId: string, ttlSeconds?: number): string;
  close(): Promise<void>;
}

interface AccessToken {
  userId: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

interface PendingCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;

export async function startOAuth2Provider(options: OAuth2ProviderOptions): Promise<RunningOAuth2Provider> {
  const now = options.now ?? Date.now;
  const ttlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, { userId: string; clientId: string }>();
  const codes = new Map<string, PendingCode>();

  const opaque = (prefix: string) => `${prefix}|${randomBytes(32).toString('base64url')}`;
  const issueAccessToken = (userId: string, clientId: string, ttlSeconds?: number) => {
    const token = opaque('Atza');
    const issuedAt = now();
    accessTokens.set(token, {
      userId,
      clientId,
      issuedAt,
      expiresAt: issuedAt + (ttlSeconds !== undefined ? ttlSeconds * 1000 : ttlMs),
    });
    return token;
  };
  const validToken = (token: string | null | undefined): AccessToken | undefined => {
    const entry = token ? accessTokens.get(token) : undefined;
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      accessTokens.delete(token ?? '');
      return undefined;
    }
    return entry;
  };
  const clientFor = (clientId: string | null) => options.clients.find((c) => c.clientId === clientId);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = request.headers.origin;
    if (origin && options.allowedOrigins.includes(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'authorization, content-type, accept',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /ap/oa':
        authorizePage(url.searchParams, response);
        return;
      case 'POST /ap/oa':
        authorizeDecision(new URLSearchParams(await readBody(request)), response);
        return;
      case 'POST /auth/o2/token':
        tokenEndpoint(new URLSearchParams(await readBody(request)), response);
        return;
      case 'GET /user/profile': {
        const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const entry = validToken(bearer ?? url.searchParams.get('access_token'));
        const account = entry && OAUTH2_ACCOUNTS.find((a) => a.userId === entry.userId);
        if (!account) {
          json(response, 401, invalidToken());
          return;
        }
        json(response, 200, { user_id: account.userId, name: account.name, email: account.email });
        return;
      }
      case 'GET /auth/o2/tokeninfo': {
        const entry = validToken(url.searchParams.get('access_token'));
        if (!entry) {
          json(response, 400, invalidToken());
          return;
        }
        json(response, 200, {
          user_id: entry.userId,
          aud: entry.clientId,
          app_id: entry.clientId,
          iat: Math.floor(entry.issuedAt / 1000),
          // Amazon's tokeninfo: seconds until the token expires.
          exp: Math.max(0, Math.floor((entry.expiresAt - now()) / 1000)),
        });
        return;
      }
      default:
        json(response, 404, { error: 'not_found' });
        return;
    }
  }

  /** Checks what can be checked before the user is involved; a bad client or redirect gets no redirect. */
  function authorizationRequest(params: URLSearchParams): { error: string } | { redirectUri: string } {
    const client = clientFor(params.get('client_id'));
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!client?.redirectUris.includes(redirectUri)) {
      return { error: 'Unknown client_id or redirect_uri not registered for it.' };
    }
    return { redirectUri };
  }

  function authorizePage(params: URLSearchParams, response: ServerResponse): void {
    const checked = authorizationRequest(params);
    if ('error' in checked) {
      html(response, 400, `<h1>Sign-in request refused</h1><p>${escapeHtml(checked.error)}</p>`);
      return;
    }
    const hidden = [...params]
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    const buttons = OAUTH2_ACCOUNTS.map(
      (account) =>
        `<li><button name="account" value="${escapeHtml(account.userId)}">Continue as ${escapeHtml(account.name)}</button></li>`,
    ).join('');
    html(
      response,
      200,
      `<h1>Local OAuth 2.0 sign-in</h1>
<p>A stand-in for Login with Amazon / Facebook: the app gets an access token, not an ID token.</p>
<form method="post" action="/ap/oa">${hidden}<ul>${buttons}</ul>
<button name="account" value="" class="secondary">Cancel</button></form>`,
    );
  }

  function authorizeDecision(params: URLSearchParams, response: ServerResponse): void {
    const checked = authorizationRequest(params);
    if ('error' in checked) {
      html(response, 400, `<p>${escapeHtml(checked.error)}</p>`);
      return;
    }
    const responseType = params.get('response_type');
    const state = params.get('state');
    const answer = (values: Record<string, string>) => {
      const target = new URL(checked.redirectUri);
      const all = new URLSearchParams({ ...values, ...(state ? { state } : {}) });
      if (responseType === 'token') target.hash = all.toString();
      else for (const [name, value] of all) target.searchParams.set(name, value);
      response.writeHead(303, { location: target.href, 'cache-control': 'no-store' });
      response.end();
    };
    const account = OAUTH2_ACCOUNTS.find((a) => a.userId === params.get('account'));
    if (!account) {
      answer({ error: 'access_denied' });
      return;
    }
    const clientId = params.get('client_id') ?? '';
    if (responseType === 'token') {
      answer({
        access_token: issueAccessToken(account.userId, clientId),
        token_type: 'bearer',
        expires_in: String(Math.floor(ttlMs / 1000)),
      });
      return;
    }
    if (responseType !== 'code') {
      answer({ error: 'unsupported_response_type' });
      return;
    }
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge || params.get('code_challenge_method') !== 'S256') {
      // A public client without PKCE could have its code redeemed by whoever intercepts it.
      answer({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
      return;
    }
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      userId: account.userId,
      clientId,
      redirectUri: checked.redirectUri,
      codeChallenge,
      expiresAt: now() + CODE_TTL_MS,
    });
    answer({ code });
    return;
  }

  function tokenEndpoint(params: URLSearchParams, response: ServerResponse): void {
    const clientId = params.get('client_id') ?? '';
    if (!clientFor(clientId)) {
      json(response, 401, { error: 'invalid_client' });
      return;
    }
    const grant = (userId: string) => {
      const refreshToken = opaque('Atzr');
      refreshTokens.set(refreshToken, { userId, clientId });
      json(response, 200, {
        access_token: issueAccessToken(userId, clientId),
        token_type: 'bearer',
        expires_in: Math.floor(ttlMs / 1000),
        refresh_token: refreshToken,
      });
    };
    switch (params.get('grant_type')) {
      case 'authorization_code': {
        const code = params.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code);
        const verifier = params.get('code_verifier') ?? '';
        if (
          !pending ||
          pending.expiresAt <= now() ||
          pending.clientId !== clientId ||
          pending.redirectUri !== params.get('redirect_uri') ||
          createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge
        ) {
          json(response, 400, { error: 'invalid_grant' });
          return;
        }
        grant(pending.userId);
        return;
      }
      case 'refresh_token': {
        const refreshToken = params.get('refresh_token') ?? '';
        const entry = refreshTokens.get(refreshToken);
        if (!entry || entry.clientId !== clientId) {
          json(response, 400, { error: 'invalid_grant' });
          return;
        }
        refreshTokens.delete(refreshToken);
        grant(entry.userId);
        return;
      }
      default:
        json(response, 400, { error: 'unsupported_grant_type' });
        return;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        json(response, 500, { error: 'server_error', error_description: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    authorizationEndpoint: `${url}/ap/oa`,
    tokenEndpoint: `${url}/auth/o2/token`,
    profileEndpoint: `${url}/user/profile`,
    tokenInfoEndpoint: `${url}/auth/o2/tokeninfo`,
    issueAccessToken,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function invalidToken() {
  return { error: 'invalid_token', error_description: 'The access token is unknown or expired.' };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) request.destroy(new Error('request body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local OAuth 2.0 sign-in</title></head>
<body><main>${body}</main></body></html>`);
}
