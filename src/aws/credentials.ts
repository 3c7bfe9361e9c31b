/**
 * Turns who the user is into temporary AWS keys, the only keys this app ever holds:
 *
 * - `cognito` mode: a Cognito identity pool. Signed-in users present their ID token under
 *   `Logins[loginsKey]`; guests get the pool's unauthenticated identity. IAM sees the Cognito
 *   IdentityId (`cognito-identity.amazonaws.com:sub`).
 * - `sts` mode: signed-in users call STS AssumeRoleWithWebIdentity with their ID token and the
 *   provider's role; IAM sees the token's `sub`. Guests still use the pool's unauthenticated identity
 *   when config names a pool.
 * - Guests, in both modes, use the pool's basic (classic) flow when config names the guest role:
 *   GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity on that role. The enhanced flow
 *   (GetCredentialsForIdentity) would do on AWS what it does locally: scope guest keys down to
 *   AmazonCognitoUnAuthedIdentitiesSessionPolicy, which allows no DynamoDB or S3 call at all.
 *
 * For OAuth 2.0 providers (Facebook, Login with Amazon) the token is the access token: Cognito takes it
 * under their `Logins` key, STS with `ProviderId` naming the provider, and AWS checks it with the provider.
 *
 * `identityId` is the id IAM policies key on, so the app uses it as the author id in DynamoDB keys.
 */
import {
  CognitoIdentityClient,
  type CognitoIdentityClientConfig,
  GetIdCommand,
  GetOpenIdTokenCommand,
} from '@aws-sdk/client-cognito-identity';
import type { STSClient } from '@aws-sdk/client-sts';
import {
  type FromCognitoIdentityPoolParameters,
  fromCognitoIdentityPool,
} from '@aws-sdk/credential-provider-cognito-identity';
import { fromWebToken } from '@aws-sdk/credential-provider-web-identity';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { errorCodeOf } from './plugins/call-notes.ts';
import type { ClientPlugin } from './plugins/client-plugin.ts';
import { RefreshingCredentials } from './refreshing-credentials.ts';

export type CredentialsErrorCode =
  /** Guests cannot read: the pool does not allow unauthenticated identities, or config names none. */
  | 'guest-access-unavailable'
  /** AWS refused the user's ID token (expired, wrong audience, untrusted issuer). Sign in again. */
  | 'identity-rejected'
  /** Config lacks what this identity needs (e.g. a role for STS). */
  | 'not-configured'
  /** Cognito or STS could not be reached or failed. Try again. */
  | 'credentials-unavailable';

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  readonly code: CredentialsErrorCode;

  constructor(code: CredentialsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type AwsPrincipal =
  | { kind: 'guest' }
  | {
      kind: 'user';
      sub: string;
      /** The provider's key in Cognito `Logins`. */
      loginsKey: string;
      /** The role to assume in `sts` mode. */
      roleArn?: string;
      /**
       * STS `ProviderId` (`graph.facebook.com`, `www.amazon.com`): set exactly when the token is an OAuth
       * 2.0 access token, which, unlike an ID token, does not name its issuer.
       */
      providerId?: string;
      /** A currently valid ID token (or OAuth 2.0 access token), renewed by the auth layer when needed. */
      idToken: () => Promise<string>;
    };

export interface TemporaryCredentials extends AwsCredentialIdentity {
  /** The Cognito IdentityId the keys belong to (cognito mode and guests). */
  identityId?: string;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface IdentityCredentialsOptions {
  config: Pick<RuntimeConfig, 'region' | 'endpoint' | 'identity'>;
  principal: AwsPrincipal;
  /** Applied to the Cognito Identity and STS clients too, so those calls are logged like the rest. */
  plugins?: ClientPlugin[];
  /** Keeps the guest IdentityId across visits (not secret); default localStorage. */
  guestCache?: StorageLike;
  /** Keeps a signed-in user's IdentityId for this tab; default sessionStorage. */
  userCache?: StorageLike;
  /** Runs before each fetch of keys, e.g. to renew the ID token. */
  beforeRefresh?: () => Promise<void>;
  /** For tests: answers Cognito and STS calls instead of the network. */
  requestHandler?: CognitoIdentityClientConfig['requestHandler'];
}

export interface IdentityCredentials {
  readonly principal: AwsPrincipal['kind'];
  /** What clients are given: memoized, refreshed ahead of expiry, invalidated on rejection. */
  readonly credentials: RefreshingCredentials<TemporaryCredentials>;
  /** The id IAM sees: the Cognito IdentityId, or the token's `sub` with STS. */
  identityId(): Promise<string>;
  destroy(): void;
}

export function createIdentityCredentials(options: IdentityCredentialsOptions): IdentityCredentials {
  const { config, principal } = options;
  const clientConfig = {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  };
  const destroyers: (() => void)[] = [];
  const cognitoClient = () => {
    const client = new CognitoIdentityClient(clientConfig);
    for (const plugin of options.plugins ?? []) client.middlewareStack.use(plugin);
    destroyers.push(() => client.destroy());
    // The provider is typed against the SDK's internal copy of this client; it only calls `send` with
    // its own GetId/GetCredentialsForIdentity commands, which any CognitoIdentityClient runs. Ours
    // carries the app's plugins, so these calls show in the activity log.
    return client as unknown as NonNullable<FromCognitoIdentityPoolParameters['client']>;
  };

  // Loaded on first use: Cognito deployments' writers never download the STS client.
  let sts: STSClient | undefined;
  const stsClient = async () => {
    const stsSdk = await import('@aws-sdk/client-sts');
    if (!sts) {
      const client = new stsSdk.STSClient(clientConfig);
      for (const plugin of options.plugins ?? []) client.middlewareStack.use(plugin);
      destroyers.push(() => client.destroy());
      sts = client;
    }
    return { client: sts, sdk: stsSdk };
  };

  let source: () => Promise<TemporaryCredentials>;
  let identityId: (credentials: RefreshingCredentials<TemporaryCredentials>) => Promise<string>;
  const cognitoIdentityId = async (credentials: RefreshingCredentials<TemporaryCredentials>) => {
    const { identityId: id } = await credentials.get();
    if (!id) throw new CredentialsError('credentials-unavailable', 'Cognito returned no identity id.');
    return id;
  };

  if (principal.kind === 'user' && config.identity.mode === 'sts') {
    const { roleArn, sub, providerId } = principal;
    if (!roleArn) {
      source = () =>
        Promise.reject(
          new CredentialsError('not-configured', 'This sign-in provider has no role configured.'),
        );
    } else {
      source = async () => {
        const { client: sts, sdk: stsSdk } = await stsClient();
        return fromWebToken({
          roleArn,
          roleSessionName: roleSessionName(sub),
          webIdentityToken: await principal.idToken(),
          ...(providerId ? { providerId } : {}),
          roleAssumerWithWebIdentity: async (params) => {
            const { Credentials: keys } = await sts.send(new stsSdk.AssumeRoleWithWebIdentityCommand(params));
            if (!keys?.AccessKeyId || !keys.SecretAccessKey) {
              throw new CredentialsError('credentials-unavailable', 'STS returned no credentials.');
            }
            return {
              accessKeyId: keys.AccessKeyId,
              secretAccessKey: keys.SecretAccessKey,
              ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}),
              ...(keys.Expiration ? { expiration: keys.Expiration } : {}),
            };
          },
        })();
      };
    }
    identityId = async () => sub;
  } else if (principal.kind === 'user' && config.identity.mode === 'cognito') {
    const { identityPoolId } = config.identity;
    const client = cognitoClient();
    source = cognitoPoolSource(() =>
      fromCognitoIdentityPool({
        client,
        identityPoolId,
        logins: { [principal.loginsKey]: () => principal.idToken() },
        userIdentifier: `${principal.loginsKey}:${principal.sub}`,
        cache: options.userCache ?? sessionStorage,
      }),
    );
    identityId = cognitoIdentityId;
  } else {
    const identityPoolId = config.identity.identityPoolId;
    if (!identityPoolId) {
      source = () =>
        Promise.reject(
          new CredentialsError(
            'guest-access-unavailable',
            'Sign in to read: guest access is not configured.',
          ),
        );
    } else if (config.identity.guestRoleArn) {
      const roleArn = config.identity.guestRoleArn;
      const client = new CognitoIdentityClient(clientConfig);
      for (const plugin of options.plugins ?? []) client.middlewareStack.use(plugin);
      destroyers.push(() => client.destroy());
      const cache = options.guestCache ?? localStorage;
      // The same key the SDK's pool provider uses, so a returning guest keeps their identity id.
      const cacheKey = `aws:cognito-identity-credentials:${identityPoolId}:ANONYMOUS`;
      const openIdToken = async (): Promise<{ identityId: string; token: string }> => {
        const cached = cache.getItem(cacheKey);
        const identityId =
          cached ?? (await client.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId;
        if (!identityId)
          throw new CredentialsError('credentials-unavailable', 'Cognito returned no identity id.');
        try {
          const { Token } = await client.send(new GetOpenIdTokenCommand({ IdentityId: identityId }));
          if (!Token) throw new CredentialsError('credentials-unavailable', 'Cognito returned no token.');
          if (cached === null) cache.setItem(cacheKey, identityId);
          return { identityId, token: Token };
        } catch (error) {
          // The pool no longer knows the cached id (reset, or another pool's): start over once.
          if (cached === null || errorCodeOf(error) !== 'ResourceNotFoundException') throw error;
          cache.removeItem(cacheKey);
          return openIdToken();
        }
      };
      source = async () => {
        const { identityId: id, token } = await openIdToken();
        const { client: sts, sdk } = await stsClient();
        const { Credentials: keys } = await sts.send(
          new sdk.AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: roleSessionName(id),
            WebIdentityToken: token,
          }),
        );
        if (!keys?.AccessKeyId || !keys.SecretAccessKey) {
          throw new CredentialsError('credentials-unavailable', 'STS returned no credentials.');
        }
        return {
          accessKeyId: keys.AccessKeyId,
          secretAccessKey: keys.SecretAccessKey,
          ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}),
          ...(keys.Expiration ? { expiration: keys.Expiration } : {}),
          identityId: id,
        };
      };
    } else {
      // No guest role configured: the enhanced flow, which AWS scopes down to no DynamoDB or S3 access.
      const client = cognitoClient();
      source = cognitoPoolSource(() =>
        fromCognitoIdentityPool({ client, identityPoolId, cache: options.guestCache ?? localStorage }),
      );
    }
    identityId = cognitoIdentityId;
  }

  const credentials = new RefreshingCredentials<TemporaryCredentials>({
    source: () =>
      source().catch((error: unknown) => Promise.reject(toCredentialsError(error, principal.kind))),
    ...(options.beforeRefresh ? { beforeRefresh: options.beforeRefresh } : {}),
  });
  return {
    principal: principal.kind,
    credentials,
    identityId: () => identityId(credentials),
    destroy: () => {
      for (const destroy of destroyers) destroy();
    },
  };
}

/**
 * A pool provider remembers the IdentityId it got; when the pool no longer knows it (the pool was
 * reset, or the cached id is from another pool), start over once with a new GetId.
 */
function cognitoPoolSource(
  make: () => () => Promise<TemporaryCredentials>,
): () => Promise<TemporaryCredentials> {
  let provider: (() => Promise<TemporaryCredentials>) | undefined;
  return async () => {
    provider ??= make();
    try {
      return await provider();
    } catch (error) {
      // The SDK's provider already dropped the cached id; drop the provider that still holds it.
      provider = undefined;
      if (errorCodeOf(error) !== 'ResourceNotFoundException') throw error;
      provider = make();
      return provider();
    }
  };
}

/** STS RoleSessionName: 2-64 of [\w+=,.@-]; the user's sub makes CloudTrail readable. */
export function roleSessionName(sub: string): string {
  return `inkwell-${sub}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

const REJECTED_TOKEN_CODES = new Set([
  'NotAuthorizedException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'ExpiredTokenException',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
  'AccessDenied',
]);

function toCredentialsError(error: unknown, kind: AwsPrincipal['kind']): Error {
  // Already typed (ours, or the auth layer's "session expired"): the UI knows what to say.
  if (error instanceof CredentialsError) return error;
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    !('$metadata' in error)
  ) {
    return error;
  }
  const code = errorCodeOf(error);
  if (REJECTED_TOKEN_CODES.has(code)) {
    return kind === 'guest'
      ? new CredentialsError('guest-access-unavailable', 'Guest access was refused.', { cause: error })
      : new CredentialsError('identity-rejected', 'AWS did not accept your sign-in. Sign in again.', {
          cause: error,
        });
  }
  return new CredentialsError('credentials-unavailable', 'Could not get AWS credentials. Try again.', {
    cause: error,
  });
}
