import { describe, expect, it } from 'vitest';
import {
  clearAuthResponseFromAddressBar,
  PENDING_LOGIN_TTL_MS,
  type PendingLogin,
  type StoredTokens,
  TokenStore,
  withoutAuthResponse,
} from './token-store.ts';

class MapStorage {
  readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const tokens: StoredTokens = {
  providerId: 'local',
  idToken: 'header.payload.signature',
  expiresAt: 2_000_000,
  issuedAt: 1_000_000,
  refreshToken: 'refresh',
  claims: { sub: 'alice', name: 'Alice Archer', email: 'alice@inkwell.test' },
};

const pending = (state: string, createdAt: number): PendingLogin => ({
  providerId: 'local',
  state,
  nonce: 'nonce',
  codeVerifier: 'verifier',
  redirectUri: 'http://127.0.0.1:5173/auth/callback',
  returnTo: '/write',
  createdAt,
});

describe('TokenStore', () => {
  it('keeps tokens and forgets them', () => {
    const store = new TokenStore(new MapStorage());
    expect(store.load()).toBeNull();
    store.save(tokens);
    expect(store.load()).toEqual(tokens);
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('drops stored values that are not tokens (corrupt or from an older version)', () => {
    const storage = new MapStorage();
    storage.setItem('ink.auth.tokens', '{"providerId":"local"}');
    expect(new TokenStore(storage).load()).toBeNull();
    expect(storage.map.size).toBe(0);
    storage.setItem('ink.auth.tokens', 'not json');
    expect(new TokenStore(storage).load()).toBeNull();
  });

  it('gives a pending login back once, by its state', () => {
    const store = new TokenStore(new MapStorage(), () => 5000);
    store.savePending(pending('s1', 5000));
    store.savePending(pending('s2', 5000));
    expect(store.takePending('nope')).toBeNull();
    expect(store.takePending('s1')).toMatchObject({ state: 's1', codeVerifier: 'verifier' });
    expect(store.takePending('s1')).toBeNull();
    expect(store.takePending('s2')).toMatchObject({ state: 's2' });
  });

  it('forgets pending logins older than the time allowed at the provider', () => {
    const clock = { now: 0 };
    const storage = new MapStorage();
    const store = new TokenStore(storage, () => clock.now);
    store.savePending(pending('old', 0));
    clock.now = PENDING_LOGIN_TTL_MS + 1;
    expect(store.takePending('old')).toBeNull();

    store.savePending(pending('stale', 0));
    store.savePending(pending('fresh', clock.now));
    expect([...storage.map.keys()]).toEqual(['ink.auth.pending.fresh']);
  });
});

describe('clearing the authorization response from the URL', () => {
  it('removes code, state, iss and errors but keeps the rest', () => {
    const url = new URL(
      'http://127.0.0.1:5173/auth/callback?code=abc&state=xyz&iss=http%3A%2F%2Fop&keep=1#frag',
    );
    expect(withoutAuthResponse(url).href).toBe('http://127.0.0.1:5173/auth/callback?keep=1');
  });

  it('replaces the history entry, so the code is neither in the address bar nor in history', () => {
    const calls: unknown[][] = [];
    const fakeWindow = {
      location: { href: 'http://127.0.0.1:5173/auth/callback?code=abc&state=xyz' },
      history: { state: { n: 1 }, replaceState: (...args: unknown[]) => calls.push(args) },
    } as unknown as Window;
    clearAuthResponseFromAddressBar(fakeWindow);
    expect(calls).toEqual([[{ n: 1 }, '', '/auth/callback']]);
  });
});
