import { setTimeout } from 'node:timers/promises';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeClaims,
  signWithProviderKey,
  startTestProvider,
  TEST_CLIENT_ID,
  type TestProvider,
} from '../oidc/testing.ts';
import {
  IssuerKeyCache,
  type VerifyWebIdentityTokenOptions,
  verifyWebIdentityToken,
  WebIdentityTokenError,
} from './verify-token.ts';

let provider: TestProvider;
let aliceToken: string;
let trusted: VerifyWebIdentityTokenOptions;

beforeAll(async () => {
  provider = await startTestProvider();
  aliceToken = await provider.idTokenFor('alice');
  trusted = { trustedIssuers: [{ issuer: provider.issuer, audiences: [TEST_CLIENT_ID] }] };
});
afterAll(() => provider.dispose());

async function rejection(token: string, options: VerifyWebIdentityTokenOptions = trusted) {
  const error = await verifyWebIdentityToken(token, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebIdentityTokenError);
  return error as WebIdentityTokenError;
}

/** Claims that would pass, for tokens we sign ourselves. */
function validClaims() {
  const now = Math.floor(Date.now() / 1000);
  return { iss: provider.issuer, aud: TEST_CLIENT_ID, sub: 'alice', iat: now, exp: now + 300 };
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
}

describe('a genuine token', () => {
  it('verifies, and names its provider as IAM does (issuer without scheme)', async () => {
    const identity = await verifyWebIdentityToken(aliceToken, trusted);
    expect(identity).toMatchObject({
      issuer: provider.issuer,
      providerName: provider.providerName,
      subject: 'alice',
      audience: TEST_CLIENT_ID,
    });
    expect(identity.providerName).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(identity.expiresAt.getTime()).toBe((decodeClaims(aliceToken).exp ?? 0) * 1000);
  });

  it('still verifies after the provider restarts from the same data directory', async () => {
    const first = await startTestProvider();
    const token = await first.idTokenFor('bob');
    await first.close();
    await setTimeout(100);
    const second = await startTestProvider({ dataDir: first.dataDir, port: first.port });
    try {
      // A fresh cache, so the key really comes from the restarted provider's JWKS.
      const identity = await verifyWebIdentityToken(token, {
        trustedIssuers: [{ issuer: second.issuer, audiences: [TEST_CLIENT_ID] }],
        keyCache: new IssuerKeyCache(),
      });
      expect(identity.subject).toBe('bob');
    } finally {
      await second.dispose();
    }
  });
});

describe('attacks and mistakes', () => {
  it('rejects a token signed by another key under the real key id', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: kidOf(aliceToken) })
      .sign(privateKey);
    const error = await rejection(forged);
    expect(error.code).toBe('InvalidIdentityToken');
  });

  it('rejects a genuine token whose claims were edited', async () => {
    const [header, , signature] = aliceToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeClaims(aliceToken), sub: 'bob' })).toString(
      'base64url',
    );
    expect((await rejection(`${header}.${payload}.${signature}`)).code).toBe('InvalidIdentityToken');
  });

  it('rejects alg none', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', kid: kidOf(aliceToken) })}.${encode(validClaims())}.`;
    const error = await rejection(unsigned);
    expect(error.code).toBe('InvalidIdentityToken');
    expect(error.message).toContain('none');
  });

  it('rejects HMAC tokens, even "signed" with the public key as the secret', async () => {
    const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: { n: string }[] };
    const secret = new TextEncoder().encode(jwks.keys[0]?.n ?? '');
    const hmac = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: kidOf(aliceToken) })
      .sign(secret);
    expect((await rejection(hmac)).code).toBe('InvalidIdentityToken');
  });

  it('rejects a token for another audience with AWS\u2019s "Incorrect token audience"', async () => {
    const error = await rejection(aliceToken, {
      trustedIssuers: [{ issuer: provider.issuer, audiences: ['other-app'] }],
    });
    expect(error.code).toBe('InvalidIdentityToken');
    expect(error.message).toBe('Incorrect token audience');
  });

  it('rejects an expired token signed with the provider\u2019s real key', async () => {
    const exp = Math.floor(Date.now() / 1000) - 600;
    const expired = await signWithProviderKey(provider.dataDir, { ...validClaims(), iat: exp - 3600, exp });
    const error = await rejection(expired);
    expect(error.code).toBe('ExpiredTokenException');
    expect(error.message).toMatch(
      new RegExp(`^Token expired: current date/time \\d+ must be before the expiration date/time${exp}$`),
    );
  });

  it('rejects a genuine token once its hour is over', async () => {
    const exp = decodeClaims(aliceToken).exp ?? 0;
    const error = await rejection(aliceToken, { ...trusted, now: new Date((exp + 60) * 1000) });
    expect(error.code).toBe('ExpiredTokenException');
  });

  it('rejects an issuer that is not registered, without contacting it', async () => {
    const error = await rejection(aliceToken, {
      trustedIssuers: [{ issuer: 'https://accounts.example.com', audiences: [TEST_CLIENT_ID] }],
    });
    expect(error.code).toBe('InvalidIdentityToken');
    expect(error.message).toBe(`No OpenIDConnect provider found in your account for ${provider.issuer}`);
  });

  it('rejects a correctly signed token without a subject', async () => {
    const { sub: _sub, ...withoutSub } = validClaims();
    const token = await signWithProviderKey(provider.dataDir, withoutSub);
    const error = await rejection(token);
    expect(error.code).toBe('InvalidIdentityToken');
    expect(error.message).toContain('sub');
  });

  it('rejects a key id the provider never published', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' })
      .sign(privateKey);
    const error = await rejection(token);
    expect(error.code).toBe('InvalidIdentityToken');
    expect(error.message).toContain("Couldn't retrieve verification key");
  });

  it('rejects garbage as malformed', async () => {
    expect((await rejection('not-a-jwt')).code).toBe('InvalidIdentityToken');
    expect((await rejection('a.b.c')).code).toBe('InvalidIdentityToken');
  });

  it('reports IDPCommunicationError when the issuer cannot be reached', async () => {
    const gone = await startTestProvider();
    const token = await gone.idTokenFor('alice');
    await gone.dispose();
    const error = await rejection(token, {
      trustedIssuers: [{ issuer: gone.issuer, audiences: [TEST_CLIENT_ID] }],
      keyCache: new IssuerKeyCache(),
    });
    expect(error.code).toBe('IDPCommunicationError');
  });
});
