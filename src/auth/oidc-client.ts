/**
 * Sign-in with OpenID Connect from the browser: authorization code flow with PKCE, by redirect or in a
 * popup, silent renewal with the refresh token, and RP-initiated logout. Each protocol step is an
 * oauth4webapi request/validate pair; this module decides when to take them and where tokens live.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 * @see https://www.rfc-editor.org/rfc/rfc9700 (OAuth 2.0 Security BCP: PKCE, no tokens in URLs)
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
import * as oauth from 'oauth4webapi';
import { AuthError } from './auth-error.ts';
import {
  buildOAuth2AuthorizationUrl,
  callbackState,
  codeGrantRequest,
  isOAuth2Provider,
  type OAuth2Provider,
  type OAuth2TokenResponse,
  parseOAuth2AuthorizationResponse,
  processProfileResponse,
  processTokenResponse,
  profileRequest,
  refreshGrantRequest,
  toOAuth2StoredTokens,
} from './oauth2-client.ts';
import { buildAuthorizationUrl, createAuthorizationSecrets } from './pkce.ts';
import type { AuthProvider, ProviderRegistry } from './providers.ts';
import { clearAuthResponseFromAddressBar, type StoredTokens, TokenStore } from './token-store.ts';

/** Who is signed in, as the UI and the AWS layer see it. */
export interface SignedInUser {
  /** The provider's subject: stable per provider. */
  sub: string;
  name: string;
  email?: string;
  providerId: string;
  /**
   * The token Cognito `Logins` and STS take: the ID token, or for an OAuth 2.0 provider (Facebook, Login
   * with Amazon) the access token.
   */
  idToken: string;
  /** Epoch ms when `idToken` expires. */
  expiresAt: number;
}

export const CALLBACK_PATH = '/auth/callback';
export const POPUP_CALLBACK_PATH = '/auth/popup-callback';

const POPUP_MESSAGE_TYPE = 'ink-auth-popup-callback';
const POPUP_CHANNEL_NAME = 'ink-auth';
const POPUP_WINDOW_NAME = 'ink-sign-in';
const POPUP_FEATURES = 'popup,width=520,height=700';
/** How long a closed popup may still deliver its message (it posts, then closes itself). */
const POPUP_CLOSE_GRACE_MS = 1000;
const MAX_RENEW_LEAD_MS = 60_000;
const RENEW_LEAD_FRACTION = 0.2;
const RENEW_RETRY_MS = 15_000;

interface PopupCallbackMessage {
  type: typeof POPUP_MESSAGE_TYPE;
  url: string;
}

export type CallbackOutcome =
  /** A redirect sign-in finished in this window; go to `returnTo`. */
  | { kind: 'signed-in'; user: SignedInUser; returnTo: string }
  /** This window is the popup: the response went to the window that opened it, which finishes. */
  | { kind: 'relayed-to-opener' };

export type OidcChangeReason = 'signed-in' | 'renewed' | 'signed-out' | 'expired';

/** Fired on the client when `user` changes; `reason` says why. */
export class OidcChangeEvent extends Event {
  readonly reason: OidcChangeReason;
  constructor(reason: OidcChangeReason) {
    super('change');
    this.reason = reason;
  }
}

export interface OidcClientOptions {
  registry: ProviderRegistry;
  store?: TokenStore;
  /** Default `window`: its location, history, opener and `open`. */
  window?: Window;
  /** Leaves the app for the provider; default `location.assign`. */
  navigate?: (url: URL) => void;
  /** For tests: the fetch oauth4webapi uses. */
  fetch?: typeof fetch;
  now?: () => number;
  /** Log for failures nobody awaits (background renewal). */
  log?: (message: string, error?: unknown) => void;
  /**
   * Renew tokens in the background (default true). Off in the popup window: it shares the opener's
   * sessionStorage copy, and renewing there would rotate the opener's refresh token away.
   */
  silentRenewal?: boolean;
}

export interface BeginLoginOptions {
  popup?: boolean;
  /** Where a redirect sign-in comes back to; default the current path and query. */
  returnTo?: string;
}

/**
 * The browser side of OpenID Connect for one tab. Fires `change` ({@link OidcChangeEvent}) when the
 * signed-in user changes or their token is renewed.
 */
export class OidcClient extends EventTarget {
  readonly #registry: ProviderRegistry;
  readonly #store: TokenStore;
  readonly #window: Window;
  readonly #navigate: (url: URL) => void;
  readonly #fetch: typeof fetch | undefined;
  readonly #now: () => number;
  readonly #log: (message: string, error?: unknown) => void;
  readonly #silentRenewal: boolean;
  readonly #discovery = new Map<string, Promise<oauth.AuthorizationServer>>();
  #tokens: StoredTokens | null;
  #refreshing: Promise<SignedInUser> | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: OidcClientOptions) {
    super();
    this.#registry = options.registry;
    this.#store = options.store ?? new TokenStore();
    this.#window = options.window ?? window;
    this.#navigate = options.navigate ?? ((url) => this.#window.location.assign(url.href));
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((message, error) => console.warn(`[auth] ${message}`, error));
    this.#silentRenewal = options.silentRenewal ?? true;
    this.#tokens = this.#restore();
    this.#scheduleRenewal();
  }

  get user(): SignedInUser | null {
    return this.#tokens ? toUser(this.#tokens) : null;
  }

  get #origin(): string {
    return this.#window.location.origin;
  }

  /**
   * Starts signing in. With a redirect the page leaves (resolves `null` just before); with `popup` it
   * resolves with the user once the popup comes back. Call it from a click: the popup is opened before
   * anything is awaited, so the browser still sees the user's gesture.
   */
  async beginLogin(providerId: string, options: BeginLoginOptions = {}): Promise<SignedInUser | null> {
    const provider = this.#registry.get(providerId);
    if (provider.protocol === 'oauth2' && !isOAuth2Provider(provider)) {
      throw new AuthError('provider-unsupported', `${provider.label} has no OAuth 2.0 endpoints configured.`);
    }
    const popup = options.popup ? this.#window.open('about:blank', POPUP_WINDOW_NAME, POPUP_FEATURES) : null;
    if (options.popup && !popup) {
      throw new AuthError(
        'popup-blocked',
        'The browser blocked the sign-in window. Allow popups, or sign in here.',
      );
    }
    try {
      const as = isOAuth2Provider(provider) ? undefined : await this.#discover(provider);
      const secrets = await createAuthorizationSecrets();
      const redirectUri = `${this.#origin}${popup ? POPUP_CALLBACK_PATH : CALLBACK_PATH}`;
      const { pathname, search } = this.#window.location;
      this.#store.savePending({
        providerId: provider.id,
        state: secrets.state,
        nonce: secrets.nonce,
        codeVerifier: secrets.codeVerifier,
        redirectUri,
        returnTo: options.returnTo ?? `${pathname}${search}`,
        createdAt: this.#now(),
      });
      const url = as
        ? buildAuthorizationUrl(as, provider, redirectUri, secrets)
        : buildOAuth2AuthorizationUrl(provider as OAuth2Provider, redirectUri, secrets);
      if (!popup) {
        this.#navigate(url);
        return null;
      }
      popup.location.href = url.href;
      const callbackUrl = await this.#waitForPopup(popup, secrets.state);
      const outcome = await this.#complete(callbackUrl);
      return outcome.user;
    } catch (error) {
      popup?.close();
      throw toAuthError(error, 'sign-in-failed');
    }
  }

  /**
   * Handles the provider's redirect to /auth/callback or /auth/popup-callback. Removes the code from
   * the address bar either way. In the popup, hands the response to the opener and closes the window.
   */
  async handleCallback(url: URL = new URL(this.#window.location.href)): Promise<CallbackOutcome> {
    clearAuthResponseFromAddressBar(this.#window);
    if (url.pathname === POPUP_CALLBACK_PATH) {
      this.#relayToOpener(url);
      return { kind: 'relayed-to-opener' };
    }
    try {
      return { kind: 'signed-in', ...(await this.#complete(url)) };
    } catch (error) {
      throw toAuthError(error, 'sign-in-failed');
    }
  }

  /**
   * The current ID token, renewed first when it expires within `minValidityMs` (default: the renewal
   * lead). Throws `session-expired` when there is no valid token and none can be had.
   */
  async freshIdToken(minValidityMs?: number): Promise<string> {
    const tokens = this.#tokens;
    if (!tokens) throw new AuthError('session-expired', 'You are not signed in.');
    const lead = minValidityMs ?? renewLead(tokens);
    if (tokens.expiresAt - this.#now() > lead) return tokens.idToken;
    return (await this.refresh()).idToken;
  }

  /** Renews the tokens with the refresh token; concurrent callers share one request. */
  refresh(): Promise<SignedInUser> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Forgets the tokens in this tab, revokes the refresh token where the provider allows it and, when
   * `endProviderSession` (default) and the provider supports RP-initiated logout, leaves for its
   * end-session page, which returns to the app's home.
   */
  async signOut(options: { endProviderSession?: boolean } = {}): Promise<void> {
    const tokens = this.#tokens;
    this.#setTokens(null, 'signed-out');
    if (!tokens || !this.#registry.has(tokens.providerId)) return;
    const provider = this.#registry.get(tokens.providerId);
    // Facebook and Login with Amazon have no logout a static app can call; the tab forgets the token.
    if (provider.protocol === 'oauth2') return;
    let as: oauth.AuthorizationServer;
    try {
      as = await this.#discover(provider);
    } catch (error) {
      this.#log('could not reach the provider to end its session', error);
      return;
    }
    if (tokens.refreshToken && as.revocation_endpoint) {
      await oauth
        .revocationRequest(
          as,
          { client_id: provider.clientId },
          oauth.None(),
          tokens.refreshToken,
          this.#http(provider),
        )
        .then((response) => oauth.processRevocationResponse(response))
        .catch((error: unknown) => this.#log('refresh token revocation failed', error));
    }
    if ((options.endProviderSession ?? true) && as.end_session_endpoint) {
      const url = new URL(as.end_session_endpoint);
      url.searchParams.set('client_id', provider.clientId);
      url.searchParams.set('id_token_hint', tokens.idToken);
      url.searchParams.set('post_logout_redirect_uri', `${this.#origin}/`);
      this.#navigate(url);
    }
  }

  /** Stops the renewal timer; the tokens stay in the store. */
  dispose(): void {
    clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
  }

  #restore(): StoredTokens | null {
    const tokens = this.#store.load();
    if (!tokens) return null;
    if (!this.#registry.has(tokens.providerId) || (tokens.expiresAt <= this.#now() && !tokens.refreshToken)) {
      this.#store.clear();
      return null;
    }
    return tokens;
  }

  async #complete(url: URL): Promise<{ user: SignedInUser; returnTo: string }> {
    const state = callbackState(url);
    const pending = state ? this.#store.takePending(state) : null;
    if (!pending) {
      throw new AuthError(
        'callback-invalid',
        'This sign-in link was already used or not started here. Sign in again.',
      );
    }
    const provider = this.#registry.get(pending.providerId);
    if (isOAuth2Provider(provider)) return this.#completeOAuth2(provider, url, pending);
    const as = await this.#discover(provider);
    const client: oauth.Client = { client_id: provider.clientId };
    const params = oauth.validateAuthResponse(as, client, url, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      pending.redirectUri,
      pending.codeVerifier,
      this.#http(provider),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (!claims || !result.id_token)
      throw new AuthError('sign-in-failed', 'The provider returned no ID token.');
    const tokens = toStoredTokens(provider.id, result.id_token, claims, result);
    this.#setTokens(tokens, 'signed-in');
    return { user: toUser(tokens), returnTo: safeReturnPath(pending.returnTo) };
  }

  /** The code (exchanged with the PKCE verifier) or the implicit token, then who the user is. */
  async #completeOAuth2(
    provider: AuthProvider & OAuth2Provider,
    url: URL,
    pending: { state: string; codeVerifier: string; redirectUri: string; returnTo: string },
  ): Promise<{ user: SignedInUser; returnTo: string }> {
    const response = parseOAuth2AuthorizationResponse(url, pending.state);
    const token: OAuth2TokenResponse =
      response.kind === 'code'
        ? await processTokenResponse(
            await codeGrantRequest(
              provider,
              response.code,
              pending.redirectUri,
              pending.codeVerifier,
              this.#fetch,
            ),
          ).catch((error: unknown) => {
            // A refused code is a failed sign-in, not an ended session.
            throw error instanceof AuthError && error.code === 'session-expired'
              ? new AuthError('sign-in-failed', 'The provider refused the sign-in.', { cause: error })
              : error;
          })
        : {
            accessToken: response.accessToken,
            ...(response.expiresInSeconds ? { expiresInSeconds: response.expiresInSeconds } : {}),
          };
    const claims = await processProfileResponse(
      await profileRequest(provider, token.accessToken, this.#fetch),
    );
    const tokens = toOAuth2StoredTokens(provider.id, token, claims, this.#now());
    this.#setTokens(tokens, 'signed-in');
    return { user: toUser(tokens), returnTo: safeReturnPath(pending.returnTo) };
  }

  async #refresh(): Promise<SignedInUser> {
    const tokens = this.#tokens;
    if (!tokens) throw new AuthError('session-expired', 'You are not signed in.');
    if (!tokens.refreshToken) {
      if (tokens.expiresAt > this.#now()) return toUser(tokens);
      this.#setTokens(null, 'expired');
      throw new AuthError('session-expired', 'Your sign-in has expired. Sign in again.');
    }
    const provider = this.#registry.get(tokens.providerId);
    if (isOAuth2Provider(provider)) return this.#refreshOAuth2(provider, tokens, tokens.refreshToken);
    const client: oauth.Client = { client_id: provider.clientId };
    let result: oauth.TokenEndpointResponse;
    try {
      const as = await this.#discover(provider);
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        tokens.refreshToken,
        this.#http(provider),
      );
      result = await oauth.processRefreshTokenResponse(as, client, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        // invalid_grant and friends: the provider ended the session (signed out, token rotated elsewhere).
        this.#setTokens(null, 'expired');
        throw new AuthError('session-expired', 'Your sign-in has expired. Sign in again.', { cause: error });
      }
      throw toAuthError(error, 'provider-unreachable');
    }
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (claims && claims.sub !== tokens.claims.sub) {
      this.#setTokens(null, 'expired');
      throw new AuthError('sign-in-failed', 'The provider renewed the sign-in for a different user.');
    }
    const renewed: StoredTokens =
      claims && result.id_token
        ? toStoredTokens(provider.id, result.id_token, claims, result)
        : { ...tokens, ...optionalTokens(result) };
    if (renewed.expiresAt <= this.#now()) {
      this.#setTokens(null, 'expired');
      throw new AuthError('session-expired', 'Your sign-in has expired. Sign in again.');
    }
    this.#setTokens(renewed, 'renewed');
    return toUser(renewed);
  }

  async #refreshOAuth2(
    provider: OAuth2Provider,
    tokens: StoredTokens,
    refreshToken: string,
  ): Promise<SignedInUser> {
    let token: OAuth2TokenResponse;
    try {
      token = await processTokenResponse(await refreshGrantRequest(provider, refreshToken, this.#fetch));
    } catch (error) {
      if (error instanceof AuthError && error.code === 'session-expired') this.#setTokens(null, 'expired');
      throw toAuthError(error, 'provider-unreachable');
    }
    // The same user: an access token from a refresh grant belongs to the refresh token's user.
    const renewed = toOAuth2StoredTokens(
      provider.id,
      { ...token, refreshToken: token.refreshToken ?? refreshToken },
      tokens.claims,
      this.#now(),
    );
    this.#setTokens(renewed, 'renewed');
    return toUser(renewed);
  }

  #setTokens(tokens: StoredTokens | null, reason: OidcChangeReason): void {
    this.#tokens = tokens;
    if (tokens) this.#store.save(tokens);
    else this.#store.clear();
    this.#scheduleRenewal();
    this.dispatchEvent(new OidcChangeEvent(reason));
  }

  /** Renews ahead of expiry so AWS credential refreshes always find a valid ID token. */
  #scheduleRenewal(delayMs?: number): void {
    clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
    const tokens = this.#tokens;
    if (!tokens?.refreshToken || !this.#silentRenewal) return;
    const delay = delayMs ?? Math.max(0, tokens.expiresAt - renewLead(tokens) - this.#now());
    this.#renewTimer = setTimeout(() => {
      this.refresh().catch((error: unknown) => {
        this.#log('silent renewal failed', error);
        if (error instanceof AuthError && error.code === 'provider-unreachable' && this.#tokens) {
          this.#scheduleRenewal(RENEW_RETRY_MS);
        }
      });
    }, delay);
  }

  #discover(provider: AuthProvider): Promise<oauth.AuthorizationServer> {
    const key = provider.issuer.href;
    let pending = this.#discovery.get(key);
    if (!pending) {
      pending = oauth
        .discoveryRequest(provider.issuer, { ...this.#http(provider), algorithm: 'oidc' })
        .then((response) => oauth.processDiscoveryResponse(provider.issuer, response))
        .catch((error: unknown) => {
          this.#discovery.delete(key);
          throw new AuthError('provider-unreachable', `Could not reach ${provider.label}.`, { cause: error });
        });
      this.#discovery.set(key, pending);
    }
    return pending;
  }

  #http(provider: AuthProvider) {
    return {
      ...(provider.allowInsecureRequests ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(this.#fetch ? { [oauth.customFetch]: this.#fetch } : {}),
    };
  }

  /**
   * Resolves with the callback URL the popup reports. Messages are accepted only from this origin and
   * only for this request's state; the code is useless without the verifier this window keeps.
   */
  #waitForPopup(popup: Window, state: string): Promise<URL> {
    const origin = this.#origin;
    return new Promise<URL>((resolve, reject) => {
      const channel =
        typeof BroadcastChannel === 'function' ? new BroadcastChannel(POPUP_CHANNEL_NAME) : undefined;
      let closedAt: number | undefined;
      const startedAt = this.#now();
      const finish = (result: { url: URL } | { error: AuthError }) => {
        this.#window.removeEventListener('message', onWindowMessage);
        channel?.close();
        clearInterval(poll);
        if ('url' in result) resolve(result.url);
        else reject(result.error);
      };
      const accept = (data: unknown) => {
        if (!isPopupMessage(data)) return;
        const url = new URL(data.url);
        if (url.origin !== origin || callbackState(url) !== state) return;
        finish({ url });
      };
      const onWindowMessage = (event: MessageEvent) => {
        if (event.origin === origin) accept(event.data);
      };
      this.#window.addEventListener('message', onWindowMessage);
      channel?.addEventListener('message', (event) => accept(event.data));
      const poll = setInterval(() => {
        const now = this.#now();
        if (popup.closed) closedAt ??= now;
        if (
          (closedAt !== undefined && now - closedAt > POPUP_CLOSE_GRACE_MS) ||
          now - startedAt > 10 * 60_000
        ) {
          finish({
            error: new AuthError('sign-in-cancelled', 'The sign-in window was closed before signing in.'),
          });
        }
      }, 250);
    });
  }

  /** In the popup: give the response to the window that asked, then close. */
  #relayToOpener(url: URL): void {
    const message: PopupCallbackMessage = { type: POPUP_MESSAGE_TYPE, url: url.href };
    const opener = this.#window.opener as Window | null;
    try {
      opener?.postMessage(message, this.#origin);
    } catch (error) {
      this.#log('could not post to the opener', error);
    }
    // When the provider's pages severed `opener` (Cross-Origin-Opener-Policy), a same-origin channel still works.
    if (typeof BroadcastChannel === 'function') {
      const channel = new BroadcastChannel(POPUP_CHANNEL_NAME);
      channel.postMessage(message);
      channel.close();
    }
    this.#window.close();
  }
}

function isPopupMessage(data: unknown): data is PopupCallbackMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as Partial<PopupCallbackMessage>).type === POPUP_MESSAGE_TYPE &&
    typeof (data as Partial<PopupCallbackMessage>).url === 'string'
  );
}

/** Renew this long before expiry: a minute, or a fifth of the token's life when that is shorter. */
export function renewLead(tokens: Pick<StoredTokens, 'expiresAt' | 'issuedAt'>): number {
  const lifetime =
    tokens.issuedAt !== undefined ? tokens.expiresAt - tokens.issuedAt : Number.POSITIVE_INFINITY;
  return Math.min(MAX_RENEW_LEAD_MS, Math.max(0, lifetime * RENEW_LEAD_FRACTION));
}

function optionalTokens(
  result: oauth.TokenEndpointResponse,
): Pick<StoredTokens, 'refreshToken' | 'accessToken'> {
  return {
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
    ...(result.access_token ? { accessToken: result.access_token } : {}),
  };
}

function toStoredTokens(
  providerId: string,
  idToken: string,
  claims: oauth.IDToken,
  result: oauth.TokenEndpointResponse,
): StoredTokens {
  const text = (name: string) => {
    const value = claims[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const email = text('email');
  return {
    providerId,
    idToken,
    expiresAt: claims.exp * 1000,
    issuedAt: claims.iat * 1000,
    ...optionalTokens(result),
    claims: {
      sub: claims.sub,
      name: text('name') ?? text('preferred_username') ?? email ?? claims.sub,
      ...(email ? { email } : {}),
    },
  };
}

function toUser(tokens: StoredTokens): SignedInUser {
  return {
    sub: tokens.claims.sub,
    name: tokens.claims.name,
    ...(tokens.claims.email ? { email: tokens.claims.email } : {}),
    providerId: tokens.providerId,
    idToken: tokens.idToken,
    expiresAt: tokens.expiresAt,
  };
}

/** Only same-origin paths: a crafted pending entry must not turn sign-in into an open redirect. */
function safeReturnPath(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/auth/') ? path : '/';
}

function toAuthError(error: unknown, fallback: 'sign-in-failed' | 'provider-unreachable'): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? new AuthError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: error })
      : new AuthError('sign-in-failed', 'The provider refused the sign-in.', { cause: error });
  }
  // fetch rejects with a bare TypeError when the network fails; oauth4webapi's own TypeErrors carry a code.
  if (error instanceof TypeError && !('code' in error)) {
    return new AuthError('provider-unreachable', 'The sign-in provider could not be reached.', {
      cause: error,
    });
  }
  return new AuthError(fallback, 'Signing in failed. Try again.', { cause: error });
}
