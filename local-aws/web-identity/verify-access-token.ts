/**
 * Validates an OAuth 2.0 access token the way AWS does for Login with Amazon and Facebook: the token is
 * opaque, so the provider is asked (Amazon: `api.amazon.com/auth/o2/tokeninfo`; Facebook:
 * `graph.facebook.com/debug_token`) who it belongs to and which app it was issued to. Unknown and
 * expired tokens are refused with STS's `InvalidIdentityToken`; an unreachable provider is
 * `IDPCommunicationError`, as for OpenID providers.
 *
 * @see https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { WebIdentityTokenError } from './verify-token.ts';

export interface TrustedOAuth2Provider {
  /** The provider's name in Cognito `Logins` and STS `ProviderId`, e.g. `www.amazon.com`. */
  loginsKey: string;
  /** Answers `GET ?access_token=` with `{user_id, aud}` (Amazon's tokeninfo shape). */
  tokenInfoUrl: string;
  /** App (client) IDs whose tokens are accepted. */
  audiences: string[];
}

export interface VerifiedAccessToken {
  providerName: string;
  userId: string;
  /** The app the token was issued to. */
  audience: string;
}

const INVALID_TOKEN_MESSAGE = 'The web identity token that was passed could not be validated by AWS.';

export async function verifyOAuth2AccessToken(
  token: string,
  provider: TrustedOAuth2Provider,
): Promise<VerifiedAccessToken> {
  const url = new URL(provider.tokenInfoUrl);
  url.searchParams.set('access_token', token);
  let response: Response;
  let body: { user_id?: unknown; aud?: unknown } | undefined;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    body = (await response.json().catch(() => undefined)) as typeof body;
  } catch (cause) {
    throw new WebIdentityTokenError(
      'IDPCommunicationError',
      `Could not reach the identity provider ${provider.loginsKey}`,
      { cause },
    );
  }
  if (response.status >= 500) {
    throw new WebIdentityTokenError(
      'IDPCommunicationError',
      `The identity provider ${provider.loginsKey} answered ${response.status}`,
    );
  }
  if (!response.ok || typeof body?.user_id !== 'string' || body.user_id === '') {
    throw new WebIdentityTokenError(
      'InvalidIdentityToken',
      `${INVALID_TOKEN_MESSAGE} (unknown or expired token)`,
    );
  }
  const audience = typeof body.aud === 'string' ? body.aud : '';
  if (!provider.audiences.includes(audience)) {
    throw new WebIdentityTokenError('InvalidIdentityToken', 'Incorrect token audience');
  }
  return { providerName: provider.loginsKey, userId: body.user_id, audience };
}

/**
 * The policy variables of such a session, as IAM names them for Login with Amazon
 * (`www.amazon.com:user_id`, `www.amazon.com:app_id`); Facebook's are `graph.facebook.com:id` and
 * `graph.facebook.com:app_id`.
 */
export function oauth2IdentityVariables(identity: VerifiedAccessToken): Record<string, string> {
  const idName = identity.providerName === 'graph.facebook.com' ? 'id' : 'user_id';
  return {
    [`${identity.providerName}:${idName}`]: identity.userId,
    [`${identity.providerName}:app_id`]: identity.audience,
  };
}
