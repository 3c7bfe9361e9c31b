/**
 * Users signed in from Node, through the real OpenID flow and the stack's Cognito stand-in, with the
 * same temporary credentials and data layer the browser uses: for specs that need many users at once.
 */

import { type NodeSignedInUser, signInFromNode as signIn } from '../../scripts/lib/node-sign-in.ts';
import type { AwsClients } from '../../src/aws/client-factory.ts';
import { retryingConflicts } from '../../src/data/write-retry.ts';
import type { StackEndpoints } from './fixtures.ts';

export interface NodeUser extends NodeSignedInUser {
  store: { documents: AwsClients['documents']; tableName: string };
}

export async function signInFromNode(stack: StackEndpoints, username: string): Promise<NodeUser> {
  const user = await signIn(stack.config, username);
  // Specs' own set-up and attack writes: in the fault lane a transaction conflict (nothing written) is
  // sent again, so a spec fails on what it checks, not on its set-up. The app's code does the same.
  user.clients.dynamodb.middlewareStack.add((next) => (args) => retryingConflicts(() => next(args)), {
    step: 'initialize',
    name: 'e2eRetryTransactionConflicts',
  });
  return { ...user, store: { documents: user.clients.documents, tableName: stack.config.tableName } };
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
