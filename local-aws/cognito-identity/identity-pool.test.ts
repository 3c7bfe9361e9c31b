import {
  CognitoIdentityClient,
  CognitoIdentityServiceException,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_PRINCIPAL_VARIABLE } from '../../src/core/access-policy.ts';
import {
  decodeClaims,
  serveHandler,
  signWithProviderKey,
  startTestProvider,
  TEST_CLIENT_ID,
  type TestProvider,
} from '../oidc/testing.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localRoles } from '../roles.ts';
import { SessionStore } from '../sessions.ts';
import { createIdentityPool, type IdentityPool, type IdentityPoolOptions } from './identity-pool.ts';

const POOL_ID = 'us-east-1:00000000-0000-4000-8000-00000000b10c';
const roles = localRoles({
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  tableName: 'inkwell',
  bucketName: 'inkwell-assets',
  principalVariable: COGNITO_PRINCIPAL_VARIABLE,
});

let provider: TestProvider;
let aliceToken: string;
let bobToken: string;
let options: IdentityPoolOptions;
let pool: IdentityPool;
let endpoint: { url: string; close(): Promise<void> };
let client: CognitoIdentityClient;
const sessions = new SessionStore();

beforeAll(async () => {
  provider = await startTestProvider();
  aliceToken = await provider.idTokenFor('alice');
  bobToken = await provider.idTokenFor('bob');
  options = {
    identityPoolId: POOL_ID,
    dataDir: provider.dataDir,
    providers: [{ loginsKey: provider.providerName, issuer: provider.issuer, audiences: [TEST_CLIENT_ID] }],
    allowUnauthenticated: true,
    authenticatedRole: roles.writer,
    unauthenticatedRole: roles.reader,
    sessions,
    credentialsDurationSeconds: 60,
  };
  pool = createIdentityPool(options);
  // Like the local gateway: the target header and the body go to whichever pool is current.
  endpoint = await serveHandler((request, body) =>
    pool.handle(String(request.headers['x-amz-target']), body),
  );
  client = new CognitoIdentityClient({ region: LOCAL_REGION, endpoint: endpoint.url });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
  await provider.dispose();
});

function credentialsFor(logins?: Record<string, string>) {
  return fromCognitoIdentityPool({
    identityPoolId: POOL_ID,
    ...(logins ? { logins } : {}),
    clientConfig: { region: LOCAL_REGION, endpoint: endpoint.url },
  })();
}

async function failure(promise: Promise<unknown>): Promise<CognitoIdentityServiceException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CognitoIdentityServiceException);
  return error as CognitoIdentityServiceException;
}

async function aliceIdentityId(): Promise<string> {
  const answer = await client.send(
    new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [provider.providerName]: aliceToken } }),
  );
  return answer.IdentityId ?? '';
}

describe('fromCognitoIdentityPool against the stand-in', () => {
  it('gives a signed-in user writer credentials keyed by their identity id', async () => {
    const credentials = await credentialsFor({ [provider.providerName]: aliceToken });
    expect(credentials.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const lifetime = (credentials.expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(55_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    const session = sessions.get(credentials.accessKeyId);
    expect(session?.roleArn).toBe(roles.writer.arn);
    expect(session?.secretAccessKey).toBe(credentials.secretAccessKey);
    expect(session?.variables).toEqual({
      'cognito-identity.amazonaws.com:sub': credentials.identityId,
      'cognito-identity.amazonaws.com:aud': POOL_ID,
      'cognito-identity.amazonaws.com:amr': 'authenticated',
    });
    const policy = JSON.stringify(session?.policy);
    expect(policy).not.toContain('${');
    expect(policy).toContain(`public/${credentials.identityId}/`);
    expect(credentials.identityId).toBe(await aliceIdentityId());
  });

  it('gives a guest reader credentials under a fresh identity', async () => {
    const guest = await credentialsFor();
    // The SDK caches a guest's identity id per pool; each GetId without logins is a new guest.
    const another = await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID }));
    expect(another.IdentityId).toMatch(/^us-east-1:/);
    expect(guest.identityId).not.toBe(another.IdentityId);
    const session = sessions.get(guest.accessKeyId);
    expect(session?.roleArn).toBe(roles.reader.arn);
    expect(session?.variables['cognito-identity.amazonaws.com:amr']).toBe('unauthenticated');
    // The enhanced flow's scope-down for guests: AWS's managed session policy, no DynamoDB or S3.
    expect(JSON.stringify(session?.sessionPolicies)).toContain('CognitoUnAuthedIdentitiesSessionPolicy');
  });

  it('does not scope down signed-in identities', async () => {
    const alice = await credentialsFor({ [provider.providerName]: aliceToken });
    expect(sessions.get(alice.accessKeyId)?.sessionPolicies).toBeUndefined();
  });

  it('issues OpenID tokens in the basic flow: iss, aud = pool, sub = identity, amr', async () => {
    pool = createIdentityPool({ ...options, allowClassicFlow: true });
    try {
      const { IdentityId: guestId } = await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID }));
      const guest = await client.send(new GetOpenIdTokenCommand({ IdentityId: guestId! }));
      expect(decodeClaims(guest.Token!)).toMatchObject({
        iss: 'https://cognito-identity.amazonaws.com',
        aud: POOL_ID,
        sub: guestId,
        amr: ['unauthenticated'],
      });
      await expect(pool.verifyOpenIdToken(guest.Token!)).resolves.toMatchObject({
        identityId: guestId,
        amr: ['unauthenticated'],
      });
      const aliceId = await aliceIdentityId();
      const logins = { [provider.providerName]: aliceToken };
      const alice = await client.send(new GetOpenIdTokenCommand({ IdentityId: aliceId, Logins: logins }));
      expect(decodeClaims(alice.Token!)).toMatchObject({
        sub: aliceId,
        amr: expect.arrayContaining(['authenticated', provider.providerName]),
      });
      // A signed-in identity's token needs its login, as for credentials.
      expect((await failure(client.send(new GetOpenIdTokenCommand({ IdentityId: aliceId })))).name).toBe(
        'NotAuthorizedException',
      );
      // A token from another key is refused by the verifier STS uses.
      const [header, payload] = guest.Token!.split('.');
      await expect(pool.verifyOpenIdToken(`${header}.${payload}.AAAA`)).rejects.toMatchObject({
        code: 'InvalidIdentityToken',
      });
    } finally {
      pool = createIdentityPool(options);
    }
  });

  it('keeps a user\u2019s identity id when the pool is re-created from the same data directory', async () => {
    const before = await aliceIdentityId();
    pool = createIdentityPool(options);
    expect(await aliceIdentityId()).toBe(before);
    expect(await aliceIdentityId()).not.toBe(
      (
        await client.send(
          new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [provider.providerName]: bobToken } }),
        )
      ).IdentityId,
    );
  });

  it('lets a guest who signs in keep their identity', async () => {
    const { IdentityId: guestId } = await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID }));
    const carolToken = await provider.idTokenFor('carol');
    const logins = { [provider.providerName]: carolToken };
    const answer = await client.send(
      new GetCredentialsForIdentityCommand({ IdentityId: guestId, Logins: logins }),
    );
    expect(sessions.get(answer.Credentials?.AccessKeyId ?? '')?.roleArn).toBe(roles.writer.arn);
    expect(
      (await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: logins }))).IdentityId,
    ).toBe(guestId);
    // Now it is carol's: without her token it is forbidden, not a guest any more.
    expect(
      await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))),
    ).toBeInstanceOf(NotAuthorizedException);
  });
});

describe('refusals', () => {
  it('refuses alice\u2019s identity to bob\u2019s token', async () => {
    const error = await failure(
      client.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: await aliceIdentityId(),
          Logins: { [provider.providerName]: bobToken },
        }),
      ),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Invalid login token\./);
  });

  it('refuses alice\u2019s identity to a user who has no identity yet', async () => {
    const frankToken = await provider.idTokenFor('Frank Fisher');
    const error = await failure(
      client.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: await aliceIdentityId(),
          Logins: { [provider.providerName]: frankToken },
        }),
      ),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
  });

  it('refuses to link a guest identity to a login that already has one', async () => {
    await aliceIdentityId();
    const { IdentityId: guestId } = await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID }));
    const error = await failure(
      client.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: guestId,
          Logins: { [provider.providerName]: aliceToken },
        }),
      ),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
  });

  it('refuses alice\u2019s identity without her token', async () => {
    const identityId = await aliceIdentityId();
    const error = await failure(
      client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId })),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toBe(`Access to Identity '${identityId}' is forbidden.`);
  });

  it('refuses forged, expired, foreign-audience and unknown-provider tokens', async () => {
    const identityId = await aliceIdentityId();
    const tryLogin = (key: string, token: string) =>
      failure(
        client.send(
          new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { [key]: token } }),
        ),
      );

    const tampered = `${aliceToken.slice(0, -4)}AAAA`;
    expect(await tryLogin(provider.providerName, tampered)).toBeInstanceOf(NotAuthorizedException);

    const exp = Math.floor(Date.now() / 1000) - 60;
    const expired = await signWithProviderKey(provider.dataDir, {
      ...decodeClaims(aliceToken),
      iat: exp - 3600,
      exp,
    });
    expect((await tryLogin(provider.providerName, expired)).message).toMatch(
      /^Invalid login token\. Token expired/,
    );

    const foreignAudience = await signWithProviderKey(provider.dataDir, {
      ...decodeClaims(aliceToken),
      aud: 'other-app',
    });
    expect((await tryLogin(provider.providerName, foreignAudience)).message).toBe(
      'Invalid login token. Incorrect token audience',
    );

    const unknown = await tryLogin('accounts.example.com', aliceToken);
    expect(unknown).toBeInstanceOf(NotAuthorizedException);
    expect(unknown.message).toContain('not from a supported provider');
  });

  it('refuses guests when the pool does not allow them', async () => {
    const strict = createIdentityPool({ ...options, allowUnauthenticated: false });
    const answer = await strict.handle(
      'AWSCognitoIdentityService.GetId',
      JSON.stringify({ IdentityPoolId: POOL_ID }),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
  });

  it('answers ResourceNotFoundException for another pool or an unknown identity', async () => {
    const wrongPool = await failure(
      client.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:not-this-one' })),
    );
    expect(wrongPool).toBeInstanceOf(ResourceNotFoundException);
    const unknownIdentity = await failure(
      client.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: 'us-east-1:00000000-0000-0000-0000-000000000000',
        }),
      ),
    );
    expect(unknownIdentity).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses GetOpenIdToken (the basic flow) while allowClassicFlow is off, as AWS does', async () => {
    const error = await failure(
      client.send(new GetOpenIdTokenCommand({ IdentityId: await aliceIdentityId() })),
    );
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe('Basic (classic) flow is not enabled, please use enhanced flow.');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});
