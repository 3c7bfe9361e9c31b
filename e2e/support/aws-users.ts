/**
 * Users signed in from Node, through the real OpenID flow and the stack's Cognito stand-in, with the
 * same temporary credentials and data layer the browser uses: for specs that need many users at once.
 */
import { obtainTokens } from '../../local-aws/oidc/headless-login.ts';
import { LOCAL_CLI_REDIRECT_URI } from '../../local-aws/stack.ts';
import { type AwsClients, createAwsClients } from '../../src/aws/client-factory.ts';
import { createIdentityCredentials } from '../../src/aws/credentials.ts';
import type { StackEndpoints } from './fixtures.ts';

export interface NodeUser {
  username: string;
  name: string;
  /** The IAM identity id: the user's author/commenter id in DynamoDB keys. */
  id: string;
  clients: AwsClients;
  store: { documents: AwsClients['documents']; tableName: string };
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

export async function signInFromNode(stack: StackEndpoints, username: string): Promise<NodeUser> {
  const provider = stack.config.providers[0]!;
  const tokens = await obtainTokens({
    issuer: stack.oidcIssuer,
    clientId: provider.clientId,
    redirectUri: LOCAL_CLI_REDIRECT_URI,
    username,
  });
  const claims = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    name?: string;
  };
  const identity = createIdentityCredentials({
    config: stack.config,
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
    region: stack.config.region,
    ...(stack.config.endpoint ? { endpoint: stack.config.endpoint } : {}),
    credentials: identity.credentials.provider,
  });
  return {
    username,
    name: claims.name ?? username,
    id: await identity.identityId(),
    clients,
    store: { documents: clients.documents, tableName: stack.config.tableName },
  };
}

/** Signs many users in, a few at a time (the provider and Cognito stand-in share two cores). */
export async function signInMany(stack: StackEndpoints, usernames: string[], concurrency = 8) {
  const users: NodeUser[] = [];
  for (let start = 0; start < usernames.length; start += concurrency) {
    users.push(
      ...(await Promise.all(
        usernames.slice(start, start + concurrency).map((name) => signInFromNode(stack, name)),
      )),
    );
  }
  return users;
}
