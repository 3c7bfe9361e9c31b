import { describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { ActivityLog } from './activity-log.ts';
import { CredentialsError, createIdentityCredentials, roleSessionName } from './credentials.ts';
import { getCallLoggerPlugin } from './plugins/call-logger.ts';
import { CannedHttpHandler, type CannedResponse } from './testing/canned-http.ts';

const POOL = 'us-east-1:00000000-0000-4000-8000-00000000b10c';
const cognitoConfig: Pick<RuntimeConfig, 'region' | 'endpoint' | 'identity'> = {
  region: 'us-east-1',
  endpoint: 'http://gateway.test',
  identity: { mode: 'cognito', identityPoolId: POOL },
};
const stsConfig: Pick<RuntimeConfig, 'region' | 'endpoint' | 'identity'> = {
  ...cognitoConfig,
  identity: { mode: 'sts', identityPoolId: POOL },
};

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const json11 = { 'content-type': 'application/x-amz-json-1.1' };
const getId = (id: string): CannedResponse => ({ status: 200, headers: json11, body: { IdentityId: id } });
const cognitoKeys = (id: string, key: string): CannedResponse => ({
  status: 200,
  headers: json11,
  body: {
    IdentityId: id,
    Credentials: {
      AccessKeyId: key,
      SecretKey: 'secret',
      SessionToken: 'token',
      Expiration: Date.now() / 1000 + 3600,
    },
  },
});
const cognitoError = (code: string, message: string): CannedResponse => ({
  status: 400,
  headers: { ...json11, 'x-amzn-errortype': code },
  body: { __type: code, message },
});
const target = (handler: CannedHttpHandler, index: number) =>
  handler.requests[index]?.headers['x-amz-target']?.replace('AWSCognitoIdentityService.', '');
const bodyOf = (handler: CannedHttpHandler, index: number) =>
  JSON.parse(CannedHttpHandler.bodyOf(handler.requests[index]!)) as Record<string, unknown>;

describe('guest credentials (Cognito unauthenticated identity)', () => {
  it('gets an identity without Logins, caches its id, and names it as the identity id', async () => {
    const handler = new CannedHttpHandler([
      getId('us-east-1:guest-1'),
      cognitoKeys('us-east-1:guest-1', 'ASIAGUEST'),
    ]);
    const cache = new MapStorage();
    const log = new ActivityLog();
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: { kind: 'guest' },
      guestCache: cache,
      requestHandler: handler,
      plugins: [getCallLoggerPlugin({ log, console: null })],
    });

    expect(await identity.identityId()).toBe('us-east-1:guest-1');
    expect((await identity.credentials.get()).accessKeyId).toBe('ASIAGUEST');
    expect([target(handler, 0), target(handler, 1)]).toEqual(['GetId', 'GetCredentialsForIdentity']);
    expect(bodyOf(handler, 0)).toEqual({ IdentityPoolId: POOL });
    expect(handler.requests[0]?.headers.authorization).toBeUndefined();
    expect([...cache.map.values()]).toEqual(['us-east-1:guest-1']);
    expect(log.entries.map((entry) => `${entry.service}.${entry.operation}`)).toEqual([
      'CognitoIdentity.GetId',
      'CognitoIdentity.GetCredentialsForIdentity',
    ]);
  });

  it('reuses the cached guest id on the next visit', async () => {
    const cache = new MapStorage();
    cache.setItem(`aws:cognito-identity-credentials:${POOL}:ANONYMOUS`, 'us-east-1:guest-1');
    const handler = new CannedHttpHandler([cognitoKeys('us-east-1:guest-1', 'ASIAGUEST')]);
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: { kind: 'guest' },
      guestCache: cache,
      requestHandler: handler,
    });

    expect(await identity.identityId()).toBe('us-east-1:guest-1');
    expect(target(handler, 0)).toBe('GetCredentialsForIdentity');
  });

  it('starts over with a new id when the pool no longer knows the cached one', async () => {
    const cache = new MapStorage();
    cache.setItem(`aws:cognito-identity-credentials:${POOL}:ANONYMOUS`, 'us-east-1:forgotten');
    const handler = new CannedHttpHandler([
      cognitoError('ResourceNotFoundException', 'Identity not found'),
      getId('us-east-1:guest-2'),
      cognitoKeys('us-east-1:guest-2', 'ASIAGUEST2'),
    ]);
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: { kind: 'guest' },
      guestCache: cache,
      requestHandler: handler,
    });

    expect(await identity.identityId()).toBe('us-east-1:guest-2');
    expect([...cache.map.values()]).toEqual(['us-east-1:guest-2']);
  });

  it('reports guests refused as a typed error', async () => {
    const handler = new CannedHttpHandler([
      cognitoError(
        'NotAuthorizedException',
        'Unauthenticated access is not supported for this identity pool.',
      ),
    ]);
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: { kind: 'guest' },
      guestCache: new MapStorage(),
      requestHandler: handler,
    });

    await expect(identity.credentials.get()).rejects.toMatchObject({
      name: 'CredentialsError',
      code: 'guest-access-unavailable',
    });
  });

  it('has no guest access in sts mode without a pool', async () => {
    const identity = createIdentityCredentials({
      config: { ...stsConfig, identity: { mode: 'sts' } },
      principal: { kind: 'guest' },
    });
    await expect(identity.identityId()).rejects.toBeInstanceOf(CredentialsError);
  });
});

describe('guest credentials through the basic flow (config names the guest role)', () => {
  const READER = 'arn:aws:iam::000000000000:role/inkwell-reader';
  const basicConfig: Pick<RuntimeConfig, 'region' | 'endpoint' | 'identity'> = {
    ...cognitoConfig,
    identity: { mode: 'cognito', identityPoolId: POOL, guestRoleArn: READER },
  };
  const openIdToken = (id: string): CannedResponse => ({
    status: 200,
    headers: json11,
    body: { IdentityId: id, Token: 'cognito-openid-token' },
  });
  const stsKeys = (key: string): CannedResponse => ({
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`,
  });

  it('GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity on the reader role, all unsigned', async () => {
    const handler = new CannedHttpHandler([
      getId('us-east-1:guest-1'),
      openIdToken('us-east-1:guest-1'),
      stsKeys('ASIAREADER'),
    ]);
    const cache = new MapStorage();
    const identity = createIdentityCredentials({
      config: basicConfig,
      principal: { kind: 'guest' },
      guestCache: cache,
      requestHandler: handler,
    });

    expect((await identity.credentials.get()).accessKeyId).toBe('ASIAREADER');
    expect(await identity.identityId()).toBe('us-east-1:guest-1');
    expect([target(handler, 0), target(handler, 1)]).toEqual(['GetId', 'GetOpenIdToken']);
    expect(bodyOf(handler, 1)).toEqual({ IdentityId: 'us-east-1:guest-1' });
    const form = Object.fromEntries(new URLSearchParams(CannedHttpHandler.bodyOf(handler.requests[2]!)));
    expect(form).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: READER,
      WebIdentityToken: 'cognito-openid-token',
    });
    expect(handler.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
    expect([...cache.map.values()]).toEqual(['us-east-1:guest-1']);
  });

  it('reuses the cached guest id, and starts over when the pool no longer knows it', async () => {
    const cache = new MapStorage();
    cache.setItem(`aws:cognito-identity-credentials:${POOL}:ANONYMOUS`, 'us-east-1:forgotten');
    const handler = new CannedHttpHandler([
      cognitoError('ResourceNotFoundException', 'Identity not found'),
      getId('us-east-1:guest-2'),
      openIdToken('us-east-1:guest-2'),
      stsKeys('ASIAREADER2'),
    ]);
    const identity = createIdentityCredentials({
      config: basicConfig,
      principal: { kind: 'guest' },
      guestCache: cache,
      requestHandler: handler,
    });
    expect(await identity.identityId()).toBe('us-east-1:guest-2');
    expect(target(handler, 0)).toBe('GetOpenIdToken');
    expect([...cache.map.values()]).toEqual(['us-east-1:guest-2']);
  });
});

describe('signed-in credentials', () => {
  const user = (tokens: string[]) => ({
    kind: 'user' as const,
    sub: 'alice',
    loginsKey: '127.0.0.1:4567',
    roleArn: 'arn:aws:iam::000000000000:role/inkwell-writer',
    idToken: async () => tokens.shift() ?? 'no-more-tokens',
  });

  it('cognito: presents the current ID token under Logins on every refresh', async () => {
    const handler = new CannedHttpHandler([
      getId('us-east-1:alice'),
      cognitoKeys('us-east-1:alice', 'ASIAALICE1'),
      cognitoKeys('us-east-1:alice', 'ASIAALICE2'),
    ]);
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: user(['id-token-1', 'id-token-2', 'id-token-3']),
      userCache: new MapStorage(),
      requestHandler: handler,
    });

    expect(await identity.identityId()).toBe('us-east-1:alice');
    identity.credentials.invalidate();
    expect((await identity.credentials.get()).accessKeyId).toBe('ASIAALICE2');

    expect(bodyOf(handler, 0)).toMatchObject({ Logins: { '127.0.0.1:4567': 'id-token-1' } });
    expect(bodyOf(handler, 1)).toMatchObject({
      IdentityId: 'us-east-1:alice',
      Logins: { '127.0.0.1:4567': 'id-token-2' },
    });
    expect(bodyOf(handler, 2)).toMatchObject({ Logins: { '127.0.0.1:4567': 'id-token-3' } });
  });

  it('cognito: a refused token is "identity-rejected"', async () => {
    const handler = new CannedHttpHandler([
      cognitoError('NotAuthorizedException', 'Invalid login token. Token expired'),
    ]);
    const identity = createIdentityCredentials({
      config: cognitoConfig,
      principal: user(['expired']),
      userCache: new MapStorage(),
      requestHandler: handler,
    });
    await expect(identity.credentials.get()).rejects.toMatchObject({ code: 'identity-rejected' });
  });

  it('sts: assumes the provider role with the ID token, unsigned, and the identity id is the sub', async () => {
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const handler = new CannedHttpHandler([
      {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials><AccessKeyId>ASIASTS</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expiration}</Expiration></Credentials>
    <SubjectFromWebIdentityToken>alice</SubjectFromWebIdentityToken>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
      },
    ]);
    const identity = createIdentityCredentials({
      config: stsConfig,
      principal: user(['id-token-1']),
      requestHandler: handler,
    });

    const keys = await identity.credentials.get();
    expect(keys.accessKeyId).toBe('ASIASTS');
    expect(keys.expiration?.toISOString()).toBe(expiration);
    expect(await identity.identityId()).toBe('alice');
    const form = new URLSearchParams(CannedHttpHandler.bodyOf(handler.requests[0]!));
    expect(Object.fromEntries(form)).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: 'arn:aws:iam::000000000000:role/inkwell-writer',
      WebIdentityToken: 'id-token-1',
      RoleSessionName: 'inkwell-alice',
    });
    expect(handler.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sts: names the OAuth 2.0 provider with ProviderId when the token is its access token', async () => {
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const handler = new CannedHttpHandler([
      {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials><AccessKeyId>ASIAAMZN</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expiration}</Expiration></Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`,
      },
    ]);
    const identity = createIdentityCredentials({
      config: stsConfig,
      principal: { ...user(['Atza|access-token']), sub: 'amzn1.account.X', providerId: 'www.amazon.com' },
      requestHandler: handler,
    });
    expect((await identity.credentials.get()).accessKeyId).toBe('ASIAAMZN');
    const form = new URLSearchParams(CannedHttpHandler.bodyOf(handler.requests[0]!));
    expect(Object.fromEntries(form)).toMatchObject({
      WebIdentityToken: 'Atza|access-token',
      ProviderId: 'www.amazon.com',
    });
  });

  it('makes STS session names from any sub', () => {
    expect(roleSessionName('google|1234 5678')).toBe('inkwell-google-1234-5678');
    expect(roleSessionName('x'.repeat(100))).toHaveLength(64);
  });
});
