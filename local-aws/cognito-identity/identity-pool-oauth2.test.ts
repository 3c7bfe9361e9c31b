/**
 * Cognito `Logins` with a plain OAuth 2.0 provider (as Facebook and Login with Amazon are): the value is
 * an opaque access token, which the pool checks by asking the provider's tokeninfo endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityClient,
  CognitoIdentityServiceException,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_PRINCIPAL_VARIABLE } from '../../src/core/access-policy.ts';
import { type RunningOAuth2Provider, startOAuth2Provider } from '../oauth2/provider.ts';
import { serveHandler } from '../oidc/testing.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localRoles } from '../roles.ts';
import { SessionStore } from '../sessions.ts';
import { createIdentityPool } from './identity-pool.ts';

const POOL_ID = 'us-east-1:00000000-0000-4000-8000-0000000a0a02';
const CLIENT_ID = 'oauth2-app';
const KEY = 'oauth2.local';
const roles = localRoles({
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  tableName: 'inkwell',
  bucketName: 'inkwell-assets',
  principalVariable: COGNITO_PRINCIPAL_VARIABLE,
});

let fake: RunningOAuth2Provider;
let dataDir: string;
let endpoint: { url: string; close(): Promise<void> };
let client: CognitoIdentityClient;
const sessions = new SessionStore();

beforeAll(async () => {
  fake = await startOAuth2Provider({
    port: 0,
    clients: [
      { clientId: CLIENT_ID, redirectUris: [] },
      { clientId: 'other-app', redirectUris: [] },
    ],
    allowedOrigins: [],
  });
  dataDir = mkdtempSync(join(tmpdir(), 'inkwell-pool-oauth2-'));
  const pool = createIdentityPool({
    identityPoolId: POOL_ID,
    dataDir,
    providers: [],
    oauth2Providers: [{ loginsKey: KEY, tokenInfoUrl: fake.tokenInfoEndpoint, audiences: [CLIENT_ID] }],
    allowUnauthenticated: false,
    authenticatedRole: roles.writer,
    unauthenticatedRole: roles.reader,
    sessions,
    credentialsDurationSeconds: 60,
  });
  endpoint = await serveHandler((request, body) =>
    pool.handle(String(request.headers['x-amz-target']), body),
  );
  client = new CognitoIdentityClient({ region: LOCAL_REGION, endpoint: endpoint.url });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<CognitoIdentityServiceException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CognitoIdentityServiceException);
  return error as CognitoIdentityServiceException;
}

describe('Cognito Identity with an OAuth 2.0 access token in Logins', () => {
  it('gives a valid token an identity and writer credentials, the same identity every time', async () => {
    const token = fake.issueAccessToken('oauth2.account.dora', CLIENT_ID);
    const { IdentityId } = await client.send(
      new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [KEY]: token } }),
    );
    expect(IdentityId).toMatch(/^us-east-1:/);
    const answer = await client.send(
      new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [KEY]: token } }),
    );
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(sessions.get(answer.Credentials?.AccessKeyId ?? '')?.roleArn).toBe(roles.writer.arn);

    const again = fake.issueAccessToken('oauth2.account.dora', CLIENT_ID);
    const second = await client.send(new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [KEY]: again } }));
    expect(second.IdentityId).toBe(IdentityId);
  });

  it('refuses bogus, expired and other apps\u2019 tokens with NotAuthorizedException', async () => {
    for (const token of [
      'Atza|made-up',
      fake.issueAccessToken('oauth2.account.dora', CLIENT_ID, 0),
      fake.issueAccessToken('oauth2.account.dora', 'other-app'),
    ]) {
      const error = await failure(
        client.send(new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [KEY]: token } })),
      );
      expect(error.name).toBe('NotAuthorizedException');
    }
  });

  it('refuses a provider the pool does not have', async () => {
    const token = fake.issueAccessToken('oauth2.account.dora', CLIENT_ID);
    const error = await failure(
      client.send(new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { 'www.amazon.com': token } })),
    );
    expect(error.name).toBe('NotAuthorizedException');
  });
});
