/**
 * The sign-in providers config.json lists, with what each needs beyond its config entry.
 *
 * Every provider here is driven the same way: OpenID Connect authorization code flow with PKCE from
 * the browser, and the resulting ID token goes to Cognito `Logins[loginsKey]` or to
 * STS AssumeRoleWithWebIdentity. That works from config alone for any OpenID provider:
 * the local provider, Google (`accounts.google.com`), a Cognito user pool, Auth0, Okta, Keycloak...
 *
 * Facebook (`graph.facebook.com`) and Login with Amazon (`www.amazon.com`) are not OpenID providers on
 * the web: their browser flows are plain OAuth 2.0 and what Cognito takes under their `Logins` key (and
 * STS with `ProviderId`) is the OAuth *access token*; AWS checks it by asking the provider, and the user's
 * id and name come from the provider's profile API. They are `protocol: 'oauth2'` and signed in with
 * oauth2-client.ts: Login with Amazon with the code flow and PKCE (it documents PKCE and a code
 * exchange without the client secret), Facebook with the implicit flow (its code exchange needs the app
 * secret, which a static app cannot keep). Any provider can be made `oauth2` by config, naming its
 * endpoints: with a `tokenEndpoint` the code flow with PKCE is used, without one the implicit flow.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/external-identity-providers.html
 */
import type { OidcProviderConfig } from '../config/runtime-config.ts';
import { AuthError } from './auth-error.ts';

export type ProviderProtocol = 'oidc' | 'oauth2';

/** How a plain OAuth 2.0 provider is driven: it has no discovery document, so its endpoints are named. */
export interface OAuth2Endpoints {
  authorization: URL;
  /** With it: authorization code + PKCE, exchanged here. Without it: the implicit grant. */
  token?: URL;
  /** Answers with the access token's user (`id` or `user_id`, `name`, `email`). */
  profile: URL;
  /** Facebook's Graph API takes the token as `access_token` in the query; others as a Bearer header. */
  profileTokenIn: 'header' | 'query';
}

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
  /** Present exactly when `protocol` is `oauth2`. */
  readonly oauth2?: Readonly<OAuth2Endpoints>;
}

interface KnownProvider {
  protocol: ProviderProtocol;
  scope: string;
  authorizationParams?: Record<string, string>;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  profileEndpoint?: string;
  profileTokenIn?: OAuth2Endpoints['profileTokenIn'];
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
  /** @see https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow */
  'graph.facebook.com': {
    protocol: 'oauth2',
    scope: 'public_profile email',
    authorizationEndpoint: 'https://www.facebook.com/v19.0/dialog/oauth',
    profileEndpoint: 'https://graph.facebook.com/me?fields=id,name,email',
    profileTokenIn: 'query',
  },
  /**
   * @see https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html
   * @see https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html
   */
  'www.amazon.com': {
    protocol: 'oauth2',
    scope: 'profile',
    authorizationEndpoint: 'https://www.amazon.com/ap/oa',
    tokenEndpoint: 'https://api.amazon.com/auth/o2/token',
    profileEndpoint: 'https://api.amazon.com/user/profile',
  },
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
  const protocol = config.protocol ?? known.protocol;
  const oauth2 = protocol === 'oauth2' ? resolveOAuth2Endpoints(config, known) : undefined;
  return {
    id: config.id,
    label: config.label,
    issuer,
    clientId: config.clientId,
    scope: config.scope ?? known.scope,
    loginsKey: config.loginsKey,
    ...(config.roleArn ? { roleArn: config.roleArn } : {}),
    protocol,
    allowInsecureRequests: insecure,
    authorizationParams: known.authorizationParams ?? {},
    ...(oauth2 ? { oauth2 } : {}),
  };
}

function resolveOAuth2Endpoints(config: OidcProviderConfig, known: KnownProvider): OAuth2Endpoints {
  const endpoint = (name: string, value: string | undefined): URL | undefined => {
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch (cause) {
      throw new AuthError('provider-unsupported', `Provider "${config.id}" has an invalid ${name}.`, {
        cause,
      });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
      throw new AuthError('provider-unsupported', `Provider "${config.id}" must use https for its ${name}.`);
    }
    return url;
  };
  const authorization = endpoint(
    'authorization endpoint',
    config.authorizationEndpoint ?? known.authorizationEndpoint,
  );
  const profile = endpoint('profile endpoint', config.profileEndpoint ?? known.profileEndpoint);
  if (!authorization || !profile) {
    throw new AuthError(
      'provider-unsupported',
      `Provider "${config.id}" speaks OAuth 2.0 and needs an authorizationEndpoint and a profileEndpoint.`,
    );
  }
  const token = endpoint('token endpoint', config.tokenEndpoint ?? known.tokenEndpoint);
  return {
    authorization,
    ...(token ? { token } : {}),
    profile,
    profileTokenIn: known.profileTokenIn ?? 'header',
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
