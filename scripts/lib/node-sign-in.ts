/**
 * A demo account signed in from Node, exactly as the browser does it: the real authorization-code flow
 * at the stack's OpenID provider, then the app's own credential layer (Cognito identity pool or STS,
 * whichever the config names). For scripts (seeding) and specs that need users without a browser.
 */
import { obtainTokens } from '../../local-aws/oidc/headless-login.ts';
import { LOCAL_CLI_REDIRECT_URI } from '../../local-aws/stack.ts';
import { type AwsClients, createAwsClients } from '../../src/aws/client-factory.ts';
import { createIdentityCredentials } from '../../src/aws/credentials.ts';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';

export interface NodeSignedInUser {
  username: string;
  name: string;
  /** The IAM identity id: the user's author/commenter id in DynamoDB keys. */
  id: string;
  clients: AwsClients;
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

export async function signInFromNode(config: RuntimeConfig, username: string): Promise<NodeSignedInUser> {
  const provider = config.providers[0];
  if (!provider) throw new Error('config.json names no sign-in provider');
  const tokens = await obtainTokens({
    issuer: provider.issuer,
    clientId: provider.clientId,
    redirectUri: LOCAL_CLI_REDIRECT_URI,
    username,
  });
  const claims = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    name?: string;
  };
  const identity = createIdentityCredentials({
    config,
    principal: {
      kind: 'user',
      sub: claims.sub,
      loginsKey: provider.loginsKey,
      idToken: async () => tokens.idToken,
    },
    guestCache: memoryStorage(),
    userCache: memoryStorage(),
  });
  const clients = createAwsClients({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    credentials: identity.credentials.provider,
  });
  return { username, name: claims.name ?? username, id: await identity.identityId(), clients };
}
