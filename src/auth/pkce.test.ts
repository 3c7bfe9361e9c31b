import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, createAuthorizationSecrets } from './pkce.ts';

describe('PKCE and the authorization request', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await calculatePKCECodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes fresh, unguessable secrets whose challenge matches the verifier', async () => {
    const a = await createAuthorizationSecrets();
    const b = await createAuthorizationSecrets();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(a.codeChallenge).toBe(await calculatePKCECodeChallenge(a.codeVerifier));
    expect(new Set([a.codeVerifier, a.state, a.nonce, b.codeVerifier, b.state, b.nonce]).size).toBe(6);
  });

  it('puts the public halves, never the verifier, into the authorization URL', async () => {
    const secrets = await createAuthorizationSecrets();
    const url = buildAuthorizationUrl(
      { issuer: 'http://127.0.0.1:4567', authorization_endpoint: 'http://127.0.0.1:4567/auth?foo=1' },
      {
        id: 'local',
        clientId: 'inkwell-web',
        scope: 'openid profile',
        authorizationParams: { prompt: 'login' },
      },
      'http://127.0.0.1:5173/auth/callback',
      secrets,
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      foo: '1',
      prompt: 'login',
      client_id: 'inkwell-web',
      redirect_uri: 'http://127.0.0.1:5173/auth/callback',
      response_type: 'code',
      scope: 'openid profile',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: secrets.codeChallenge,
      code_challenge_method: 'S256',
    });
    expect(url.href).not.toContain(secrets.codeVerifier);
  });

  it('lets no provider parameter override the protocol ones', async () => {
    const secrets = await createAuthorizationSecrets();
    const url = buildAuthorizationUrl(
      { issuer: 'https://id.example', authorization_endpoint: 'https://id.example/authorize' },
      {
        id: 'x',
        clientId: 'c',
        scope: 'openid',
        authorizationParams: { code_challenge_method: 'plain', state: 'fixed' },
      },
      'https://app.example/auth/callback',
      secrets,
    );
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe(secrets.state);
  });

  it('refuses a provider without an authorization endpoint', () => {
    expect(() =>
      buildAuthorizationUrl(
        { issuer: 'https://id.example' },
        { id: 'x', clientId: 'c', scope: 'openid', authorizationParams: {} },
        'https://app.example/auth/callback',
        { codeChallenge: 'c', state: 's', nonce: 'n' },
      ),
    ).toThrow(expect.objectContaining({ code: 'provider-unsupported' }));
  });
});
