/**
 * The local OpenID Connect provider: what Google or a Cognito user pool is in production. Built on
 * oidc-provider (certified), with our own login page, keys and storage, so it runs with no account.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { AccountStore } from './accounts.ts';
import { FileAdapterStore } from './file-adapter.ts';
import { createInteractionHandler, INTERACTION_PATH } from './interactions.ts';
import { loadOrCreateCookieKeys, loadOrCreateSigningKeys } from './keys.ts';
import { renderErrorPage, renderLogoutPage, renderSignedOutPage } from './pages.ts';

export interface OidcClientOptions {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface OidcProviderOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1; also the issuer's host. */
  host?: string;
  /** Keys, accounts and sessions live in `<dataDir>/oidc/`. */
  dataDir: string;
  /** Public clients (PKCE, no secret), all first-party: consent is granted without asking. */
  clients: OidcClientOptions[];
  accessTokenTtlSeconds?: number;
  idTokenTtlSeconds?: number;
}

export interface RunningOidcProvider {
  /** e.g. http://127.0.0.1:4567, no trailing slash. */
  issuer: string;
  port: number;
  close(): Promise<void>;
}

const DAY_SECONDS = 24 * 60 * 60;

/** The profile claims Inkwell shows; the `openid` scope alone carries them too (see claims below). */
const PROFILE_CLAIMS = ['name', 'preferred_username'];
const EMAIL_CLAIMS = ['email', 'email_verified'];

export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const host = options.host ?? '127.0.0.1';
  const dir = join(options.dataDir, 'oidc');
  mkdirSync(dir, { recursive: true });
  const accounts = new AccountStore(dir);
  const store = new FileAdapterStore(dir);

  // The issuer contains the port, so listen before building the provider.
  const server = createServer();
  await listen(server, options.port, host);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;

  const provider = new Provider(issuer, {
    ...(await configuration(options, accounts, store)),
  });
  const providerCallback = provider.callback();
  const interactions = createInteractionHandler(provider, accounts);
  server.on('request', (req, res) => {
    if (req.url?.startsWith(`${INTERACTION_PATH}/`)) void interactions(req, res);
    else providerCallback(req, res);
  });

  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function configuration(
  options: OidcProviderOptions,
  accounts: AccountStore,
  store: FileAdapterStore,
): Promise<Configuration> {
  const dir = join(options.dataDir, 'oidc');
  const firstParty = new Set(options.clients.map((client) => client.clientId));
  const allowedOrigins = new Map(
    options.clients.map((client) => [
      client.clientId,
      new Set(
        [...client.redirectUris, ...(client.postLogoutRedirectUris ?? [])].map((uri) => new URL(uri).origin),
      ),
    ]),
  );

  return {
    adapter: store.adapterFor,
    jwks: await loadOrCreateSigningKeys(dir),
    cookies: {
      keys: loadOrCreateCookieKeys(dir),
      // Cookies are per host, not per port: names of our own keep them apart from the app's and other
      // local services' cookies on 127.0.0.1.
      names: {
        session: 'inkwell_oidc_session',
        interaction: 'inkwell_oidc_interaction',
        resume: 'inkwell_oidc_resume',
      },
    },
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_name: 'Inkwell',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    })),
    responseTypes: ['code'],
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      // Inkwell shows who is signed in from the ID token alone, whatever scopes the app asked for.
      openid: ['sub', ...PROFILE_CLAIMS, 'email'],
      profile: PROFILE_CLAIMS,
      email: EMAIL_CLAIMS,
    },
    // Put granted claims in the ID token too, not only at userinfo: the app never calls userinfo.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const account = accounts.find(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...account, email_verified: true }) };
    },
    loadExistingGrant: (ctx) => autoGrant(ctx, firstParty),
    // A public client's refresh tokens rotate on each use (oidc-provider's default rotateRefreshToken);
    // issue one even without offline_access, then it ends with the sign-in session.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: (_ctx, origin, client) => allowedOrigins.get(client.clientId)?.has(origin) ?? false,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      IdToken: options.idTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * DAY_SECONDS,
      Grant: 14 * DAY_SECONDS,
      RefreshToken: (ctx, token, client) =>
        // As oidc-provider's default: a rotated public-client token lives no longer than the one it replaces.
        ctx.oidc.entities.RotatedRefreshToken &&
        client.clientAuthMethod === 'none' &&
        !token.isSenderConstrained()
          ? ctx.oidc.entities.RotatedRefreshToken.remainingTTL
          : 14 * DAY_SECONDS,
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = renderLogoutPage(form, Boolean(ctx.oidc.params?.id_token_hint));
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = renderSignedOutPage();
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage({ ...out });
    },
  };
}

/**
 * Consent for first-party clients, granted in code: the grant is extended with whatever OIDC scopes and
 * claims this request asks for, so oidc-provider never needs the consent prompt.
 */
async function autoGrant(ctx: KoaContextWithOIDC, firstParty: Set<string>) {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!firstParty.has(client.clientId)) return existing;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope(ctx.oidc.requestParamOIDCScopes);
  grant.addOIDCClaims(ctx.oidc.requestParamClaims);
  await grant.save();
  return grant;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
