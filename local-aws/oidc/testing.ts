/**
 * Test support for the identity stand-ins: a real provider on an ephemeral port with a throwaway data
 * directory, real tokens from it, and a tiny HTTP server that puts a stand-in handler behind a URL the
 * real AWS SDK clients can call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { obtainTokens } from './headless-login.ts';
import { readJsonFile } from './json-file.ts';
import { type RunningOidcProvider, startOidcProvider } from './provider.ts';

export const TEST_CLIENT_ID = 'inkwell-web';
export const TEST_REDIRECT_URI = 'http://127.0.0.1:5173/auth/callback';
export const TEST_POST_LOGOUT_URI = 'http://127.0.0.1:5173/';

export interface TestProvider extends RunningOidcProvider {
  dataDir: string;
  /** The issuer without its scheme: the Logins key and policy-variable prefix. */
  providerName: string;
  idTokenFor(username: string): Promise<string>;
  /** Closes the provider and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startTestProvider(
  options: { dataDir?: string; port?: number; idTokenTtlSeconds?: number } = {},
): Promise<TestProvider> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'inkwell-oidc-'));
  const provider = await startOidcProvider({
    port: options.port ?? 0,
    dataDir,
    clients: [
      {
        clientId: TEST_CLIENT_ID,
        redirectUris: [TEST_REDIRECT_URI],
        postLogoutRedirectUris: [TEST_POST_LOGOUT_URI],
      },
    ],
    ...(options.idTokenTtlSeconds ? { idTokenTtlSeconds: options.idTokenTtlSeconds } : {}),
  });
  return {
    ...provider,
    dataDir,
    providerName: provider.issuer.replace(/^https?:\/\//, ''),
    idTokenFor: async (username) =>
      (
        await obtainTokens({
          issuer: provider.issuer,
          clientId: TEST_CLIENT_ID,
          redirectUri: TEST_REDIRECT_URI,
          username,
        })
      ).idToken,
    dispose: async () => {
      await provider.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs arbitrary claims with the provider's own private key (from `<dataDir>/oidc/jwks.json`). */
export async function signWithProviderKey(dataDir: string, claims: JWTPayload): Promise<string> {
  const jwks = readJsonFile<{ keys: JWK[] }>(join(dataDir, 'oidc', 'jwks.json'));
  const jwk = jwks?.keys[0];
  if (!jwk?.kid) throw new Error('provider has no signing key yet');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(await importJWK(jwk, 'RS256'));
}

export function decodeClaims(token: string): JWTPayload {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;
}

export interface HandlerResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Serves `handle` at http://127.0.0.1:<ephemeral>, as the local gateway does for STS and Cognito. */
export async function serveHandler(
  handle: (request: IncomingMessage, body: string) => Promise<HandlerResponse>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    try {
      const answer = await handle(request, body);
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
