import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  InvalidIdentityTokenException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { fromWebToken } from '@aws-sdk/credential-provider-web-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { handleStsRequest, type StsDeps } from './assume-role-with-web-identity.ts';

let provider: TestProvider;
let aliceToken: string;
let sts: { url: string; close(): Promise<void> };
let client: STSClient;
const sessions = new SessionStore();
let deps: StsDeps;
let writerArn: string;

beforeAll(async () => {
  provider = await startTestProvider();
  aliceToken = await provider.idTokenFor('alice');
  const roles = localRoles({
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    tableName: 'inkwell',
    bucketName: 'inkwell-assets',
    principalVariable: `${provider.providerName}:sub`,
  });
  writerArn = roles.writer.arn;
  deps = {
    sessions,
    roles: [
      {
        ...roles.writer,
        trustedIssuers: [{ issuer: provider.issuer, audiences: [TEST_CLIENT_ID] }],
        maxSessionDurationSeconds: 43_200,
      },
    ],
    minDurationSeconds: 60,
  };
  // Like the local gateway: STS is whatever POST body arrives, answered by the stand-in.
  sts = await serveHandler((_request, body) => handleStsRequest(body, deps));
  client = new STSClient({ region: LOCAL_REGION, endpoint: sts.url });
});
afterAll(async () => {
  client.destroy();
  await sts.close();
  await provider.dispose();
});

function assume(
  overrides: Partial<{
    RoleArn: string;
    WebIdentityToken: string;
    DurationSeconds: number;
    Policy: string;
  }> = {},
) {
  return client.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: writerArn,
      RoleSessionName: 'alice-session',
      WebIdentityToken: aliceToken,
      ...overrides,
    }),
  );
}

async function failure(promise: Promise<unknown>): Promise<STSServiceException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(STSServiceException);
  return error as STSServiceException;
}

describe('AssumeRoleWithWebIdentity through the real STS client', () => {
  it('hands alice temporary credentials scoped to her own data', async () => {
    const answer = await assume({ DurationSeconds: 60 });
    const credentials = answer.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(credentials?.SecretAccessKey).toEqual(expect.any(String));
    expect(credentials?.SessionToken).toEqual(expect.any(String));
    const lifetime = (credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(55_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);
    expect(answer.SubjectFromWebIdentityToken).toBe('alice');
    expect(answer.Audience).toBe(TEST_CLIENT_ID);
    expect(answer.Provider).toBe(`arn:aws:iam::000000000000:oidc-provider/${provider.providerName}`);
    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::000000000000:assumed-role/inkwell-writer/alice-session',
    );
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[0-9A-F]{17}:alice-session$/);

    const session = sessions.get(credentials?.AccessKeyId ?? '');
    expect(session?.roleArn).toBe(writerArn);
    expect(session?.secretAccessKey).toBe(credentials?.SecretAccessKey);
    expect(session?.variables).toEqual({
      [`${provider.providerName}:sub`]: 'alice',
      [`${provider.providerName}:aud`]: TEST_CLIENT_ID,
      [`${provider.providerName}:oaud`]: TEST_CLIENT_ID,
    });
    const policy = JSON.stringify(session?.policy);
    expect(policy).not.toContain('${');
    expect(policy).toContain('public/alice/');
  });

  it('works as the SDK\u2019s web identity credential provider', async () => {
    const credentials = await fromWebToken({
      roleArn: writerArn,
      webIdentityToken: aliceToken,
      roleSessionName: 'from-web-token',
      clientConfig: { region: LOCAL_REGION, endpoint: sts.url },
    })();
    expect(sessions.get(credentials.accessKeyId)?.variables[`${provider.providerName}:sub`]).toBe('alice');
  });

  it('denies a role it does not know, with 403 AccessDenied', async () => {
    const error = await failure(assume({ RoleArn: 'arn:aws:iam::000000000000:role/admin' }));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('maps token failures to the SDK\u2019s STS exception classes', async () => {
    const tampered = `${aliceToken.slice(0, -4)}AAAA`;
    expect(await failure(assume({ WebIdentityToken: tampered }))).toBeInstanceOf(
      InvalidIdentityTokenException,
    );

    const saved = deps;
    try {
      deps = {
        ...saved,
        roles: saved.roles.map((role) => ({
          ...role,
          trustedIssuers: [{ issuer: provider.issuer, audiences: ['someone-else'] }],
        })),
      };
      const wrongAudience = await failure(assume());
      expect(wrongAudience).toBeInstanceOf(InvalidIdentityTokenException);
      expect(wrongAudience.message).toBe('Incorrect token audience');

      deps = { ...saved, now: () => new Date(((decodeClaims(aliceToken).exp ?? 0) + 5) * 1000) };
      const expired = await failure(assume());
      expect(expired).toBeInstanceOf(ExpiredTokenException);
      expect(expired.message).toMatch(
        /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
      );
    } finally {
      deps = saved;
    }
  });

  it('enforces the duration range: 60 s only when allowed locally, never beyond the role maximum', async () => {
    const strict = { ...deps, minDurationSeconds: undefined };
    const saved = deps;
    deps = strict;
    try {
      const tooShort = await failure(assume({ DurationSeconds: 60 }));
      expect(tooShort.name).toBe('ValidationError');
      expect(tooShort.message).toContain('greater than or equal to 900');
    } finally {
      deps = saved;
    }
    const tooLong = await failure(assume({ DurationSeconds: 43_201 }));
    expect(tooLong.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('keeps an inline Policy as the session policy the gateway intersects with the role', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const { Credentials } = await assume({ Policy: JSON.stringify(policy) });
    const session = sessions.get(Credentials!.AccessKeyId!);
    expect(session?.sessionPolicies).toEqual([policy]);
    const { Credentials: unscoped } = await assume();
    expect(sessions.get(unscoped!.AccessKeyId!)?.sessionPolicies).toBeUndefined();
  });

  it('refuses a Policy that is not JSON, and one over 2,048 characters', async () => {
    expect((await failure(assume({ Policy: '{"Statement": [' }))).name).toBe(
      'MalformedPolicyDocumentException',
    );
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(2100) }],
    });
    expect((await failure(assume({ Policy: big }))).name).toBe('PackedPolicyTooLargeException');
  });

  it('takes modelled managed PolicyArns and refuses unknown ones', async () => {
    const send = (arn: string) =>
      client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: writerArn,
          RoleSessionName: 'managed',
          WebIdentityToken: aliceToken,
          PolicyArns: [{ arn }],
        }),
      );
    const { Credentials } = await send(
      'arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy',
    );
    const [scopeDown] = sessions.get(Credentials!.AccessKeyId!)?.sessionPolicies ?? [];
    expect(JSON.stringify(scopeDown)).toContain('rum:PutRumEvents');
    const error = await failure(send('arn:aws:iam::aws:policy/AdministratorAccess'));
    expect(error.name).toBe('MalformedPolicyDocumentException');
    expect(error.message).toContain('arn:aws:iam::aws:policy/AdministratorAccess');
  });

  it('refuses a subject that would act as a wildcard in the role policy', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signWithProviderKey(provider.dataDir, {
      iss: provider.issuer,
      sub: 'ali*',
      aud: TEST_CLIENT_ID,
      iat: now,
      exp: now + 300,
    });
    const error = await failure(assume({ WebIdentityToken: token }));
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain("'ali*'");
  });
});

describe('the wire format', () => {
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('answers in AWS\u2019s XML shape', async () => {
    const response = await handleStsRequest(
      form({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: writerArn,
        RoleSessionName: 'xml',
        WebIdentityToken: aliceToken,
        DurationSeconds: '900',
      }),
      deps,
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml');
    expect(response.body).toMatch(
      /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA[0-9A-F]{16}<\/AccessKeyId><SecretAccessKey>[^<]+<\/SecretAccessKey><SessionToken>[^<]+<\/SessionToken><Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expiration><\/Credentials><SubjectFromWebIdentityToken>alice<\/SubjectFromWebIdentityToken><AssumedRoleUser><Arn>[^<]+<\/Arn><AssumedRoleId>[^<]+<\/AssumedRoleId><\/AssumedRoleUser><Audience>inkwell-web<\/Audience><Provider>[^<]+<\/Provider><\/AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/AssumeRoleWithWebIdentityResponse>\n$/,
    );
  });

  it('answers errors as ErrorResponse with a Sender fault', async () => {
    const response = await handleStsRequest(
      form({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: writerArn,
        RoleSessionName: 'x y',
        WebIdentityToken: aliceToken,
      }),
      deps,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>1 validation error detected: Value &apos;x y&apos; at &apos;roleSessionName&apos; [^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>\n$/,
    );
  });

  it('serves only AssumeRoleWithWebIdentity', async () => {
    const response = await handleStsRequest(form({ Action: 'AssumeRole', Version: '2011-06-15' }), deps);
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidAction</Code>');
  });
});
