/**
 * "Your data" against the real local stack (DynamoDB Local and S3 behind the IAM-enforcing gateway,
 * users signed in through the real OpenID flow), with the gateway's fault injection: a delete that
 * fails half-way resumes and finishes, counting nothing twice; a delete aimed at another user's data,
 * with the user's own credentials, is refused and changes nothing.
 */
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearFaults, faultReport, queueFaults } from '../../local-aws/gateway/faults-admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { signInUser, startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import { ownPartitions } from '../core/account-items.ts';
import { keys } from '../core/model.ts';
import {
  type AccountStore,
  deleteAccountData,
  deleteOwnItem,
  exportAccount,
  inventoryAccount,
  ownPrefix,
} from './account.ts';
import { likeComment, listComments, postComment } from './comments.ts';
import { createPost, type PostStore, publishPost } from './posts.ts';
import { saveProfile } from './profiles.ts';

let local: TestStack;
let stack: LocalStack;
let admin: AwsClients;

interface User {
  id: string;
  clients: AwsClients;
  store: AccountStore;
  posts: PostStore;
}

async function signIn(username: string): Promise<User> {
  const { id, clients } = await signInUser(stack, username);
  return {
    id,
    clients,
    store: {
      documents: clients.documents,
      s3: clients.s3,
      tableName: stack.tableName,
      bucketName: stack.bucketName,
    },
    posts: { documents: clients.documents, tableName: stack.tableName },
  };
}

/** Every item of a user's partitions, as the admin key reads them (no faults). */
async function itemsOf(userId: string): Promise<string[]> {
  const found: string[] = [];
  for (const partition of ownPartitions(userId)) {
    const { Items = [] } = await admin.documents.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
      }),
    );
    for (const item of Items) found.push(`${String(item.PK)} ${String(item.SK)} ${JSON.stringify(item)}`);
  }
  return found.sort();
}

async function objectsOf(userId: string): Promise<string[]> {
  const { Contents = [] } = await admin.s3.send(
    new ListObjectsV2Command({ Bucket: stack.bucketName, Prefix: ownPrefix(userId) }),
  );
  return Contents.map((o) => String(o.Key)).sort();
}

async function counter(key: { PK: string; SK: string }, attribute: string): Promise<unknown> {
  const { Item } = await admin.documents.send(
    new GetCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }),
  );
  return Item?.[attribute];
}

const newPost = (authorId: string, slug: string, title: string) => ({
  authorId,
  authorName: title,
  slug,
  title,
  body: `The body of ${title}.`,
  excerpt: '',
  tags: ['account'],
  clientToken: `token-${slug}`,
});

/** alice writes, comments on bob's post, likes bob's comment, uploads; bob comments on hers. */
async function seed(alice: User, bob: User) {
  await publishPost(bob.posts, await createPost(bob.posts, newPost(bob.id, 'bobs-post', "Bob's post")));
  const bobsRef = { authorId: bob.id, slug: 'bobs-post' };
  const bobsComment = await postComment(bob.store, {
    post: bobsRef,
    commenterId: bob.id,
    commenterName: 'Bob',
    body: 'Bob on his own post.',
  });
  await publishPost(
    alice.posts,
    await createPost(alice.posts, newPost(alice.id, 'alices-post', "Alice's post")),
  );
  await createPost(alice.posts, newPost(alice.id, 'alices-draft', "Alice's draft"));
  await saveProfile(
    {
      documents: alice.clients.documents,
      tableName: stack.tableName,
      assetBaseUrl: 'http://x/',
      siteOrigin: 'http://x',
    },
    alice.id,
    { handle: 'alice-account', displayName: 'Alice', bio: 'Mine.', avatar: '' },
  );
  for (const body of ['Alice, first.', 'Alice, second.'])
    await postComment(alice.store, { post: bobsRef, commenterId: alice.id, commenterName: 'Alice', body });
  await likeComment(alice.store, alice.id, bobsRef, bobsComment);
  await postComment(bob.store, {
    post: { authorId: alice.id, slug: 'alices-post' },
    commenterId: bob.id,
    commenterName: 'Bob',
    body: 'Bob on Alice’s post.',
  });
  for (const name of ['assets/one.png', 'assets/two.png', 'assets/two-640w.webp'])
    await alice.clients.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucketName,
        Key: `${ownPrefix(alice.id)}${name}`,
        Body: new Uint8Array([137, 80, 78, 71, name.length]),
        ContentType: 'image/png',
      }),
    );
  await bob.clients.s3.send(
    new PutObjectCommand({
      Bucket: stack.bucketName,
      Key: `${ownPrefix(bob.id)}assets/bob.png`,
      Body: new Uint8Array([1, 2, 3]),
      ContentType: 'image/png',
    }),
  );
  return { bobsRef, bobsComment };
}

beforeAll(async () => {
  local = await startTestStack({ name: 'account', appOrigin: 'http://127.0.0.1:5996', faults: 'on,seed:13' });
  ({ stack, admin } = local);
});

afterEach(async () => {
  if (stack) await clearFaults(stack.gatewayUrl);
});

afterAll(async () => {
  await local?.stop();
});

describe('your data', () => {
  let alice: User;
  let bob: User;
  let seeded: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    alice = await signIn('alice');
    bob = await signIn('bob');
    seeded = await seed(alice, bob);
  });

  it('exports every item and file the user owns, with their own credentials', async () => {
    const inventory = await inventoryAccount(alice.store, alice.id);
    expect(inventory.summary).toMatchObject({
      posts: 2,
      published: 1,
      drafts: 1,
      commentsOnOthers: 2,
      likes: 1,
      profile: true,
    });
    expect(inventory.files).toBe(3);
    const zip = unzipSync(new Uint8Array(await (await exportAccount(alice.store, alice.id)).arrayBuffer()));
    const json = (name: string) => JSON.parse(new TextDecoder().decode(zip[name]));
    expect(
      json('posts.json')
        .map((p: { slug: string }) => p.slug)
        .sort(),
    ).toEqual(['alices-draft', 'alices-post']);
    expect(
      json('comments.json')
        .map((c: { body: string }) => c.body)
        .sort(),
    ).toEqual(['Alice, first.', 'Alice, second.']);
    expect(json('profile.json')).toMatchObject({ handle: 'alice-account', bio: 'Mine.' });
    expect(
      Object.keys(zip)
        .filter((name) => name.startsWith('files/'))
        .sort(),
    ).toEqual(['files/assets/one.png', 'files/assets/two-640w.webp', 'files/assets/two.png']);
    expect([...(zip['files/assets/one.png'] ?? [])]).toEqual([137, 80, 78, 71, 'assets/one.png'.length]);
    expect(new TextDecoder().decode(zip['README.txt'])).toContain('1 drafts');
  });

  it('refuses, with the user’s own credentials, to delete anything of another user', async () => {
    const bobsBefore = await itemsOf(bob.id);
    await expect(deleteAccountData(alice.store, bob.id)).rejects.toMatchObject({
      name: expect.stringMatching(/AccessDenied/),
    });
    // Item by item, the bypasses a modified client would try: bob's comment (with its uncount), his post.
    const [bobsCommentItem] =
      (
        await admin.documents.send(
          new QueryCommand({
            TableName: stack.tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)',
            ExpressionAttributeValues: { ':pk': keys.publicPartition(bob.id), ':c': 'C#' },
          }),
        )
      ).Items ?? [];
    expect(bobsCommentItem).toBeDefined();
    await expect(
      deleteOwnItem(alice.store, alice.id, bobsCommentItem as Record<string, unknown>),
    ).rejects.toMatchObject({
      name: expect.stringMatching(/AccessDenied/),
    });
    await expect(
      alice.clients.documents.send(
        new DeleteCommand({ TableName: stack.tableName, Key: keys.published(bob.id, 'bobs-post') }),
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/AccessDenied/) });
    await expect(
      alice.clients.s3.send(
        new DeleteObjectsCommand({
          Bucket: stack.bucketName,
          Delete: { Objects: [{ Key: `${ownPrefix(bob.id)}assets/bob.png` }] },
        }),
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/AccessDenied/) });
    expect(await itemsOf(bob.id)).toEqual(bobsBefore);
    expect(await objectsOf(bob.id)).toEqual([`${ownPrefix(bob.id)}assets/bob.png`]);
  });

  it('a delete that fails half-way resumes, and every count on others’ posts is taken back once', async () => {
    const bobsBefore = await itemsOf(bob.id);
    const postCounter = keys.counters(bob.id, 'bobs-post');
    const likeCounter = keys.commentCounters(bob.id, seeded.bobsComment.id);
    expect(await counter(postCounter, 'comments')).toBe(3);
    expect(await counter(likeCounter, 'likes')).toBe(1);

    // The first uncount's reply is lost after it committed (the SDK sends it again); then the next
    // transactions fail past the SDK's retries, so the run stops with an error.
    await queueFaults(
      stack.gatewayUrl,
      { service: 'dynamodb', operation: 'TransactWriteItems', fault: 'drop', times: 1 },
      { service: 'dynamodb', operation: 'TransactWriteItems', fault: 'error5xx', times: 12 },
    );
    await expect(deleteAccountData(alice.store, alice.id)).rejects.toBeDefined();
    expect((await faultReport(stack.gatewayUrl)).injected.drop).toBe(1);
    expect((await itemsOf(alice.id)).length).toBeGreaterThan(0);
    await clearFaults(stack.gatewayUrl);

    const resumed = await deleteAccountData(alice.store, alice.id);
    expect(resumed.phase).toBe('done');
    // And once more: nothing left, nothing counted.
    expect(await deleteAccountData(alice.store, alice.id)).toMatchObject({
      items: 0,
      uncounted: 0,
      files: 0,
    });

    expect(await itemsOf(alice.id)).toEqual([]);
    expect(await objectsOf(alice.id)).toEqual([]);
    expect(await counter(postCounter, 'comments')).toBe(1);
    expect(await counter(likeCounter, 'likes')).toBe(0);
    // Bob's own data: only the counters alice's comments and like were counted on changed.
    const unchanged = (items: string[]) => items.filter((line) => !line.startsWith(`N#${bob.id} `));
    expect(unchanged(await itemsOf(bob.id))).toEqual(unchanged(bobsBefore));
    expect(await objectsOf(bob.id)).toEqual([`${ownPrefix(bob.id)}assets/bob.png`]);
    // Bob's post still lists his comment; alice's are gone.
    const { comments } = await listComments(bob.store, seeded.bobsRef);
    expect(comments.map((c) => c.body)).toEqual(['Bob on his own post.']);
  });
});
