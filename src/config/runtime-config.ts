/**
 * Configuration read at start from `/config.json`, so one static build serves the local stack and
 * production (deploy writes a different config.json beside the same files).
 */

export interface OidcProviderConfig {
  /** Registry id, e.g. `local`, `google`, `amazon`, `facebook`, `oidc`. */
  id: string;
  label: string;
  issuer: string;
  clientId: string;
  scope?: string;
  /**
   * The key this provider's token goes under in Cognito `Logins` (the issuer without `https://`, or
   * `accounts.google.com`, `graph.facebook.com`, `www.amazon.com`).
   */
  loginsKey: string;
  /** With STS: the role to assume with this provider's token. */
  roleArn?: string;
  /**
   * `oauth2` for providers that are not OpenID providers on the web (Facebook, Login with Amazon):
   * their access token goes to AWS. Default: what providers.ts knows of `loginsKey`, else `oidc`.
   */
  protocol?: 'oidc' | 'oauth2';
  /** OAuth 2.0 only (there is no discovery): where the user is sent to sign in. */
  authorizationEndpoint?: string;
  /** OAuth 2.0 only: the token endpoint; with it the code flow with PKCE is used, without it the implicit flow. */
  tokenEndpoint?: string;
  /** OAuth 2.0 only: the endpoint that tells who the access token's user is (id, name, email). */
  profileEndpoint?: string;
}

export type IdentityConfig =
  | {
      mode: 'cognito';
      identityPoolId: string;
      /** The reader role guests assume in the basic flow (GetOpenIdToken + STS); see docs/security.md. */
      guestRoleArn?: string;
    }
  | {
      mode: 'sts';
      /** The pool whose unauthenticated identities readers get. */
      identityPoolId?: string;
      /** The reader role guests assume in the basic flow (GetOpenIdToken + STS). */
      guestRoleArn?: string;
    };

export interface RuntimeConfig {
  region: string;
  /** The local gateway; absent in production, where the SDK uses AWS's regional endpoints. */
  endpoint?: string;
  tableName: string;
  bucketName: string;
  /** Where public assets are loaded from by readers (bucket URL, or a CDN in front of it). */
  assetBaseUrl: string;
  identity: IdentityConfig;
  providers: OidcProviderConfig[];
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
}

export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  if (typeof value !== 'object' || value === null) throw new ConfigError('config.json is not an object');
  const config = value as Partial<RuntimeConfig>;
  for (const field of ['region', 'tableName', 'bucketName', 'assetBaseUrl'] as const) {
    if (typeof config[field] !== 'string' || config[field] === '') {
      throw new ConfigError(`config.json: "${field}" must be a non-empty string`);
    }
  }
  if (!config.identity || (config.identity.mode !== 'cognito' && config.identity.mode !== 'sts')) {
    throw new ConfigError('config.json: "identity.mode" must be "cognito" or "sts"');
  }
  if (!Array.isArray(config.providers)) throw new ConfigError('config.json: "providers" must be a list');
  return config as RuntimeConfig;
}

export async function loadRuntimeConfig(url = '/config.json', signal?: AbortSignal): Promise<RuntimeConfig> {
  const response = await fetch(url, { cache: 'no-cache', signal: signal ?? null });
  if (!response.ok) throw new ConfigError(`Could not load ${url}: HTTP ${response.status}`);
  return parseRuntimeConfig(await response.json());
}
