/**
 * The sign-in providers config.json lists, with what each needs beyond its config entry.
 *
 * Every provider here is driven the same way: OpenID Connect authorization code flow with PKCE from
 * the browser, and the resulting ID token goes to Cognito `Logins[loginsKey]` or to
 * STS AssumeRoleWithWebIdentity. That works from config alone for any OpenID provider:
 * the local provider, Google (`accounts.google.com`), a Cognito user pool, Auth0, Okta, Keycloak...
 *
 * Facebook (`graph.facebook.com`) and Login with Amazon (`www.amazon.com`) are not OpenID providers on
 * the web: their browser flows are plain OAuth 2.0 and what Cognito takes under their `Logins` key is
 * the OAuth *access token* (Facebook's from its JS SDK, Amazon's from the LWA implicit or code flow),
 * with the user's id read from their own profile APIs. They are listed (so config can name them and
 * the menu can show them) but marked `protocol: 'oauth2'`; signing in with them fails with
 * `provider-unsupported` until an adapter for their SDKs exists.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/external-identity-providers.html
 */
import type { OidcProviderConfig } from '../config/runtime-config.ts';
import { AuthError } from './auth-error.ts';

export type ProviderProtocol = 'oidc' | 'oauth2';

export interface AuthProvider {
  readonly id: string;
  readonly label: string;
  readonly issuer: URL;
  readonly clientId: string;
  readonly scope: string;
  /** The key its token goes under in Cognito `Logins`. */
  readonly loginsKey: string;
  /** With STS: the role this provider's users assume. */
  readonly roleArn?: string;
  readonly protocol: ProviderProtocol;
  /** Plain-http issuers are allowed only on this machine (the local stack). */
  readonly allowInsecureRequests: boolean;
  /** Extra authorization request parameters the provider needs. */
  readonly authorizationParams: Readonly<Record<string, string>>;
}

interface KnownProvider {
  protocol: ProviderProtocol;
  scope: string;
  authorizationParams?: Record<string, string>;
}

/**
 * Defaults by Cognito `Logins` key, the one name each provider has everywhere. Google issues refresh
 * tokens only to confidential clients, so a Google session ends with its ID token (an hour); the app
 * then asks to sign in again.
 */
const KNOWN_BY_LOGINS_KEY: Record<string, KnownProvider> = {
  'accounts.google.com': {
    protocol: 'oidc',
    scope: 'openid profile email',
    authorizationParams: { prompt: 'select_account' },
  },
  'graph.facebook.com': { protocol: 'oauth2', scope: 'public_profile email' },
  'www.amazon.com': { protocol: 'oauth2', scope: 'profile' },
};

const GENERIC_OIDC: KnownProvider = { protocol: 'oidc', scope: 'openid profile email offline_access' };

export function isLoopbackUrl(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/** Builds one provider from its config entry, or explains why it cannot be used. */
export function resolveProvider(config: OidcProviderConfig): AuthProvider {
  let issuer: URL;
  try {
    issuer = new URL(config.issuer);
  } catch (cause) {
    throw new AuthError('provider-unsupported', `Provider "${config.id}" has an invalid issuer URL.`, {
      cause,
    });
  }
  const insecure = issuer.protocol === 'http:';
  if (insecure && !isLoopbackUrl(issuer)) {
    throw new AuthError('provider-unsupported', `Provider "${config.id}" must use https.`);
  }
  const known = KNOWN_BY_LOGINS_KEY[config.loginsKey] ?? GENERIC_OIDC;
  return {
    id: config.id,
    label: config.label,
    issuer,
    clientId: config.clientId,
    scope: config.scope ?? known.scope,
    loginsKey: config.loginsKey,
    ...(config.roleArn ? { roleArn: config.roleArn } : {}),
    protocol: known.protocol,
    allowInsecureRequests: insecure,
    authorizationParams: known.authorizationParams ?? {},
  };
}

/** The providers a user can pick from, in config order. */
export class ProviderRegistry {
  readonly #providers = new Map<string, AuthProvider>();

  constructor(configs: readonly OidcProviderConfig[], warn: (message: string) => void = console.warn) {
    for (const config of configs) {
      try {
        this.#providers.set(config.id, resolveProvider(config));
      } catch (error) {
        // One misconfigured provider should not keep readers out: leave it off the menu.
        warn(error instanceof Error ? error.message : String(error));
      }
    }
  }

  list(): AuthProvider[] {
    return [...this.#providers.values()];
  }

  has(id: string): boolean {
    return this.#providers.has(id);
  }

  get(id: string): AuthProvider {
    const provider = this.#providers.get(id);
    if (!provider) throw new AuthError('unknown-provider', `No sign-in provider "${id}" is configured.`);
    return provider;
  }
}

export function createProviderRegistry(configs: readonly OidcProviderConfig[]): ProviderRegistry {
  return new ProviderRegistry(configs);
}
