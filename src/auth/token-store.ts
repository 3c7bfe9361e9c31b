/**
 * Where a tab keeps its sign-in: sessionStorage, so tokens are same-origin, die with the tab, and are
 * never in a cookie (sent to servers) or a URL (logged, shared, kept in history).
 */

/** The part of `Storage` the store uses, so tests can hand in a Map-backed one. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & {
  readonly length?: number;
  key?(index: number): string | null;
};

export interface StoredClaims {
  sub: string;
  name: string;
  email?: string;
}

export interface StoredTokens {
  providerId: string;
  /** Absent for OpenID Connect; `oauth2` when `idToken` holds the OAuth access token AWS takes instead. */
  protocol?: 'oauth2';
  /** The token AWS takes: the ID token, or for an `oauth2` provider its access token. */
  idToken: string;
  /** Epoch ms when the ID token expires (its `exp`). */
  expiresAt: number;
  /** Epoch ms when the ID token was issued (its `iat`): how early to renew depends on its lifetime. */
  issuedAt?: number;
  refreshToken?: string;
  accessToken?: string;
  claims: StoredClaims;
}

/** An authorization request in flight, found again by its `state` when the provider redirects back. */
export interface PendingLogin {
  providerId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** Where to go after a redirect sign-in (path + query of the page that started it). */
  returnTo: string;
  createdAt: number;
}

const TOKENS_KEY = 'ink.auth.tokens';
const PENDING_PREFIX = 'ink.auth.pending.';
/** How long the user has at the provider before a started sign-in is forgotten. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

export class TokenStore {
  readonly #storage: KeyValueStorage;
  readonly #now: () => number;

  constructor(storage: KeyValueStorage = sessionStorage, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
  }

  load(): StoredTokens | null {
    const value = this.#read(TOKENS_KEY);
    if (isStoredTokens(value)) return value;
    if (value !== undefined) this.#storage.removeItem(TOKENS_KEY);
    return null;
  }

  save(tokens: StoredTokens): void {
    this.#storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  }

  clear(): void {
    this.#storage.removeItem(TOKENS_KEY);
  }

  savePending(pending: PendingLogin): void {
    this.#dropExpiredPending();
    this.#storage.setItem(PENDING_PREFIX + pending.state, JSON.stringify(pending));
  }

  /** The login started with this state, at most once: a replayed callback finds nothing. */
  takePending(state: string): PendingLogin | null {
    const key = PENDING_PREFIX + state;
    const value = this.#read(key);
    this.#storage.removeItem(key);
    if (!isPendingLogin(value) || value.state !== state) return null;
    if (this.#now() - value.createdAt > PENDING_LOGIN_TTL_MS) return null;
    return value;
  }

  #dropExpiredPending(): void {
    if (this.#storage.length === undefined || !this.#storage.key) return;
    const stale: string[] = [];
    for (let index = 0; index < this.#storage.length; index++) {
      const key = this.#storage.key(index);
      if (!key?.startsWith(PENDING_PREFIX)) continue;
      const value = this.#read(key);
      if (!isPendingLogin(value) || this.#now() - value.createdAt > PENDING_LOGIN_TTL_MS) stale.push(key);
    }
    for (const key of stale) this.#storage.removeItem(key);
  }

  #read(key: string): unknown {
    const text = this.#storage.getItem(key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStoredTokens(value: unknown): value is StoredTokens {
  if (!isRecord(value) || !isRecord(value.claims)) return false;
  return (
    typeof value.providerId === 'string' &&
    typeof value.idToken === 'string' &&
    typeof value.expiresAt === 'number' &&
    typeof value.claims.sub === 'string' &&
    typeof value.claims.name === 'string'
  );
}

function isPendingLogin(value: unknown): value is PendingLogin {
  if (!isRecord(value)) return false;
  return (
    ['providerId', 'state', 'nonce', 'codeVerifier', 'redirectUri', 'returnTo'].every(
      (field) => typeof value[field] === 'string',
    ) && typeof value.createdAt === 'number'
  );
}

/** Parameters an authorization response puts in the redirect URL (RFC 6749 §4.1.2, RFC 9207). */
export const AUTH_RESPONSE_PARAMS = [
  'code',
  'state',
  'iss',
  'session_state',
  'error',
  'error_description',
  'error_uri',
];

/** The same URL without the authorization response's parameters. */
export function withoutAuthResponse(url: URL): URL {
  const clean = new URL(url);
  for (const name of AUTH_RESPONSE_PARAMS) clean.searchParams.delete(name);
  clean.hash = '';
  return clean;
}

/**
 * Takes the code out of the address bar (and so out of history and Referer headers) once it is read.
 */
export function clearAuthResponseFromAddressBar(win: Pick<Window, 'location' | 'history'> = window): void {
  const clean = withoutAuthResponse(new URL(win.location.href));
  win.history.replaceState(win.history.state, '', `${clean.pathname}${clean.search}`);
}
