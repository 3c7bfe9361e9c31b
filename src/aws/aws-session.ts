/**
 * The one object the UI gets (through `awsSessionContext`): who is signed in, the AWS clients for that
 * identity, and the log of every AWS call. Guests get the identity pool's unauthenticated identity;
 * signing in or out swaps the identity and rebuilds the clients, and fires `change`.
 *
 * Nothing secret is persisted beyond sessionStorage (the OpenID tokens); AWS keys live in memory only.
 */

import { AuthError } from '../auth/auth-error.ts';
import {
  type OidcChangeEvent,
  OidcClient,
  POPUP_CALLBACK_PATH,
  type SignedInUser,
} from '../auth/oidc-client.ts';
import { ProviderRegistry } from '../auth/providers.ts';
import { type KeyValueStorage, TokenStore } from '../auth/token-store.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { SIGNED_IN_IDENTITY_KEY } from '../core/signed-in-identity.ts';
import { ActivityLog } from './activity-log.ts';
import { type AwsClients, createAwsClients } from './client-factory.ts';
import { type AwsPrincipal, createIdentityCredentials, type IdentityCredentials } from './credentials.ts';
import { getCallLoggerPlugin } from './plugins/call-logger.ts';
import { getExpiredCredentialsRetryPlugin } from './plugins/expired-credentials-retry.ts';

export type { SignedInUser } from '../auth/oidc-client.ts';
export type { AwsClients } from './client-factory.ts';

/** A provider as the sign-in menu shows it. */
export interface SignInProvider {
  id: string;
  label: string;
}

export interface SignInOptions {
  /** Sign in in a popup and stay on the page, instead of leaving for the provider and coming back. */
  popup?: boolean;
}

/** Fired on the session when the identity changes: signed in, signed out, or the sign-in expired. */
export class AwsSessionChangeEvent extends Event {
  readonly user: SignedInUser | null;
  constructor(user: SignedInUser | null) {
    super('change');
    this.user = user;
  }
}

export interface AwsSessionOptions {
  window?: Window;
  /** Where tokens live; default sessionStorage. */
  sessionStorage?: KeyValueStorage;
  /** Where the guest identity id is remembered; default localStorage. */
  localStorage?: KeyValueStorage;
  navigate?: (url: URL) => void;
  activity?: ActivityLog;
}

export class AwsSession extends EventTarget {
  readonly config: RuntimeConfig;
  /** Every AWS call made through this session's clients, including Cognito and STS. */
  readonly activity: ActivityLog;
  readonly #registry: ProviderRegistry;
  readonly #oidc: OidcClient;
  readonly #options: AwsSessionOptions;
  #identityKey = '';
  #identity!: IdentityCredentials;
  #clients: AwsClients | undefined;

  /** Restores a sign-in kept in this tab (renewing it first if it is about to expire). */
  static async start(config: RuntimeConfig, options: AwsSessionOptions = {}): Promise<AwsSession> {
    const session = new AwsSession(config, options);
    await session.#resume();
    return session;
  }

  private constructor(config: RuntimeConfig, options: AwsSessionOptions) {
    super();
    this.config = config;
    this.#options = options;
    this.activity = options.activity ?? new ActivityLog();
    this.#registry = new ProviderRegistry(config.providers);
    const win = options.window ?? window;
    this.#oidc = new OidcClient({
      registry: this.#registry,
      store: new TokenStore(options.sessionStorage ?? sessionStorage),
      window: win,
      ...(options.navigate ? { navigate: options.navigate } : {}),
      silentRenewal: win.location.pathname !== POPUP_CALLBACK_PATH,
    });
    this.#oidc.addEventListener('change', (event) => {
      if ((event as OidcChangeEvent).reason !== 'renewed') this.#identityChanged();
    });
    this.#useIdentity();
  }

  get user(): SignedInUser | null {
    return this.#oidc.user;
  }

  get providers(): readonly SignInProvider[] {
    return this.#registry.list().map(({ id, label }) => ({ id, label }));
  }

  /**
   * The id IAM sees for the current identity (guest or signed-in): the app's author id. Fetches
   * credentials if none are in hand. Rejects with `CredentialsError` or `AuthError`.
   */
  identityId(): Promise<string> {
    return this.#identity.identityId().then((id) => {
      this.#noteSignedIn(this.user ? id : null);
      return id;
    });
  }

  /** Tells the rendered pages' islands (src/islands) who is signed in in this tab; nothing secret. */
  #noteSignedIn(id: string | null): void {
    const storage =
      this.#options.sessionStorage ?? (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
    try {
      if (id) storage?.setItem(SIGNED_IN_IDENTITY_KEY, id);
      else storage?.removeItem(SIGNED_IN_IDENTITY_KEY);
    } catch {
      // Storage blocked (a third-party frame): the islands simply show nothing extra.
    }
  }

  /** Clients for the current identity. Take them again after `change`: the old ones are destroyed. */
  clients(): AwsClients {
    this.#clients ??= createAwsClients({
      region: this.config.region,
      ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
      credentials: this.#identity.credentials.provider,
      plugins: [
        getCallLoggerPlugin({ log: this.activity }),
        getExpiredCredentialsRetryPlugin(this.#identity.credentials),
      ],
    });
    return this.#clients;
  }

  /**
   * Signs in with a configured provider. Without `popup` the page leaves for the provider and the
   * sign-in finishes at /auth/callback (`completeSignIn`). With `popup`, resolves once signed in. Call
   * it from the click handler. Rejects with `AuthError`.
   */
  async signIn(providerId: string, options: SignInOptions = {}): Promise<void> {
    await this.#oidc.beginLogin(providerId, { popup: options.popup ?? false });
  }

  /**
   * For the /auth/callback and /auth/popup-callback routes. Resolves with the path to return to after a
   * redirect sign-in; `undefined` in the popup, which hands the response to its opener and closes.
   * Rejects with `AuthError`.
   */
  async completeSignIn(url?: URL): Promise<string | undefined> {
    const outcome = await this.#oidc.handleCallback(url);
    return outcome.kind === 'signed-in' ? outcome.returnTo : undefined;
  }

  /**
   * Back to guest in this tab at once; then, when the provider supports it, leaves for its sign-out
   * page, which comes back to the home page.
   */
  async signOut(options: { endProviderSession?: boolean } = {}): Promise<void> {
    await this.#oidc.signOut(options);
  }

  /** Stops background renewal and destroys the clients. */
  dispose(): void {
    this.#oidc.dispose();
    this.#clients?.destroy();
    this.#identity.destroy();
  }

  async #resume(): Promise<void> {
    if (!this.user) return;
    try {
      // Renews now if the kept ID token is about to expire; a refused renewal signs out (a `change`).
      await this.#oidc.freshIdToken();
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
    }
  }

  #identityChanged(): void {
    if (!this.user) this.#noteSignedIn(null);
    if (this.#useIdentity()) this.dispatchEvent(new AwsSessionChangeEvent(this.user));
  }

  /** Points credentials and clients at the current principal; false when it did not change. */
  #useIdentity(): boolean {
    const user = this.user;
    const key = user ? `${user.providerId}:${user.sub}` : 'guest';
    if (key === this.#identityKey) return false;
    this.#clients?.destroy();
    this.#clients = undefined;
    this.#identity?.destroy();
    this.#identityKey = key;
    this.#identity = createIdentityCredentials({
      config: this.config,
      principal: user ? this.#principalFor(user) : { kind: 'guest' },
      plugins: [getCallLoggerPlugin({ log: this.activity })],
      guestCache: this.#options.localStorage ?? localStorage,
      userCache: this.#options.sessionStorage ?? sessionStorage,
      ...(user ? { beforeRefresh: async () => void (await this.#oidc.freshIdToken()) } : {}),
    });
    return true;
  }

  #principalFor(user: SignedInUser): AwsPrincipal {
    const provider = this.#registry.get(user.providerId);
    return {
      kind: 'user',
      sub: user.sub,
      loginsKey: provider.loginsKey,
      ...(provider.roleArn ? { roleArn: provider.roleArn } : {}),
      ...(provider.protocol === 'oauth2' ? { providerId: provider.loginsKey } : {}),
      idToken: () => this.#oidc.freshIdToken(),
    };
  }
}
