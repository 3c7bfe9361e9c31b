/**
 * STS AssumeRoleWithWebIdentity with `ProviderId` and an OAuth 2.0 access token, as with Login with
 * Amazon and Facebook: the stand-in asks the provider about the opaque token.
 */
import {
  AssumeRoleWithWebIdentityCommand,
  InvalidIdentityTokenException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOAuth2Provider, startOAuth2Provider } from '../oauth2/provider.ts';
import { serveHandler } from '../oidc/testing.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localRoles } from '../roles.ts';
import { SessionStore } from '../sessions.ts';
import { handleStsRequest } from './assume-role-with-web-identity.ts';

const CLIENT_ID = 'oauth2-app';
const KEY = 'oauth2.local';
const roles = localRoles({
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  tableName: 'inkwell',
  bucketName: 'inkwell-assets',
  principalVariable: `${KEY}:user_id`,
});

let fake: RunningOAuth2Provider;
let sts: { url: string; close(): Promise<void> };
let client: STSClient;
const sessions = new SessionStore();

beforeAll(async () => {
  fake = await startOAuth2Provider({
    port: 0,
    clients: [{ clientId: CLIENT_ID, redirectUris: [] }],
    allowedOrigins: [],
  });
  const deps = {
    sessions,
    roles: [
      {
        ...roles.writer,
        trustedIssuers: [],
        trustedOAuth2Providers: [
          { loginsKey: KEY, tokenInfoUrl: fake.tokenInfoEndpoint, audiences: [CLIENT_ID] },
        ],
        maxSessionDurationSeconds: 43_200,
      },
    ],
    minDurationSeconds: 60,
  };
  sts = await serveHandler((_request, body) => handleStsRequest(body, deps));
  client = new STSClient({ region: LOCAL_REGION, endpoint: sts.url });
});
afterAll(async () => {
  client.destroy();
  await sts.close();
  await fake.close();
});

function assume(token: string, providerId: string | undefined = KEY) {
  return client.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roles.writer.arn,
      RoleSessionName: 'dora-session',
      WebIdentityToken: token,
      DurationSeconds: 60,
      ...(providerId ? { ProviderId: providerId } : {}),
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

describe('AssumeRoleWithWebIdentity with ProviderId', () => {
  it('gives a valid access token credentials keyed on <provider>:user_id', async () => {
    const answer = await assume(fake.issueAccessToken('oauth2.account.dora', CLIENT_ID));
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(answer.SubjectFromWebIdentityToken).toBe('oauth2.account.dora');
    expect(answer.Provider).toBe(KEY);
    expect(answer.Audience).toBe(CLIENT_ID);
    const session = sessions.get(answer.Credentials?.AccessKeyId ?? '');
    expect(session?.variables).toEqual({
      [`${KEY}:user_id`]: 'oauth2.account.dora',
      [`${KEY}:app_id`]: CLIENT_ID,
    });
    expect(JSON.stringify(session?.policy)).toContain('public/oauth2.account.dora/');
  });

  it('refuses bogus and expired tokens with InvalidIdentityToken', async () => {
    for (const token of ['Atza|made-up', fake.issueAccessToken('oauth2.account.dora', CLIENT_ID, 0)]) {
      const error = await failure(assume(token));
      expect(error).toBeInstanceOf(InvalidIdentityTokenException);
    }
  });

  it('refuses a provider the role does not trust, and an opaque token without ProviderId', async () => {
    const token = fake.issueAccessToken('oauth2.account.dora', CLIENT_ID);
    expect((await failure(assume(token, 'graph.facebook.com'))).name).toBe('AccessDenied');
    expect(await failure(assume(token, ''))).toBeInstanceOf(InvalidIdentityTokenException);
  });
});
