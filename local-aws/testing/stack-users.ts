/**
 * Test support for specs that run against the whole local stack: a throwaway stack on free ports with
 * a temporary data directory and the admin key's clients, and users signed in the way the browser
 * signs them in (the real OpenID authorization-code flow, then the Cognito stand-in's credentials), or
 * guests on the basic flow. Each user gets clients of their own, so every call passes the gateway's
 * IAM checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import { type AwsClients, createAwsClients } from '../../src/aws/client-factory.ts';
import type { ClientPlugin } from '../../src/aws/plugins/client-plugin.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../admin.ts';
import { basicFlowCredentials } from '../cognito-identity/basic-flow.ts';
import { obtainTokens } from '../oidc/headless-login.ts';
import {
  LOCAL_CLI_REDIRECT_URI,
  LOCAL_CLIENT_ID,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../stack.ts';

const REGION = 'us-east-1';

export interface TestStackOptions extends Omit<LocalStackOptions, 'dataDir' | 'ports' | 'appOrigins'> {
  /** Names the temporary data directory (`inkwell-<name>-…`), so a leftover one says whose it is. */
  name: string;
  /** The one origin the app is served from (CORS rules, redirect URIs, the site URL by default). */
  appOrigin: string;
}

export interface TestStack {
  stack: LocalStack;
  dataDir: string;
  /** The local admin key: set-up and read-back that is not under test. */
  admin: AwsClients;
  /** Destroys the admin clients, stops the stack and deletes its data directory. */
  stop(): Promise<void>;
}

export async function startTestStack({ name, appOrigin, ...options }: TestStackOptions): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `inkwell-${name}-`));
  const removeData = () => rm(dataDir, { recursive: true, force: true });
  const stack = await startLocalStack({
    ...options,
    dataDir,
    ports: { gateway: 0, oidc: 0, dynamodb: 0, s3: 0 },
    appOrigins: [appOrigin],
  }).catch(async (error: unknown) => {
    await removeData();
    throw error;
  });
  const admin = createAwsClients({
    region: REGION,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  return {
    stack,
    dataDir,
    admin,
    stop: async () => {
      admin.destroy();
      await stack.stop();
      await removeData();
    },
  };
}

/** How a test user's clients are made; without `maxAttempts` they keep the SDK's default retries. */
export interface TestClientOptions {
  maxAttempts?: number;
  plugins?: ClientPlugin[];
}

export interface TestUser {
  /** The Cognito identity id: the user's author/commenter id in DynamoDB keys. */
  id: string;
  clients: AwsClients;
}

export interface SignedInTestUser extends TestUser {
  /** The ID token the provider issued, for tests that present it themselves. */
  idToken: string;
}

/** Signs `username` in at the stack's provider and takes the identity pool's credentials for them. */
export async function signInUser(
  stack: LocalStack,
  username: string,
  clientOptions: TestClientOptions = {},
): Promise<SignedInTestUser> {
  const { idToken } = await obtainTokens({
    issuer: stack.oidcIssuer,
    clientId: LOCAL_CLIENT_ID,
    redirectUri: LOCAL_CLI_REDIRECT_URI,
    username,
  });
  const cognito = new CognitoIdentityClient({ region: REGION, endpoint: stack.gatewayUrl });
  const logins = { [stack.oidcIssuer.replace(/^https?:\/\//, '')]: idToken };
  const { IdentityId } = await cognito.send(
    new GetIdCommand({ IdentityPoolId: stack.identityPoolId, Logins: logins }),
  );
  const credentials = await fromCognitoIdentityPool({
    // The provider's nested-client type differs from the full client's only in type identity.
    client: cognito as unknown as NonNullable<Parameters<typeof fromCognitoIdentityPool>[0]['client']>,
    identityPoolId: stack.identityPoolId,
    logins,
  })();
  if (!IdentityId) throw new Error(`the identity pool gave ${username} no identity`);
  return { id: IdentityId, idToken, clients: clientsFor(stack, credentials, clientOptions) };
}

/** A signed-out visitor: the basic flow, as the app does (enhanced-flow guest keys are scoped down on AWS). */
export async function signInGuest(
  stack: LocalStack,
  clientOptions: TestClientOptions = {},
): Promise<TestUser> {
  const roleArn = stack.appConfig.identity.guestRoleArn;
  if (!roleArn) throw new Error('the local stack names no guest role');
  const guest = await basicFlowCredentials({
    endpoint: stack.gatewayUrl,
    identityPoolId: stack.identityPoolId,
    roleArn,
  });
  return { id: guest.identityId, clients: clientsFor(stack, guest.credentials, clientOptions) };
}

function clientsFor(
  stack: LocalStack,
  credentials: Parameters<typeof createAwsClients>[0]['credentials'],
  { maxAttempts, plugins }: TestClientOptions,
): AwsClients {
  return createAwsClients({
    region: REGION,
    endpoint: stack.gatewayUrl,
    credentials,
    ...(maxAttempts ? { maxAttempts } : {}),
    ...(plugins ? { plugins } : {}),
  });
}
