/**
 * Why signing in or staying signed in failed, as a stable `code` the UI maps to a message. The
 * underlying protocol or network error, if any, is the `cause`; it is for logs, never for the screen.
 */
export type AuthErrorCode =
  /** The provider id is not in config.json. */
  | 'unknown-provider'
  /** The provider's config cannot be used (bad URLs, http off this machine, OAuth 2.0 endpoints missing). */
  | 'provider-unsupported'
  /** The provider's discovery document or token endpoint could not be reached. */
  | 'provider-unreachable'
  /** The browser blocked the sign-in window. */
  | 'popup-blocked'
  /** The user closed the sign-in window or declined at the provider. */
  | 'sign-in-cancelled'
  /** The provider answered, but its answer did not validate (state, nonce, signature, claims). */
  | 'sign-in-failed'
  /** A callback URL arrived that this tab did not start, or it was already used. */
  | 'callback-invalid'
  /** The sign-in session ended (refresh refused or no refresh token): sign in again. */
  | 'session-expired';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
