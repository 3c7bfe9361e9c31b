/**
 * The authorization request of the code flow with PKCE: the one-time secrets and the URL that carries
 * their public halves to the provider.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE, S256 only)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 */
import * as oauth from 'oauth4webapi';
import { AuthError } from './auth-error.ts';
import type { AuthProvider } from './providers.ts';

export interface AuthorizationSecrets {
  /** Kept in this tab only; proves at the token endpoint that we started the request. */
  codeVerifier: string;
  /** BASE64URL(SHA-256(codeVerifier)), sent in the authorization request. */
  codeChallenge: string;
  /** Binds the callback to this tab's request (CSRF). */
  state: string;
  /** Binds the ID token to this request (replay). */
  nonce: string;
}

export async function createAuthorizationSecrets(): Promise<AuthorizationSecrets> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return {
    codeVerifier,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
}

export function buildAuthorizationUrl(
  as: Pick<oauth.AuthorizationServer, 'authorization_endpoint' | 'issuer'>,
  provider: Pick<AuthProvider, 'id' | 'clientId' | 'scope' | 'authorizationParams'>,
  redirectUri: string,
  secrets: Pick<AuthorizationSecrets, 'codeChallenge' | 'state' | 'nonce'>,
): URL {
  if (!as.authorization_endpoint) {
    throw new AuthError('provider-unsupported', `Provider "${provider.id}" has no authorization endpoint.`);
  }
  const url = new URL(as.authorization_endpoint);
  const params = {
    ...provider.authorizationParams,
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: provider.scope,
    state: secrets.state,
    nonce: secrets.nonce,
    code_challenge: secrets.codeChallenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}
