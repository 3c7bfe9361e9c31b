/**
 * A credential provider that keeps one set of temporary keys, replaces it ahead of expiry and can be
 * told that AWS rejected it. Marked `memoized`, so the SDK calls it on every request instead of
 * wrapping it in its own cache: when the expired-credentials retry invalidates it, the next signing
 * really gets new keys.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface RefreshingCredentialsOptions<T extends AwsCredentialIdentity> {
  /** Fetches new keys (Cognito GetCredentialsForIdentity, STS AssumeRoleWithWebIdentity...). */
  source: () => Promise<T>;
  /** Runs before each fetch: e.g. renew the ID token the fetch will present, if it is about to expire. */
  beforeRefresh?: () => Promise<void>;
  now?: () => number;
  /** Refresh at most this long before expiry (default 60 s)... */
  maxLeadMs?: number;
  /** ...or this fraction of the keys' lifetime, whichever is smaller (default 0.2). */
  leadFraction?: number;
  /** After a failed early refresh, keep using the still-valid keys this long before trying again. */
  retryAfterFailureMs?: number;
}

/** What the SDK is handed as `credentials`. */
export type MemoizedCredentialProvider<T extends AwsCredentialIdentity> = AwsCredentialIdentityProvider & {
  (): Promise<T>;
  memoized: true;
};

/** Anything the expired-credentials retry can tell that AWS rejected a set of keys. */
export interface InvalidatableCredentials {
  invalidate(rejected?: Pick<AwsCredentialIdentity, 'accessKeyId'>): void;
}

export class RefreshingCredentials<T extends AwsCredentialIdentity = AwsCredentialIdentity>
  implements InvalidatableCredentials
{
  readonly provider: MemoizedCredentialProvider<T>;
  readonly #options: RefreshingCredentialsOptions<T>;
  readonly #now: () => number;
  #current: { credentials: T; obtainedAt: number } | undefined;
  #pending: Promise<T> | undefined;
  #retryAfter = 0;
  #refreshCount = 0;

  constructor(options: RefreshingCredentialsOptions<T>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const provider = () => this.get();
    this.provider = Object.assign(provider, { memoized: true as const });
  }

  /** The keys in hand, if any, without fetching. */
  peek(): T | undefined {
    return this.#current?.credentials;
  }

  /** How many times keys were fetched (for tests and diagnostics). */
  get refreshCount(): number {
    return this.#refreshCount;
  }

  /** Valid keys: the ones in hand unless they are due for refresh. Concurrent callers share one fetch. */
  async get(): Promise<T> {
    const current = this.#current;
    const now = this.#now();
    if (current && (now < this.refreshAt(current) || now < this.#retryAfter)) {
      if (!isExpired(current.credentials, now)) return current.credentials;
    }
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * Drops the keys in hand so the next `get()` fetches new ones. With `rejected`, only if those are
   * still the keys in hand: ten calls failing together cause one refresh, not ten.
   */
  invalidate(rejected?: Pick<AwsCredentialIdentity, 'accessKeyId'>): void {
    if (rejected && this.#current && this.#current.credentials.accessKeyId !== rejected.accessKeyId) return;
    this.#current = undefined;
    this.#retryAfter = 0;
  }

  /** Epoch ms from which `get()` fetches new keys. */
  refreshAt(entry: { credentials: AwsCredentialIdentity; obtainedAt: number }): number {
    const expiresAt = entry.credentials.expiration?.getTime();
    if (expiresAt === undefined) return Number.POSITIVE_INFINITY;
    const lifetime = Math.max(0, expiresAt - entry.obtainedAt);
    const lead = Math.min(this.#options.maxLeadMs ?? 60_000, lifetime * (this.#options.leadFraction ?? 0.2));
    return expiresAt - lead;
  }

  async #refresh(): Promise<T> {
    const previous = this.#current;
    try {
      await this.#options.beforeRefresh?.();
      const credentials = await this.#options.source();
      this.#refreshCount++;
      this.#current = { credentials, obtainedAt: this.#now() };
      this.#retryAfter = 0;
      return credentials;
    } catch (error) {
      // An early refresh that fails is not yet a problem: the keys in hand are still good for a while.
      if (previous && this.#current === previous && !isExpired(previous.credentials, this.#now())) {
        this.#retryAfter = this.#now() + (this.#options.retryAfterFailureMs ?? 5_000);
        return previous.credentials;
      }
      throw error;
    }
  }
}

function isExpired(credentials: AwsCredentialIdentity, now: number): boolean {
  const expiresAt = credentials.expiration?.getTime();
  return expiresAt !== undefined && expiresAt <= now;
}
