/**
 * The OAuth 2.0 steps: the pure parts on their own, then both grants end to end against the local fake
 * provider (real HTTP), the browser's part being the redirect URLs it would follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOAuth2Provider, startOAuth2Provider } from '../../local-aws/oauth2/provider.ts';
import {
  buildOAuth2AuthorizationUrl,
  callbackState,
  codeGrantRequest,
  isOAuth2Provider,
  type OAuth2Provider,
  parseOAuth2AuthorizationResponse,
  processProfileResponse,
  processTokenResponse,
  profileRequest,
  refreshGrantRequest,
  toOAuth2StoredTokens,
} from './oauth2-client.ts';
import { createAuthorizationSecrets } from './pkce.ts';
import { ProviderRegistry } from './providers.ts';

const APP = 'http://127.0.0.1:5173';
const REDIRECT_URI = `${APP}/auth/callback`;
const CLIENT_ID = 'test-oauth2-client';

function registryWith(fake: RunningOAuth2Provider, grant: 'code' | 'implicit'): ProviderRegistry {
  return new ProviderRegistry([
    {
      id: 'fake',
      label: 'Fake',
      issuer: fake.url,
      clientId: CLIENT_ID,
      loginsKey: 'oauth2.local',
      protocol: 'oauth2',
      authorizationEndpoint: fake.authorizationEndpoint,
      ...(grant === 'code' ? { tokenEndpoint: fake.tokenEndpoint } : {}),
      profileEndpoint: fake.profileEndpoint,
    },
  ]);
}

function oauth2(registry: ProviderRegistry, id: string): OAuth2Provider {
  const provider = registry.get(id);
  if (!isOAuth2Provider(provider)) throw new Error(`${id} is not an OAuth 2.0 provider`);
  return provider;
}

/** What the browser does at the provider: open its page, press "Continue as <name>", follow the redirect. */
async function signInAt(fake: RunningOAuth2Provider, authorizationUrl: URL, name: string): Promise<URL> {
  const page = await (await fetch(authorizationUrl)).text();
  expect(page).toContain('Continue as Dora Diaz');
  const form = new URLSearchParams(authorizationUrl.searchParams);
  form.set('account', name === 'nobody' ? '' : `oauth2.account.${name.split(' ')[0]?.toLowerCase()}`);
  const decision = await fetch(fake.authorizationEndpoint, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(decision.status).toBe(303);
  return new URL(decision.headers.get('location') ?? '');
}

describe('OAuth 2.0 provider config', () => {
  it('knows Facebook (implicit) and Login with Amazon (code + PKCE) endpoints', () => {
    const registry = new ProviderRegistry([
      {
        id: 'fb',
        label: 'Facebook',
        issuer: 'https://www.facebook.com',
        clientId: '1',
        loginsKey: 'graph.facebook.com',
      },
      {
        id: 'amzn',
        label: 'Amazon',
        issuer: 'https://www.amazon.com',
        clientId: '2',
        loginsKey: 'www.amazon.com',
      },
    ]);
    const facebook = oauth2(registry, 'fb');
    expect(facebook.oauth2.authorization.href).toBe('https://www.facebook.com/v19.0/dialog/oauth');
    expect(facebook.oauth2.token).toBeUndefined();
    expect(facebook.oauth2.profileTokenIn).toBe('query');
    const amazon = oauth2(registry, 'amzn');
    expect(amazon.oauth2.token?.href).toBe('https://api.amazon.com/auth/o2/token');
    expect(amazon.oauth2.profile.href).toBe('https://api.amazon.com/user/profile');
  });

  it('leaves an OAuth 2.0 provider without endpoints, or with http ones elsewhere, off the menu', () => {
    const warnings: string[] = [];
    const registry = new ProviderRegistry(
      [
        {
          id: 'a',
          label: 'A',
          issuer: 'https://a.example',
          clientId: 'c',
          loginsKey: 'a.example',
          protocol: 'oauth2',
        },
        {
          id: 'b',
          label: 'B',
          issuer: 'https://b.example',
          clientId: 'c',
          loginsKey: 'b.example',
          protocol: 'oauth2',
          authorizationEndpoint: 'http://b.example/authorize',
          profileEndpoint: 'https://b.example/me',
        },
      ],
      (message) => warnings.push(message),
    );
    expect(registry.list()).toEqual([]);
    expect(warnings).toHaveLength(2);
  });
});

describe('authorization responses', () => {
  it('reads a code from the query and a token from the fragment, checking state', () => {
    expect(parseOAuth2AuthorizationResponse(new URL(`${REDIRECT_URI}?code=c1&state=s1`), 's1')).toEqual({
      kind: 'code',
      code: 'c1',
    });
    const implicit = new URL(
      `${REDIRECT_URI}#access_token=Atza%7Cx&token_type=bearer&expires_in=3600&state=s2`,
    );
    expect(callbackState(implicit)).toBe('s2');
    expect(parseOAuth2AuthorizationResponse(implicit, 's2')).toEqual({
      kind: 'token',
      accessToken: 'Atza|x',
      expiresInSeconds: 3600,
    });
    expect(() => parseOAuth2AuthorizationResponse(implicit, 'other')).toThrow(
      expect.objectContaining({ code: 'callback-invalid' }),
    );
    expect(() =>
      parseOAuth2AuthorizationResponse(new URL(`${REDIRECT_URI}?error=access_denied&state=s3`), 's3'),
    ).toThrow(expect.objectContaining({ code: 'sign-in-cancelled' }));
  });

  it('reads Facebook and Amazon profiles', async () => {
    const response = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
    await expect(processProfileResponse(response({ id: '10', name: 'Fay' }))).resolves.toEqual({
      sub: '10',
      name: 'Fay',
    });
    await expect(
      processProfileResponse(response({ user_id: 'amzn1.account.X', name: 'Al', email: 'al@example.com' })),
    ).resolves.toEqual({ sub: 'amzn1.account.X', name: 'Al', email: 'al@example.com' });
    await expect(processProfileResponse(response({ error: 'invalid_token' }, 401))).rejects.toMatchObject({
      code: 'sign-in-failed',
    });
  });

  it('stores the access token as the token AWS takes, with its expiry', () => {
    const tokens = toOAuth2StoredTokens(
      'fb',
      { accessToken: 'EAA', expiresInSeconds: 60 },
      { sub: '1', name: 'F' },
      1000,
    );
    expect(tokens).toMatchObject({
      protocol: 'oauth2',
      idToken: 'EAA',
      accessToken: 'EAA',
      expiresAt: 61_000,
    });
    expect(tokens.refreshToken).toBeUndefined();
  });
});

describe('against the local OAuth 2.0 provider', () => {
  let fake: RunningOAuth2Provider;
  beforeAll(async () => {
    fake = await startOAuth2Provider({
      port: 0,
      clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI] }],
      allowedOrigins: [APP],
    });
  });
  afterAll(() => fake.close());

  it('code + PKCE: the code is exchanged with the verifier, the profile says who, refresh renews', async () => {
    const provider = oauth2(registryWith(fake, 'code'), 'fake');
    const secrets = await createAuthorizationSecrets();
    const url = buildOAuth2AuthorizationUrl(provider, REDIRECT_URI, secrets);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge')).toBe(secrets.codeChallenge);

    const callback = await signInAt(fake, url, 'Dora Diaz');
    const response = parseOAuth2AuthorizationResponse(callback, secrets.state);
    if (response.kind !== 'code') throw new Error('expected a code');

    // Without the verifier the code is useless.
    const stolen = await processTokenResponse(
      await codeGrantRequest(provider, response.code, REDIRECT_URI, 'x'.repeat(43)),
    ).catch((error: unknown) => error);
    expect(stolen).toMatchObject({ code: 'session-expired' });

    const callback2 = await signInAt(fake, url, 'Dora Diaz');
    const second = parseOAuth2AuthorizationResponse(callback2, secrets.state);
    if (second.kind !== 'code') throw new Error('expected a code');
    const token = await processTokenResponse(
      await codeGrantRequest(provider, second.code, REDIRECT_URI, secrets.codeVerifier),
    );
    expect(token.refreshToken).toBeTruthy();
    const claims = await processProfileResponse(await profileRequest(provider, token.accessToken));
    expect(claims).toEqual({ sub: 'oauth2.account.dora', name: 'Dora Diaz', email: 'dora@example.com' });

    const renewed = await processTokenResponse(await refreshGrantRequest(provider, token.refreshToken ?? ''));
    expect(renewed.accessToken).not.toBe(token.accessToken);
    await expect(
      processTokenResponse(await refreshGrantRequest(provider, token.refreshToken ?? '')),
    ).rejects.toMatchObject({ code: 'session-expired' });
  });

  it('implicit: the token comes back in the fragment', async () => {
    const provider = oauth2(registryWith(fake, 'implicit'), 'fake');
    const secrets = await createAuthorizationSecrets();
    const url = buildOAuth2AuthorizationUrl(provider, REDIRECT_URI, secrets);
    expect(url.searchParams.get('response_type')).toBe('token');
    expect(url.searchParams.has('code_challenge')).toBe(false);

    const callback = await signInAt(fake, url, 'Evan Ellis');
    expect(callback.search).toBe('');
    const response = parseOAuth2AuthorizationResponse(callback, secrets.state);
    if (response.kind !== 'token') throw new Error('expected a token');
    const claims = await processProfileResponse(await profileRequest(provider, response.accessToken));
    expect(claims.name).toBe('Evan Ellis');
  });

  it('cancelling at the provider comes back as access_denied', async () => {
    const provider = oauth2(registryWith(fake, 'code'), 'fake');
    const secrets = await createAuthorizationSecrets();
    const callback = await signInAt(
      fake,
      buildOAuth2AuthorizationUrl(provider, REDIRECT_URI, secrets),
      'nobody',
    );
    expect(() => parseOAuth2AuthorizationResponse(callback, secrets.state)).toThrow(
      expect.objectContaining({ code: 'sign-in-cancelled' }),
    );
  });
});
