import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { provision } from '../infra/provision.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import type { RuntimeConfig } from '../src/config/runtime-config.ts';
import { COGNITO_PRINCIPAL_VARIABLE, publisherPolicy } from '../src/core/access-policy.ts';
import { cognitoRoleTrust } from '../src/core/trust-policy.ts';
import { backfill } from '../src/publisher/backfill.ts';
import { textLog } from '../src/publisher/log.ts';
import type { PublishResult } from '../src/publisher/publish.ts';
import { createPublisher } from '../src/publisher/publisher.ts';
import { handleStreamEvent } from '../src/publisher/stream-handler.ts';
import {
  LOCAL_ADMIN_CREDENTIALS,
  LOCAL_PUBLISHER_CREDENTIALS,
  registerAdmin,
  registerPublisher,
} from './admin.ts';
import { createIdentityPool } from './cognito-identity/identity-pool.ts';
import { startDynamoDbLocal } from './dynamodb/dynamodb-local.ts';
import { FaultInjector } from './gateway/faults.ts';
import { type GatewayLogEntry, startGateway } from './gateway/server.ts';
import { TableSchemaCache } from './gateway/table-schemas.ts';
import { startOAuth2Provider } from './oauth2/provider.ts';
import { startOidcProvider } from './oidc/provider.ts';
import { reservePort } from './ports.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localRoles, roleArn } from './roles.ts';
import { startS3Server } from './s3/s3-server.ts';
import { SessionStore } from './sessions.ts';
import { type StreamRunner, startStreamRunner } from './streams/stream-runner.ts';
import { handleStsRequest } from './sts/assume-role-with-web-identity.ts';

export interface LocalStackPorts {
  gateway: number;
  oidc: number;
  dynamodb: number;
  s3: number;
  /** The plain OAuth 2.0 provider, when `oauth2Provider` is on; default a free port. */
  oauth2?: number;
}

export const DEFAULT_PORTS: LocalStackPorts = { gateway: 4566, oidc: 4567, dynamodb: 4568, s3: 4569 };

export interface LocalStackOptions {
  /** Where DynamoDB Local, the S3 server and the OpenID provider keep their data. */
  dataDir: string;
  /** 0 picks a free port (tests). */
  ports: LocalStackPorts;
  /** Origins the app is served from: bucket CORS rules and OpenID redirect URIs are derived from them. */
  appOrigins: string[];
  /** Delete all local data before starting. */
  reset?: boolean;
  /** Lifetime of temporary AWS credentials (AWS's default is an hour; tests use about a minute). */
  credentialsTtlSeconds?: number;
  /** The shortest DurationSeconds STS accepts (AWS: 900); attack tests lower it to get keys that expire. */
  minCredentialsTtlSeconds?: number;
  /** Lifetime of OpenID ID and access tokens. */
  tokenTtlSeconds?: number;
  identityMode?: 'cognito' | 'sts';
  /**
   * Also run a plain OAuth 2.0 provider (a Login with Amazon look-alike) and offer it to the app as
   * provider `oauth2`, whose access tokens Cognito and STS check by asking it. On by default, so the
   * sign-in menu offers a choice as a real deployment's does; `false` leaves the OpenID provider alone.
   */
  oauth2Provider?: boolean;
  tableName?: string;
  bucketName?: string;
  /** Run the publisher from the table's stream (default true), as Lambda does on AWS. */
  publisher?: boolean;
  /** The public site's origin in rendered pages (canonical URLs, feeds): default the first app origin. */
  siteUrl?: string;
  onGatewayLog?: (entry: GatewayLogEntry) => void;
  log?: (line: string) => void;
  /** Fault injection in the gateway, e.g. `throttle:0.1,drop:0.05,latency:20-300,seed:7` (gateway/faults.ts). */
  faults?: string;
}

export interface LocalStack {
  gatewayUrl: string;
  oidcIssuer: string;
  /** The OAuth 2.0 provider's base URL, when it runs. */
  oauth2Url?: string;
  ports: LocalStackPorts;
  tableName: string;
  bucketName: string;
  identityPoolId: string;
  /** The runtime config (config.json) the app needs to run against this stack. */
  appConfig: RuntimeConfig;
  sessions: SessionStore;
  /** The publisher: the same handler Lambda runs, fed by DynamoDB Local's stream. */
  publisher?: LocalPublisher;
  stop(): Promise<void>;
}

export interface LocalPublisher {
  runner: StreamRunner;
  /** Renders the whole site from the table (npm run publish:all does this against a running stack). */
  backfill(onProgress?: (done: number, total: number) => void): Promise<PublishResult>;
}

export const LOCAL_CLIENT_ID = 'inkwell-web';
/** Scripts sign in through the real authorization-code flow and read the code from this redirect. */
export const LOCAL_CLI_REDIRECT_URI = 'http://127.0.0.1/inkwell-cli/callback';
export const LOCAL_OAUTH2_CLIENT_ID = 'inkwell-web-oauth2';
/** Its name in Cognito `Logins` and STS `ProviderId`, as `www.amazon.com` is Amazon's. */
export const LOCAL_OAUTH2_LOGINS_KEY = 'oauth2.local';
export const LOCAL_IDENTITY_POOL_ID = `${LOCAL_REGION}:00000000-0000-4000-8000-00000000b10c`;

/**
 * Starts everything Inkwell needs from AWS on this machine: DynamoDB Local, an S3 server, an OpenID
 * provider, STS and Cognito Identity stand-ins, and the gateway that verifies signatures and enforces
 * IAM in front of them all. Provisions the table and bucket with the same code used for AWS.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const tableName = options.tableName ?? 'inkwell';
  const bucketName = options.bucketName ?? 'inkwell-assets';
  const identityMode = options.identityMode ?? 'cognito';
  if (options.reset) {
    await rm(options.dataDir, { recursive: true, force: true });
    log(`local data wiped: ${options.dataDir}`);
  }
  const ports: LocalStackPorts = {
    gateway: await reservePort(options.ports.gateway, 'gateway'),
    oidc: await reservePort(options.ports.oidc, 'OpenID provider'),
    dynamodb: await reservePort(options.ports.dynamodb, 'DynamoDB Local'),
    s3: await reservePort(options.ports.s3, 'S3 server'),
  };
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
  };
  try {
    const dynamodb = await startDynamoDbLocal({
      port: ports.dynamodb,
      dataDir: join(options.dataDir, 'dynamodb'),
    });
    stops.push(dynamodb.stop);
    const s3 = await startS3Server({ port: ports.s3, dataDir: join(options.dataDir, 's3') });
    stops.push(s3.stop);

    const redirectUris = options.appOrigins
      .flatMap((origin) => [`${origin}/auth/callback`, `${origin}/auth/popup-callback`])
      .concat(LOCAL_CLI_REDIRECT_URI);
    const oidc = await startOidcProvider({
      port: ports.oidc,
      dataDir: options.dataDir,
      clients: [
        {
          clientId: LOCAL_CLIENT_ID,
          redirectUris,
          postLogoutRedirectUris: options.appOrigins.map((o) => `${o}/`),
        },
      ],
      ...(options.tokenTtlSeconds
        ? { idTokenTtlSeconds: options.tokenTtlSeconds, accessTokenTtlSeconds: options.tokenTtlSeconds }
        : {}),
    });
    stops.push(oidc.close);
    const issuerKey = oidc.issuer.replace(/^https?:\/\//, '');
    const oauth2 =
      (options.oauth2Provider ?? true)
        ? await startOAuth2Provider({
            port: options.ports.oauth2 ?? 0,
            clients: [{ clientId: LOCAL_OAUTH2_CLIENT_ID, redirectUris }],
            allowedOrigins: options.appOrigins,
            ...(options.tokenTtlSeconds ? { accessTokenTtlSeconds: options.tokenTtlSeconds } : {}),
          })
        : undefined;
    if (oauth2) stops.push(oauth2.close);
    const trustedOAuth2 = oauth2
      ? [
          {
            loginsKey: LOCAL_OAUTH2_LOGINS_KEY,
            tokenInfoUrl: oauth2.tokenInfoEndpoint,
            audiences: [LOCAL_OAUTH2_CLIENT_ID],
          },
        ]
      : [];

    const sessions = new SessionStore();
    registerAdmin(sessions, LOCAL_ACCOUNT_ID);
    const policyContext = {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      tableName,
      bucketName,
      principalVariable: identityMode === 'cognito' ? COGNITO_PRINCIPAL_VARIABLE : `${issuerKey}:sub`,
    };
    const roles = localRoles(policyContext);
    // With STS, IAM keys an OAuth 2.0 user on `<provider>:user_id`: a role of its own, as on AWS.
    const oauth2WriterRole = oauth2
      ? {
          ...localRoles({ ...policyContext, principalVariable: `${LOCAL_OAUTH2_LOGINS_KEY}:user_id` }).writer,
          arn: roleArn('inkwell-writer-oauth2'),
        }
      : undefined;
    const trustedIssuers = [{ issuer: oidc.issuer, audiences: [LOCAL_CLIENT_ID] }];
    const credentialsTtlSeconds = options.credentialsTtlSeconds ?? 3600;
    const identityPool = createIdentityPool({
      identityPoolId: LOCAL_IDENTITY_POOL_ID,
      dataDir: options.dataDir,
      providers: [{ loginsKey: issuerKey, issuer: oidc.issuer, audiences: [LOCAL_CLIENT_ID] }],
      oauth2Providers: trustedOAuth2,
      allowUnauthenticated: true,
      // As the template provisions it: guests use the basic flow (see docs/security.md).
      allowClassicFlow: true,
      authenticatedRole: roles.writer,
      unauthenticatedRole: roles.reader,
      sessions,
      credentialsDurationSeconds: credentialsTtlSeconds,
    });
    const schemas = new TableSchemaCache(
      new DynamoDBClient({
        region: LOCAL_REGION,
        endpoint: `http://127.0.0.1:${ports.dynamodb}`,
        credentials: LOCAL_ADMIN_CREDENTIALS,
      }),
    );
    const faults = FaultInjector.fromSpec(options.faults);
    if (faults) log(`fault injection on: ${options.faults} (seed ${faults.config.seed})`);
    const gateway = await startGateway({
      port: ports.gateway,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      dynamoDbUrl: `http://127.0.0.1:${ports.dynamodb}`,
      s3Url: `http://127.0.0.1:${ports.s3}`,
      sessions,
      anonymousPolicy: roles.anonymous,
      schemas,
      allowedOrigins: () => options.appOrigins,
      sts: (body) =>
        handleStsRequest(body, {
          sessions,
          roles: [
            {
              ...roles.writer,
              trustedIssuers,
              // In STS mode the writer role trusts the OpenID provider only, as in the template.
              ...(identityMode === 'cognito'
                ? { cognitoTrust: cognitoRoleTrust(LOCAL_IDENTITY_POOL_ID, 'authenticated') }
                : {}),
              maxSessionDurationSeconds: 43_200,
            },
            {
              ...roles.reader,
              trustedIssuers,
              cognitoTrust: cognitoRoleTrust(LOCAL_IDENTITY_POOL_ID, 'unauthenticated'),
              maxSessionDurationSeconds: 43_200,
            },
            ...(oauth2WriterRole
              ? [
                  {
                    ...oauth2WriterRole,
                    trustedIssuers: [],
                    trustedOAuth2Providers: trustedOAuth2,
                    maxSessionDurationSeconds: 43_200,
                  },
                ]
              : []),
          ],
          defaultDurationSeconds: credentialsTtlSeconds,
          minDurationSeconds: options.minCredentialsTtlSeconds ?? Math.min(900, credentialsTtlSeconds),
          cognito: identityPool,
        }),
      cognito: (target, body) => identityPool.handle(target, body),
      ...(options.onGatewayLog ? { onLog: options.onGatewayLog } : {}),
      ...(faults ? { faults } : {}),
    });
    stops.push(gateway.close);

    const admin = createAwsClients({
      region: LOCAL_REGION,
      endpoint: gateway.url,
      credentials: LOCAL_ADMIN_CREDENTIALS,
    });
    await provision({
      dynamodb: admin.dynamodb,
      s3: admin.s3,
      tableName,
      bucketName,
      appOrigins: options.appOrigins,
      log,
    });
    admin.destroy();

    let publisher: LocalPublisher | undefined;
    if (options.publisher !== false) {
      registerPublisher(sessions, LOCAL_ACCOUNT_ID, publisherPolicy(policyContext));
      const deps = createPublisher({
        region: LOCAL_REGION,
        endpoint: gateway.url,
        credentials: LOCAL_PUBLISHER_CREDENTIALS,
        tableName,
        bucketName,
        site: { siteUrl: options.siteUrl ?? options.appOrigins[0] ?? gateway.url, siteName: 'Inkwell' },
      });
      stops.push(async () => deps.destroy());
      const publisherLog = textLog((line) => log(line));
      const runner = await startStreamRunner({
        endpoint: `http://127.0.0.1:${ports.dynamodb}`,
        region: LOCAL_REGION,
        credentials: LOCAL_ADMIN_CREDENTIALS,
        tableName,
        handler: (event) => handleStreamEvent(event, deps, publisherLog),
        checkpointFile: join(options.dataDir, 'publisher', 'checkpoint.json'),
        failureFile: join(options.dataDir, 'publisher', 'failed-records.jsonl'),
        log,
      });
      stops.push(() => runner.stop());
      publisher = {
        runner,
        backfill: (onProgress) =>
          backfill(deps, { ...(onProgress ? { onProgress: (p) => onProgress(p.done, p.total) } : {}) }),
      };
    }

    const appConfig: RuntimeConfig = {
      region: LOCAL_REGION,
      endpoint: gateway.url,
      tableName,
      bucketName,
      assetBaseUrl: `${gateway.url}/${bucketName}/`,
      identity:
        identityMode === 'cognito'
          ? { mode: 'cognito', identityPoolId: LOCAL_IDENTITY_POOL_ID, guestRoleArn: roles.reader.arn }
          : { mode: 'sts', identityPoolId: LOCAL_IDENTITY_POOL_ID, guestRoleArn: roles.reader.arn },
      providers: [
        {
          id: 'local',
          label: 'Local test accounts',
          issuer: oidc.issuer,
          clientId: LOCAL_CLIENT_ID,
          scope: 'openid profile email offline_access',
          loginsKey: issuerKey,
          roleArn: roles.writer.arn,
        },
        ...(oauth2
          ? [
              {
                id: 'oauth2',
                label: 'Local OAuth 2.0 accounts',
                issuer: oauth2.url,
                clientId: LOCAL_OAUTH2_CLIENT_ID,
                scope: 'profile',
                loginsKey: LOCAL_OAUTH2_LOGINS_KEY,
                protocol: 'oauth2' as const,
                authorizationEndpoint: oauth2.authorizationEndpoint,
                tokenEndpoint: oauth2.tokenEndpoint,
                profileEndpoint: oauth2.profileEndpoint,
                ...(oauth2WriterRole ? { roleArn: oauth2WriterRole.arn } : {}),
              },
            ]
          : []),
      ],
    };
    return {
      gatewayUrl: gateway.url,
      oidcIssuer: oidc.issuer,
      ...(oauth2 ? { oauth2Url: oauth2.url } : {}),
      ports: { ...ports, gateway: gateway.port, oidc: oidc.port, ...(oauth2 ? { oauth2: oauth2.port } : {}) },
      tableName,
      bucketName,
      identityPoolId: LOCAL_IDENTITY_POOL_ID,
      appConfig,
      sessions,
      ...(publisher ? { publisher } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
