/**
 * Sign-in with plain OAuth 2.0 providers (Facebook, Login with Amazon, the local fake): the steps
 * OidcClient takes for a provider whose `protocol` is `oauth2`. There is no ID token: what AWS takes
 * (Cognito `Logins`, STS with `ProviderId`) is the access token, which AWS checks by asking the provider,
 * and who the user is comes from the provider's profile endpoint.
 *
 * With a token endpoint the authorization code grant with PKCE is used (the code is useless without the
 * verifier this tab keeps, and the token never appears in a URL); without one, the implicit grant, whose
 * token arrives in the URL fragment (never sent to a server, removed from the address bar at once).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 (code grant), #section-4.2 (implicit grant)
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html (ProviderId)
 */
import { AuthError } from './auth-error.ts';
import type { AuthorizationSecrets } from './pkce.ts';
import type { AuthProvider, OAuth2Endpoints } from './providers.ts';
import type { StoredClaims, StoredTokens } from './token-store.ts';

/** An OAuth 2.0 provider as this module needs it. */
export type OAuth2Provider = Pick<
  AuthProvider,
  'id' | 'label' | 'clientId' | 'scope' | 'authorizationParams'
> & {
  oauth2: Readonly<OAuth2Endpoints>;
};

export function isOAuth2Provider(provider: AuthProvider): provider is AuthProvider & OAuth2Provider {
  return provider.protocol === 'oauth2' && provider.oauth2 !== undefined;
}

/** Used when a provider's answer says nothing about the token's lifetime. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export function usesCodeFlow(provider: OAuth2Provider): boolean {
  return provider.oauth2.token !== undefined;
}

/** The authorization request: `response_type=code` with PKCE, or `token` (implicit). */
export function buildOAuth2AuthorizationUrl(
  provider: OAuth2Provider,
  redirectUri: string,
  secrets: Pick<AuthorizationSecrets, 'codeChallenge' | 'state'>,
): URL {
  const url = new URL(provider.oauth2.authorization);
  const params: Record<string, string> = {
    ...provider.authorizationParams,
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    scope: provider.scope,
    state: secrets.state,
    ...(usesCodeFlow(provider)
      ? { response_type: 'code', code_challenge: secrets.codeChallenge, code_challenge_method: 'S256' }
      : { response_type: 'token' }),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/**
 * The parameters of an authorization response: the query for the code grant, the fragment for the
 * implicit grant (and for errors some providers put there).
 */
export function authorizationResponseParams(url: URL): URLSearchParams {
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));
  return fragment.has('state') || fragment.has('access_token') || fragment.has('error')
    ? fragment
    : url.searchParams;
}

/** The `state` of a callback URL, wherever the response put it. */
export function callbackState(url: URL): string | null {
  return authorizationResponseParams(url).get('state') ?? url.searchParams.get('state');
}

export type OAuth2AuthorizationResponse =
  | { kind: 'code'; code: string }
  | { kind: 'token'; accessToken: string; expiresInSeconds?: number };

/** Validates the redirect back from the provider against the state this tab sent. */
export function parseOAuth2AuthorizationResponse(
  url: URL,
  expectedState: string,
): OAuth2AuthorizationResponse {
  const params = authorizationResponseParams(url);
  if (params.get('state') !== expectedState) {
    throw new AuthError(
      'callback-invalid',
      'The sign-in response does not belong to this sign-in. Sign in again.',
    );
  }
  const error = params.get('error');
  if (error) {
    throw error === 'access_denied'
      ? new AuthError('sign-in-cancelled', 'Sign-in was cancelled.')
      : new AuthError('sign-in-failed', `The provider refused the sign-in (${error}).`);
  }
  const code = params.get('code');
  if (code) return { kind: 'code', code };
  const accessToken = params.get('access_token');
  if (accessToken) {
    const expiresIn = Number(params.get('expires_in'));
    return {
      kind: 'token',
      accessToken,
      ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresInSeconds: expiresIn } : {}),
    };
  }
  throw new AuthError('sign-in-failed', 'The provider answered with neither a code nor a token.');
}

export interface OAuth2TokenResponse {
  accessToken: string;
  expiresInSeconds?: number;
  refreshToken?: string;
}

/** The token request of the code grant, as a public client: the PKCE verifier instead of a secret. */
export function codeGrantRequest(
  provider: OAuth2Provider,
  code: string,
  redirectUri: string,
  codeVerifier: string,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  return tokenRequest(provider, fetchFn, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: provider.clientId,
    code_verifier: codeVerifier,
  });
}

export function refreshGrantRequest(
  provider: OAuth2Provider,
  refreshToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  return tokenRequest(provider, fetchFn, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: provider.clientId,
  });
}

function tokenRequest(
  provider: OAuth2Provider,
  fetchFn: typeof fetch,
  body: Record<string, string>,
): Promise<Response> {
  const endpoint = provider.oauth2.token;
  if (!endpoint) {
    return Promise.reject(new AuthError('provider-unsupported', `${provider.label} has no token endpoint.`));
  }
  return fetchFn(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(body),
  }).catch((cause: unknown) => {
    throw new AuthError('provider-unreachable', `Could not reach ${provider.label}.`, { cause });
  });
}

/**
 * Reads a token endpoint answer. A 400/401 (invalid_grant and friends) means the provider ended the
 * session: `session-expired`; anything else unreadable is `sign-in-failed`.
 */
export async function processTokenResponse(response: Response): Promise<OAuth2TokenResponse> {
  const body = await readJson(response);
  if (!response.ok) {
    const error = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw response.status === 400 || response.status === 401
      ? new AuthError('session-expired', `The provider refused the token request (${error}).`)
      : new AuthError('sign-in-failed', `The provider's token endpoint failed (${error}).`);
  }
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new AuthError('sign-in-failed', 'The provider returned no access token.');
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in);
  return {
    accessToken: body.access_token,
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresInSeconds: expiresIn } : {}),
    ...(typeof body.refresh_token === 'string' && body.refresh_token !== ''
      ? { refreshToken: body.refresh_token }
      : {}),
  };
}

/** Asks the provider who the access token's user is (Facebook: Graph `/me`; Amazon: `/user/profile`). */
export function profileRequest(
  provider: OAuth2Provider,
  accessToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  const url = new URL(provider.oauth2.profile);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (provider.oauth2.profileTokenIn === 'query') url.searchParams.set('access_token', accessToken);
  else headers.authorization = `Bearer ${accessToken}`;
  return fetchFn(url, { headers }).catch((cause: unknown) => {
    throw new AuthError('provider-unreachable', `Could not reach ${provider.label}.`, { cause });
  });
}

/** Facebook answers `{id, name, email}`, Amazon `{user_id, name, email}`. */
export async function processProfileResponse(response: Response): Promise<StoredClaims> {
  const body = await readJson(response);
  if (!response.ok || !body) {
    throw new AuthError(
      'sign-in-failed',
      `The provider did not say who signed in (HTTP ${response.status}).`,
    );
  }
  const text = (name: string) => {
    const value = body[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const sub = text('user_id') ?? text('id');
  if (!sub) throw new AuthError('sign-in-failed', 'The provider\u2019s profile has no user id.');
  const email = text('email');
  return { sub, name: text('name') ?? email ?? sub, ...(email ? { email } : {}) };
}

/** What the token store keeps for an OAuth 2.0 sign-in; `idToken` is the token AWS takes: the access token. */
export function toOAuth2StoredTokens(
  providerId: string,
  token: OAuth2TokenResponse,
  claims: StoredClaims,
  now: number,
): StoredTokens {
  return {
    providerId,
    protocol: 'oauth2',
    idToken: token.accessToken,
    accessToken: token.accessToken,
    issuedAt: now,
    expiresAt: now + (token.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS) * 1000,
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
    claims,
  };
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
