import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieBrowser, obtainTokens } from './headless-login.ts';
import {
  decodeClaims,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_POST_LOGOUT_URI,
  TEST_REDIRECT_URI,
  type TestProvider,
} from './testing.ts';

let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider();
});
afterAll(() => provider.dispose());

function authorizationUrl(overrides: Record<string, string | undefined> = {}): URL {
  const url = new URL(`${provider.issuer}/auth`);
  const params: Record<string, string | undefined> = {
    client_id: TEST_CLIENT_ID,
    redirect_uri: TEST_REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile email',
    state: 'some-state',
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

async function tokenRequest(body: Record<string, string>) {
  const response = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

describe('discovery', () => {
  it('publishes a code-flow-only, PKCE S256 provider at its issuer', async () => {
    const discovery = (await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(provider.issuer);
    expect(provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.end_session_endpoint).toBe(`${provider.issuer}/session/end`);
    expect(discovery.userinfo_endpoint).toBe(`${provider.issuer}/me`);
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'profile', 'email']),
    );
  });

  it('publishes only the public half of its persisted RS256 key', async () => {
    const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as {
      keys: Record<string, string>[];
    };
    const stored = JSON.parse(readFileSync(join(provider.dataDir, 'oidc', 'jwks.json'), 'utf8')) as {
      keys: Record<string, string>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: stored.keys[0]?.kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(stored.keys[0]).toHaveProperty('d');
  });
});

describe('sign-in', () => {
  it('issues alice a signed ID token with her profile, for the client', async () => {
    const tokens = await obtainTokens({
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'alice',
    });
    const { payload, protectedHeader } = await jwtVerify(
      tokens.idToken,
      createRemoteJWKSet(new URL(`${provider.issuer}/jwks`)),
      { issuer: provider.issuer, audience: TEST_CLIENT_ID },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'alice',
      name: 'Alice Archer',
      preferred_username: 'alice',
      email: 'alice@inkwell.test',
      aud: TEST_CLIENT_ID,
    });
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('puts the profile in the ID token even when only openid is asked for', async () => {
    const tokens = await obtainTokens({
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'bob',
      scope: 'openid',
    });
    expect(decodeClaims(tokens.idToken)).toMatchObject({
      sub: 'bob',
      name: 'Bob Baker',
      email: 'bob@inkwell.test',
    });
  });

  it('gives a typed name a stable slug subject, remembered in accounts.json', async () => {
    const login = (username: string) =>
      obtainTokens({
        issuer: provider.issuer,
        clientId: TEST_CLIENT_ID,
        redirectUri: TEST_REDIRECT_URI,
        username,
      });
    const first = decodeClaims((await login('Dána  Drake')).idToken);
    const again = decodeClaims((await login('Dana Drake')).idToken);
    expect(first).toMatchObject({ sub: 'dana-drake', name: 'Dána Drake', preferred_username: 'dana-drake' });
    expect(again.sub).toBe('dana-drake');
    const accounts = JSON.parse(readFileSync(join(provider.dataDir, 'oidc', 'accounts.json'), 'utf8')) as {
      sub: string;
    }[];
    expect(accounts.map((account) => account.sub)).toEqual(['alice', 'bob', 'carol', 'dana-drake']);
  });

  it('serves its own login page with accessible names for each way in', async () => {
    const page = await new CookieBrowser().follow(authorizationUrl(), TEST_REDIRECT_URI);
    expect(page.kind).toBe('page');
    const html = page.kind === 'page' ? page.html : '';
    expect(page.url.pathname).toMatch(/^\/interaction\/[\w-]+$/);
    expect(html).toContain('<title>Sign in to Inkwell (local)</title>');
    for (const name of ['Alice Archer', 'Bob Baker', 'Carol Chen'])
      expect(html).toContain(`>Sign in as ${name}</button>`);
    expect(html).toContain('<label for="name">Or sign in with any name</label>');
    expect(html).toContain('<input id="name" name="name"');
  });

  it('re-renders the page with an alert when the name has no letters', async () => {
    const browser = new CookieBrowser();
    const page = await browser.follow(authorizationUrl(), TEST_REDIRECT_URI);
    const answer = await browser.follow(
      new URL(`${page.url.pathname}/login`, page.url),
      TEST_REDIRECT_URI,
      new URLSearchParams({ name: '  --- ' }),
    );
    expect(answer.kind === 'page' && answer.html).toContain('role="alert"');
  });

  it('tells the app when the user cancels', async () => {
    const browser = new CookieBrowser();
    const page = await browser.follow(authorizationUrl(), TEST_REDIRECT_URI);
    const answer = await browser.follow(
      new URL(`${page.url.pathname}/abort`, page.url),
      TEST_REDIRECT_URI,
      new URLSearchParams(),
    );
    expect(answer.kind).toBe('redirect-to-app');
    expect(answer.url.searchParams.get('error')).toBe('access_denied');
    expect(answer.url.searchParams.get('state')).toBe('some-state');
  });

  it('refuses a request without PKCE, and never redirects to an unregistered URI', async () => {
    const withoutPkce = await new CookieBrowser().follow(
      authorizationUrl({ code_challenge: undefined, code_challenge_method: undefined }),
      TEST_REDIRECT_URI,
    );
    expect(withoutPkce.kind).toBe('redirect-to-app');
    expect(withoutPkce.url.searchParams.get('error')).toBe('invalid_request');

    const elsewhere = await new CookieBrowser().follow(
      authorizationUrl({ redirect_uri: 'http://127.0.0.1:6666/steal' }),
      TEST_REDIRECT_URI,
    );
    expect(elsewhere.kind).toBe('page');
    expect(elsewhere.kind === 'page' && elsewhere.html).toContain('redirect_uri did not match');
  });

  it('signs a returning browser straight in, until it signs out', async () => {
    const browser = new CookieBrowser();
    const tokens = await obtainTokens({
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'carol',
      browser,
    });
    const again = await browser.follow(authorizationUrl(), TEST_REDIRECT_URI);
    expect(again.kind).toBe('redirect-to-app');
    expect(again.url.searchParams.get('code')).toEqual(expect.any(String));

    const endSession = new URL(`${provider.issuer}/session/end`);
    endSession.searchParams.set('id_token_hint', tokens.idToken);
    endSession.searchParams.set('post_logout_redirect_uri', TEST_POST_LOGOUT_URI);
    const confirm = await browser.follow(endSession, TEST_POST_LOGOUT_URI);
    expect(confirm.kind).toBe('page');
    const html = confirm.kind === 'page' ? confirm.html : '';
    // With an id_token_hint the page submits itself; here we do what its script does.
    expect(html).toContain('form.submit()');
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const done = await browser.follow(
      new URL(action, confirm.url),
      TEST_POST_LOGOUT_URI,
      new URLSearchParams({ xsrf, logout: 'yes' }),
    );
    expect(done.kind).toBe('redirect-to-app');

    const afterSignOut = await browser.follow(authorizationUrl(), TEST_REDIRECT_URI);
    expect(afterSignOut.kind).toBe('page');
  });
});

describe('tokens', () => {
  it('rotates refresh tokens: a new ID token once, then the old refresh token is spent', async () => {
    const tokens = await obtainTokens({
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'alice',
    });
    const refresh = {
      grant_type: 'refresh_token',
      client_id: TEST_CLIENT_ID,
      refresh_token: tokens.refreshToken ?? '',
    };
    const first = await tokenRequest(refresh);
    expect(first.status).toBe(200);
    expect(decodeClaims(first.json.id_token ?? '')).toMatchObject({ sub: 'alice', name: 'Alice Archer' });
    expect(first.json.refresh_token).not.toBe(tokens.refreshToken);
    const reused = await tokenRequest(refresh);
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe('invalid_grant');
  });

  it('answers userinfo for the access token', async () => {
    const tokens = await obtainTokens({
      issuer: provider.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'bob',
    });
    const response = await fetch(`${provider.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(await response.json()).toMatchObject({ sub: 'bob', name: 'Bob Baker', email: 'bob@inkwell.test' });
  });

  it('allows CORS on the token endpoint from the app origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${provider.issuer}/token`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    expect((await preflight('http://127.0.0.1:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://127.0.0.1:5173',
    );
    const refresh = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { origin: 'http://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: TEST_CLIENT_ID,
        refresh_token: 'x',
      }),
    });
    expect(refresh.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('restart', () => {
  it('keeps keys, accounts and refresh tokens in the data directory', async () => {
    const first = await startTestProvider();
    const tokens = await obtainTokens({
      issuer: first.issuer,
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      username: 'Erin Ellis',
    });
    const keysBefore = await (await fetch(`${first.issuer}/jwks`)).json();
    await first.close();
    // Let this process's fetch notice the old server's sockets closing, or it reuses a dead one.
    await setTimeout(100);

    const second = await startTestProvider({ dataDir: first.dataDir, port: first.port });
    try {
      expect(second.issuer).toBe(first.issuer);
      expect(await (await fetch(`${second.issuer}/jwks`)).json()).toEqual(keysBefore);
      const refreshed = await fetch(`${second.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: TEST_CLIENT_ID,
          refresh_token: tokens.refreshToken ?? '',
        }),
      });
      expect(refreshed.status).toBe(200);
      const { id_token: idToken } = (await refreshed.json()) as { id_token: string };
      expect(decodeClaims(idToken)).toMatchObject({ sub: 'erin-ellis', name: 'Erin Ellis' });
    } finally {
      await second.dispose();
    }
  });
});
