/**
 * The OpenID client against the real local provider (oidc-provider on an ephemeral port): the
 * browser's part is a fake window, the provider's login page is submitted over HTTP with cookies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOAuth2Provider, startOAuth2Provider } from '../../local-aws/oauth2/provider.ts';
import { CookieBrowser } from '../../local-aws/oidc/headless-login.ts';
import { startTestProvider, TEST_REDIRECT_URI, type TestProvider } from '../../local-aws/oidc/testing.ts';
import { AuthError } from './auth-error.ts';
import { OidcClient } from './oidc-client.ts';
import { ProviderRegistry } from './providers.ts';
import { TokenStore } from './token-store.ts';

const APP_ORIGIN = new URL(TEST_REDIRECT_URI).origin;

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

/** The parts of `window` the client touches, recording what it does. */
class FakeWindow extends EventTarget {
  readonly replaced: string[] = [];
  readonly posted: { message: unknown; targetOrigin: string }[] = [];
  closed = false;
  opener: { postMessage(message: unknown, targetOrigin: string): void } | null = null;
  openPopup: (() => { closed: boolean; location: { href: string }; close(): void } | null) | undefined;
  readonly location: {
    href: string;
    origin: string;
    pathname: string;
    search: string;
    assign(url: string): void;
  };
  readonly history = {
    state: null,
    replaceState: (_state: unknown, _title: string, url: string) => {
      this.replaced.push(url);
      this.#setHref(new URL(url, this.location.href).href);
    },
  };

  constructor(href: string) {
    super();
    this.location = { href, origin: APP_ORIGIN, pathname: '', search: '', assign: () => {} };
    this.#setHref(href);
  }

  /** The browser arriving at `href` (the provider's redirect). */
  arrive(href: string) {
    this.#setHref(href);
  }

  #setHref(href: string) {
    const url = new URL(href);
    Object.assign(this.location, { href: url.href, pathname: url.pathname, search: url.search });
  }

  open() {
    return this.openPopup?.() ?? null;
  }

  close() {
    this.closed = true;
  }
}

let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider();
});

afterAll(async () => {
  await provider?.dispose();
});

function setup(href = `${APP_ORIGIN}/write?draft=1`) {
  const win = new FakeWindow(href);
  const storage = new MapStorage();
  const navigations: URL[] = [];
  const registry = new ProviderRegistry([
    {
      id: 'local',
      label: 'Local test accounts',
      issuer: provider.issuer,
      clientId: 'inkwell-web',
      scope: 'openid profile email offline_access',
      loginsKey: provider.providerName,
    },
  ]);
  const client = new OidcClient({
    registry,
    store: new TokenStore(storage),
    window: win as unknown as Window,
    navigate: (url) => navigations.push(url),
    log: () => {},
  });
  return { win, storage, navigations, client, registry };
}

/** Signs in at the provider's login page as a demo account; returns where the provider sends the browser. */
async function signInAtProvider(
  authorizationUrl: URL,
  account: string,
  appRedirectUri: string,
): Promise<URL> {
  const browser = new CookieBrowser();
  const loginPage = await browser.follow(authorizationUrl, appRedirectUri);
  if (loginPage.kind !== 'page') throw new Error('expected the login page');
  expect(loginPage.html).toContain('Sign in as Alice Archer');
  const action = /<form method="post" action="([^"]+)"/.exec(loginPage.html)?.[1];
  const back = await browser.follow(
    new URL(action ?? '', loginPage.url),
    appRedirectUri,
    new URLSearchParams({ account }),
  );
  if (back.kind !== 'redirect-to-app') throw new Error('expected a redirect to the app');
  return back.url;
}

describe('OidcClient with the local provider', () => {
  it('signs in by redirect with PKCE, clears the code from the URL, renews, and signs out', async () => {
    const { client, win, navigations, storage } = setup();

    await client.beginLogin('local');
    const authorizationUrl = navigations[0]!;
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(TEST_REDIRECT_URI);

    const callbackUrl = await signInAtProvider(authorizationUrl, 'alice', TEST_REDIRECT_URI);
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();
    win.arrive(callbackUrl.href);
    const outcome = await client.handleCallback();

    expect(outcome).toMatchObject({ kind: 'signed-in', returnTo: '/write?draft=1' });
    expect(client.user).toMatchObject({
      sub: 'alice',
      name: 'Alice Archer',
      email: 'alice@inkwell.test',
      providerId: 'local',
    });
    expect(client.user!.expiresAt).toBeGreaterThan(Date.now());
    expect(win.replaced).toEqual(['/auth/callback']);
    expect(win.location.href).toBe(`${APP_ORIGIN}/auth/callback`);
    expect([...storage.map.keys()]).toEqual(['ink.auth.tokens']);
    expect(JSON.stringify([...storage.map.values()])).not.toContain(callbackUrl.searchParams.get('code')!);

    // The same response again (a reload, a replay) finds no pending login.
    await expect(client.handleCallback(callbackUrl)).rejects.toMatchObject({ code: 'callback-invalid' });

    const before = client.user!.idToken;
    const stored = JSON.parse(storage.getItem('ink.auth.tokens')!) as { refreshToken?: string };
    expect(stored.refreshToken).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new `iat`
    const renewed = await client.refresh();
    expect(renewed.sub).toBe('alice');
    expect(renewed.idToken).not.toBe(before);

    await client.signOut();
    expect(client.user).toBeNull();
    expect(storage.getItem('ink.auth.tokens')).toBeNull();
    const endSession = navigations[1]!;
    expect(endSession.origin).toBe(provider.issuer);
    expect(endSession.searchParams.get('id_token_hint')).toBe(renewed.idToken);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_ORIGIN}/`);
    client.dispose();
  });

  it('restores the sign-in of this tab from sessionStorage', async () => {
    const first = setup();
    await first.client.beginLogin('local');
    await first.client.handleCallback(
      await signInAtProvider(first.navigations[0]!, 'bob', TEST_REDIRECT_URI),
    );
    first.client.dispose();

    const again = new OidcClient({
      registry: first.registry,
      store: new TokenStore(first.storage),
      window: first.win as unknown as Window,
      log: () => {},
    });
    expect(again.user).toMatchObject({ sub: 'bob', name: 'Bob Baker' });
    expect(await again.freshIdToken(0)).toBe(again.user!.idToken);
    again.dispose();
  });

  it('reports a user who cancels at the provider as sign-in-cancelled', async () => {
    const { client, navigations } = setup();
    await client.beginLogin('local');
    const state = navigations[0]!.searchParams.get('state')!;
    const denied = new URL(
      `${TEST_REDIRECT_URI}?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
    );
    await expect(client.handleCallback(denied)).rejects.toMatchObject({ code: 'sign-in-cancelled' });
    expect(client.user).toBeNull();
  });

  it('signs in through a popup: accepts the response only from its own origin and for its own state', async () => {
    const { client, win } = setup(`${APP_ORIGIN}/`);
    const popup = { closed: false, location: { href: '' }, close: () => {} };
    win.openPopup = () => popup;

    const signingIn = client.beginLogin('local', { popup: true });
    await expect.poll(() => popup.location.href, { timeout: 5000 }).toContain(provider.issuer);
    const authorizationUrl = new URL(popup.location.href);
    const popupRedirectUri = authorizationUrl.searchParams.get('redirect_uri')!;
    expect(popupRedirectUri).toBe(`${APP_ORIGIN}/auth/popup-callback`);

    // The test provider registers only /auth/callback, so answer as the provider would, by hand.
    const callbackUrl = new URL(popupRedirectUri);
    callbackUrl.searchParams.set('code', 'not-a-real-code');
    callbackUrl.searchParams.set('state', authorizationUrl.searchParams.get('state')!);
    callbackUrl.searchParams.set('iss', provider.issuer);
    const message = { type: 'ink-auth-popup-callback', url: callbackUrl.href };
    win.dispatchEvent(new MessageEvent('message', { origin: 'http://evil.test', data: message }));
    win.dispatchEvent(
      new MessageEvent('message', {
        origin: APP_ORIGIN,
        data: { ...message, url: callbackUrl.href.replace(/state=[^&]+/, 'state=other') },
      }),
    );
    win.dispatchEvent(new MessageEvent('message', { origin: APP_ORIGIN, data: message }));

    // The provider refuses the made-up code: proof the message was taken and exchanged.
    const error = await signingIn.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'sign-in-failed' });
  });

  it('in the popup, hands the response to the opener and closes', async () => {
    const win = new FakeWindow(`${APP_ORIGIN}/auth/popup-callback?code=abc&state=xyz`);
    win.opener = { postMessage: (message, targetOrigin) => win.posted.push({ message, targetOrigin }) };
    const client = new OidcClient({
      registry: new ProviderRegistry([]),
      store: new TokenStore(new MapStorage()),
      window: win as unknown as Window,
      silentRenewal: false,
    });

    expect(await client.handleCallback()).toEqual({ kind: 'relayed-to-opener' });
    expect(win.posted).toEqual([
      {
        message: {
          type: 'ink-auth-popup-callback',
          url: `${APP_ORIGIN}/auth/popup-callback?code=abc&state=xyz`,
        },
        targetOrigin: APP_ORIGIN,
      },
    ]);
    expect(win.replaced).toEqual(['/auth/popup-callback']);
    expect(win.closed).toBe(true);
  });

  it('reports a closed popup as cancelled', async () => {
    const { client, win } = setup(`${APP_ORIGIN}/`);
    const popup = { closed: false, location: { href: '' }, close: () => {} };
    win.openPopup = () => popup;
    const signingIn = client.beginLogin('local', { popup: true });
    popup.closed = true;
    await expect(signingIn).rejects.toMatchObject({ code: 'sign-in-cancelled' });
  });

  it('reports a blocked popup', async () => {
    const { client } = setup();
    await expect(client.beginLogin('local', { popup: true })).rejects.toMatchObject({
      code: 'popup-blocked',
    });
  });

  it('sends OAuth 2.0 providers to their own authorization endpoint, and refuses unknown ones', async () => {
    const registry = new ProviderRegistry([
      {
        id: 'amazon',
        label: 'Amazon',
        issuer: 'https://www.amazon.com',
        clientId: 'x',
        loginsKey: 'www.amazon.com',
      },
    ]);
    const navigated: URL[] = [];
    const client = new OidcClient({
      registry,
      store: new TokenStore(new MapStorage()),
      window: new FakeWindow(`${APP_ORIGIN}/`) as unknown as Window,
      navigate: (url) => navigated.push(url),
    });
    await expect(client.beginLogin('amazon')).resolves.toBeNull();
    expect(`${navigated[0]?.origin}${navigated[0]?.pathname}`).toBe('https://www.amazon.com/ap/oa');
    expect(navigated[0]?.searchParams.get('response_type')).toBe('code');
    expect(navigated[0]?.searchParams.get('code_challenge_method')).toBe('S256');
    await expect(client.beginLogin('nope')).rejects.toMatchObject({ code: 'unknown-provider' });
  });
});

describe('OidcClient with a plain OAuth 2.0 provider', () => {
  let fake: RunningOAuth2Provider;
  beforeAll(async () => {
    fake = await startOAuth2Provider({
      port: 0,
      clients: [{ clientId: 'oauth2-web', redirectUris: [TEST_REDIRECT_URI] }],
      allowedOrigins: [APP_ORIGIN],
    });
  });
  afterAll(() => fake?.close());

  function oauth2Setup(grant: 'code' | 'implicit') {
    const win = new FakeWindow(`${APP_ORIGIN}/`);
    const storage = new MapStorage();
    const navigations: URL[] = [];
    const registry = new ProviderRegistry([
      {
        id: 'oauth2',
        label: 'OAuth 2.0',
        issuer: fake.url,
        clientId: 'oauth2-web',
        loginsKey: 'oauth2.local',
        protocol: 'oauth2',
        authorizationEndpoint: fake.authorizationEndpoint,
        ...(grant === 'code' ? { tokenEndpoint: fake.tokenEndpoint } : {}),
        profileEndpoint: fake.profileEndpoint,
      },
    ]);
    const client = new OidcClient({
      registry,
      store: new TokenStore(storage),
      window: win as unknown as Window,
      navigate: (url) => navigations.push(url),
      log: () => {},
    });
    return { client, win, storage, navigations };
  }

  async function continueAs(authorizationUrl: URL, userId: string): Promise<URL> {
    const form = new URLSearchParams(authorizationUrl.searchParams);
    form.set('account', userId);
    const answer = await fetch(fake.authorizationEndpoint, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    return new URL(answer.headers.get('location') ?? '');
  }

  it('code + PKCE: the access token is the token for AWS, refresh renews it, sign-out forgets it', async () => {
    const { client, win, storage, navigations } = oauth2Setup('code');
    await client.beginLogin('oauth2');
    const callback = await continueAs(navigations[0]!, 'oauth2.account.dora');
    win.arrive(callback.href);
    await expect(client.handleCallback()).resolves.toMatchObject({ kind: 'signed-in', returnTo: '/' });
    expect(client.user).toMatchObject({
      sub: 'oauth2.account.dora',
      name: 'Dora Diaz',
      providerId: 'oauth2',
    });
    const token = client.user!.idToken;
    expect(token).toMatch(/^Atza\|/);
    expect(await client.freshIdToken(0)).toBe(token);

    const renewed = await client.refresh();
    expect(renewed.idToken).not.toBe(token);
    expect(renewed.sub).toBe('oauth2.account.dora');

    await client.signOut();
    expect(client.user).toBeNull();
    expect(storage.getItem('ink.auth.tokens')).toBeNull();
    expect(navigations).toHaveLength(1); // no provider logout page to visit
    client.dispose();
  });

  it('implicit: reads the token from the fragment, clears it, and ends with the token', async () => {
    const { client, win, navigations } = oauth2Setup('implicit');
    await client.beginLogin('oauth2');
    expect(navigations[0]!.searchParams.get('response_type')).toBe('token');
    const callback = await continueAs(navigations[0]!, 'oauth2.account.evan');
    expect(callback.hash).toContain('access_token=');
    win.arrive(callback.href);
    await client.handleCallback();
    expect(win.replaced).toEqual(['/auth/callback']);
    expect(client.user).toMatchObject({ name: 'Evan Ellis' });
    // No refresh token: the session lasts as long as the access token, then the user signs in again.
    await expect(client.refresh()).resolves.toMatchObject({ name: 'Evan Ellis' });
    client.dispose();
  });
});

describe('ProviderRegistry', () => {
  it('allows plain http only for issuers on this machine', () => {
    const warnings: string[] = [];
    const registry = new ProviderRegistry(
      [
        {
          id: 'local',
          label: 'Local',
          issuer: 'http://127.0.0.1:4567',
          clientId: 'c',
          loginsKey: '127.0.0.1:4567',
        },
        { id: 'bad', label: 'Bad', issuer: 'http://id.example', clientId: 'c', loginsKey: 'id.example' },
        {
          id: 'google',
          label: 'Google',
          issuer: 'https://accounts.google.com',
          clientId: 'c',
          loginsKey: 'accounts.google.com',
        },
      ],
      (message) => warnings.push(message),
    );
    expect(registry.list().map((p) => p.id)).toEqual(['local', 'google']);
    expect(registry.get('local').allowInsecureRequests).toBe(true);
    expect(registry.get('google')).toMatchObject({
      allowInsecureRequests: false,
      protocol: 'oidc',
      scope: 'openid profile email',
    });
    expect(warnings).toHaveLength(1);
  });
});
