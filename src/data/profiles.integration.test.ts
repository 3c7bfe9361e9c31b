/**
 * Profiles against the real local stack: Alice's and Bob's own temporary credentials (the OpenID flow
 * and the Cognito stand-in), so every write passes the gateway's IAM checks as the browser's do; the
 * publisher runs from the table's stream and grants handles, and the claim files are read back
 * unsigned, as the profile form reads them on the app's origin.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-aws/stack.ts';
import { signInUser, startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import { DEMO_AUTHORS, seedDemoContent } from '../../scripts/lib/seed-demo.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import { keys } from '../core/model.ts';
import { defaultHandle } from '../core/site/site-model.ts';
import {
  getMyProfile,
  grantedHandle,
  handleClaim,
  type ProfileInput,
  type ProfileStore,
  saveProfile,
} from './profiles.ts';

let local: TestStack;
let stack: LocalStack;
let admin: AwsClients;
const users: Record<'alice' | 'bob', { id: string; clients: AwsClients; store: ProfileStore }> = {} as never;

/** The site origin as the CDN serves it: the bucket's `pages/` prefix, read unsigned. */
const siteFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(`${stack.gatewayUrl}/${stack.bucketName}/pages${url.pathname}`, init);
};

async function signIn(username: string) {
  const { id, clients } = await signInUser(stack, username, { maxAttempts: 1 });
  const store: ProfileStore = {
    documents: clients.documents,
    tableName: stack.tableName,
    assetBaseUrl: stack.appConfig.assetBaseUrl,
    siteOrigin: 'http://127.0.0.1:5997',
    fetch: siteFetch,
  };
  return { id, clients, store };
}

const profile = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  handle: 'alice',
  displayName: 'Alice Archer',
  bio: 'Writes about AWS.',
  avatar: '',
  ...over,
});

const drained = () => stack.publisher!.runner.drained(60_000);

beforeAll(async () => {
  local = await startTestStack({ name: 'profiles', appOrigin: 'http://127.0.0.1:5997' });
  ({ stack, admin } = local);
  users.alice = await signIn('alice');
  users.bob = await signIn('bob');
});

afterAll(async () => {
  for (const user of Object.values(users)) user.clients.destroy();
  await local?.stop();
});

describe('profiles on the real stack', () => {
  it('an author writes and reads their own PROFILE item', async () => {
    const { store, id } = users.alice;
    const avatar = `${stack.appConfig.assetBaseUrl}public/${encodeURIComponent(id)}/assets/a1-me.png`;
    const saved = await saveProfile(store, id, profile({ avatar }));
    expect(await getMyProfile(store, id)).toEqual(saved);
    const { Item } = await admin.documents.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.profile(id) }),
    );
    expect(Item).toMatchObject({ type: 'profile', handle: 'alice', displayName: 'Alice Archer', avatar });
    expect(await getMyProfile(users.bob.store, users.bob.id)).toBeNull();
  });

  it('the gateway refuses Bob’s writes to Alice’s profile; his own is allowed', async () => {
    const alice = users.alice.id;
    const bob = users.bob;
    const put = (pk: string) =>
      bob.clients.documents.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: {
            ...keys.profile(pk),
            type: 'profile',
            handle: 'bob',
            displayName: 'Not Alice',
            bio: '',
            avatar: '',
            updatedAt: new Date().toISOString(),
          },
        }),
      );
    await expect(put(alice)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      bob.clients.documents.send(
        new UpdateCommand({
          TableName: stack.tableName,
          Key: keys.profile(alice),
          UpdateExpression: 'SET displayName = :n',
          ExpressionAttributeValues: { ':n': 'Not Alice' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // Through the data layer: a typed error, never the SDK's.
    await expect(saveProfile(bob.store, alice, profile({ handle: 'bob' }))).rejects.toMatchObject({
      code: 'access-denied',
    });
    // An attribute outside the data model's allow-list is refused even in his own partition.
    await expect(
      bob.clients.documents.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: { ...keys.profile(bob.id), handle: 'bob', isAdmin: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // The legitimate twin: the same PutItem on his own key.
    await expect(put(bob.id)).resolves.toBeDefined();
    const { Item } = await admin.documents.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.profile(alice) }),
    );
    expect(Item?.displayName).toBe('Alice Archer');
  });

  it('the publisher grants a handle to its first claimant; the second is told it is taken', async () => {
    const alice = users.alice;
    const bob = users.bob;
    await drained();
    expect(await handleClaim(alice.store, alice.id, 'alice')).toBe('granted');
    expect(await grantedHandle(alice.store, alice.id)).toBe('alice');
    // Bob asked for `bob` above, and gets it.
    expect(await grantedHandle(bob.store, bob.id)).toBe('bob');

    await saveProfile(bob.store, bob.id, profile({ handle: 'alice', displayName: 'Bob Baker' }));
    await drained();
    expect(await handleClaim(bob.store, bob.id, 'alice')).toBe('taken');
    // Bob's pages stay where they were: his claim on `alice` changed nothing.
    const author = await fetch(`${stack.gatewayUrl}/${stack.bucketName}/pages/@bob`);
    expect(author.status).toBe(200);
    expect(await author.text()).toContain('Bob Baker');
    const aliceClaim = await (await siteFetch('http://x/_handles/alice.json')).json();
    expect(aliceClaim).toEqual({ handle: 'alice', authorId: alice.id });

    // A handle nobody has asked for has no claim yet.
    expect(await handleClaim(bob.store, bob.id, 'nobody-yet')).toBe('pending');
    // His profile now names a handle he does not hold, so links fall back to his default handle,
    // whose pages redirect to the ones he does hold (the profile form restores `bob` in the item).
    expect(await grantedHandle(bob.store, bob.id)).toBe(defaultHandle(bob.id));
    const fallback = await fetch(`${stack.gatewayUrl}/${stack.bucketName}/pages/@${defaultHandle(bob.id)}`);
    expect(await fallback.text()).toContain('url=/@bob');
  });
});

describe('the demo content', () => {
  it('gives each seeded author a profile, so their pages are at /@alice, /@bob and /@carol', async () => {
    const seeded = await seedDemoContent({ config: stack.appConfig, postsPerAuthor: 1 });
    await drained();
    for (const [index, author] of DEMO_AUTHORS.entries()) {
      const handle = author.username;
      const id = seeded.authors[index]!;
      const claim = await (await siteFetch(`http://x/_handles/${handle}.json`)).json();
      expect(claim).toEqual({ handle, authorId: id });
      const page = await fetch(`${stack.gatewayUrl}/${stack.bucketName}/pages/@${handle}`);
      expect(page.status).toBe(200);
      const { document } = new JSDOM(await page.text()).window;
      expect(document.querySelector('h1')?.textContent).toBe(author.name);
      expect(document.body.textContent).toContain(author.bio);
    }
  });
});
