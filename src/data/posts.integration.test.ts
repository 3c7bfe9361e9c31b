/**
 * The posts data layer against the real local stack: real temporary credentials for Alice and Bob
 * through the OpenID flow and the Cognito stand-in, so every call passes the gateway's IAM checks (key
 * prefixes, the attribute allow-list) exactly as the browser's do.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsWithFaultHeader } from '../../local-aws/gateway/faults-admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import {
  signInGuest,
  signInUser,
  startTestStack,
  type TestStack,
} from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import { keys } from '../core/model.ts';
import type { Post } from '../core/post-items.ts';
import { listFeed } from './feed.ts';
import { PostConflictError, PostTooLargeError, PostValidationError, SlugTakenError } from './post-errors.ts';
import {
  authorFeedKey,
  createPost,
  deletePost,
  getAuthorPostCount,
  getDraft,
  getPublishedPost,
  listAuthorPosts,
  listMyPosts,
  listTag,
  listTagByAuthor,
  type NewPost,
  type PostStore,
  publishPost,
  renameDraft,
  saveDraft,
  unpublishPost,
} from './posts.ts';

let local: TestStack;
let stack: LocalStack;
const users: Record<'alice' | 'bob', { id: string; clients: AwsClients; store: PostStore }> = {} as never;
let guest: PostStore;
let admin: AwsClients;

async function signIn(username?: string) {
  const { id, clients } = username
    ? await signInUser(stack, username, { maxAttempts: 1 })
    : await signInGuest(stack, { maxAttempts: 1 });
  const store: PostStore = {
    documents: clients.documents,
    s3: clients.s3,
    tableName: stack.tableName,
    bucketName: stack.bucketName,
    assetBaseUrl: stack.appConfig.assetBaseUrl,
  };
  return { id, clients, store };
}

const draft = (authorId: string, over: Partial<NewPost> = {}): NewPost => ({
  authorId,
  authorName: 'Alice Archer',
  slug: 'first-post',
  title: 'First post',
  body: '# Hello\n\nSome *markdown*.',
  excerpt: 'The first one',
  tags: ['aws', 'web'],
  clientToken: 'token-1',
  ...over,
});

beforeAll(async () => {
  local = await startTestStack({ name: 'posts', appOrigin: 'http://127.0.0.1:5998' });
  ({ stack, admin } = local);
  users.alice = await signIn('alice');
  users.bob = await signIn('bob');
  guest = (await signIn()).store;
});

afterAll(async () => {
  for (const user of Object.values(users)) user.clients.destroy();
  await local?.stop();
});

describe('posts on the real stack', () => {
  let post: Post;

  it('creates a draft once, even when the create is sent twice; a different post cannot take the slug', async () => {
    const { store, id } = users.alice;
    const [first, second] = await Promise.all([createPost(store, draft(id)), createPost(store, draft(id))]);
    expect(first.version).toBe(1);
    expect(second).toMatchObject({ slug: 'first-post', version: 1, clientToken: 'token-1' });
    await expect(createPost(store, draft(id, { clientToken: 'token-2' }))).rejects.toBeInstanceOf(
      SlugTakenError,
    );
    post = await getDraft(store, id, 'first-post');
    expect(post).toMatchObject({ title: 'First post', status: 'draft', version: 1 });
  });

  it('validates before writing', async () => {
    const { store, id } = users.alice;
    await expect(createPost(store, draft(id, { slug: 'x', title: '' }))).rejects.toBeInstanceOf(
      PostValidationError,
    );
    await expect(
      createPost(store, draft(id, { slug: 'big', body: 'x'.repeat(360 * 1024) })),
    ).rejects.toBeInstanceOf(PostTooLargeError);
    await expect(getDraft(store, id, 'big')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('saves on the loaded version and refuses a stale one with both versions', async () => {
    const { store } = users.alice;
    const saved = await saveDraft(store, { ...post, body: 'window one' });
    expect(saved.version).toBe(2);
    const stale = saveDraft(store, { ...post, body: 'window two' });
    await expect(stale).rejects.toBeInstanceOf(PostConflictError);
    const conflict = (await stale.catch((e) => e)) as PostConflictError;
    expect(conflict.theirs).toMatchObject({ body: 'window one', version: 2 });
    expect(conflict.loadedVersion).toBe(1);
    // "Keep mine": save over theirs, knowingly, with their version.
    post = await saveDraft(store, { ...post, body: 'window two', version: conflict.theirs.version });
    expect(post).toMatchObject({ body: 'window two', version: 3 });
  });

  it('keeps drafts private: nobody else can read or list them, nothing reaches the feed', async () => {
    await expect(getDraft(users.bob.store, users.alice.id, 'first-post')).rejects.toMatchObject({
      code: 'access-denied',
    });
    await expect(getDraft(guest, users.alice.id, 'first-post')).rejects.toMatchObject({
      code: 'access-denied',
    });
    await expect(listMyPosts(users.bob.store, users.alice.id)).rejects.toMatchObject({
      code: 'access-denied',
    });
    await expect(
      getPublishedPost(guest.documents, guest.tableName, users.alice.id, 'first-post'),
    ).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await listAuthorPosts(guest, users.alice.id)).posts).toEqual([]);
    expect((await listMyPosts(users.alice.store, users.alice.id)).items).toMatchObject([
      { slug: 'first-post', status: 'draft' },
    ]);
  });

  it('renames a never-published draft, refusing a slug in use', async () => {
    const { store, id } = users.alice;
    await createPost(store, draft(id, { slug: 'other', clientToken: 'token-3' }));
    await expect(renameDraft(store, post, 'other')).rejects.toBeInstanceOf(SlugTakenError);
    const renamed = await renameDraft(store, post, 'first-post-renamed');
    await expect(getDraft(store, id, 'first-post')).rejects.toMatchObject({ code: 'not-found' });
    post = await renameDraft(store, renamed, 'first-post');
    expect(post.version).toBe(5);
  });

  it('publishes: readers see it by author, tag, tag within dates, tag by author and in the feed; the Atom feed is written', async () => {
    const { store, id } = users.alice;
    const result = await publishPost(store, post, { siteUrl: 'http://127.0.0.1:5998' });
    expect(result.feedUpdated).toBe(true);
    post = result.post;
    expect(post).toMatchObject({
      status: 'published',
      version: 6,
      publishedVersion: 6,
      publishedTags: ['aws', 'web'],
    });
    const read = await getPublishedPost(guest.documents, guest.tableName, id, 'first-post');
    expect(read).toMatchObject({ title: 'First post', body: 'window two', readingMinutes: 1 });
    expect((await listAuthorPosts(guest, id)).posts.map((p) => p.slug)).toEqual(['first-post']);
    expect((await listTag(guest, 'web')).posts.map((p) => p.slug)).toEqual(['first-post']);
    const day = post.publishedAt!.slice(0, 10);
    expect((await listTag(guest, 'web', { from: day, to: day })).posts).toHaveLength(1);
    expect((await listTag(guest, 'web', { from: '2000-01-01', to: '2000-12-31' })).posts).toHaveLength(0);
    expect((await listTagByAuthor(guest, id, 'aws')).posts.map((p) => p.slug)).toEqual(['first-post']);
    expect((await listFeed(guest.documents, guest.tableName)).posts.map((p) => p.slug)).toContain(
      'first-post',
    );
    expect(await getAuthorPostCount(guest, id)).toBe(1);
    const feed = await admin.s3.send(
      new GetObjectCommand({ Bucket: stack.bucketName, Key: authorFeedKey(id) }),
    );
    expect(feed.ContentType).toMatch(/^application\/atom\+xml/);
    expect(await feed.Body!.transformToString()).toContain('/authors/');
  });

  it('republishing with a tag removed deletes that tag entry and keeps the feed position', async () => {
    const { store, id } = users.alice;
    const before = post.publishedAt;
    post = (await publishPost(store, { ...post, tags: ['aws'] })).post;
    expect(post.publishedAt).toBe(before);
    expect((await listTag(guest, 'web')).posts).toHaveLength(0);
    expect((await listTag(guest, 'aws')).posts).toHaveLength(1);
    expect(await getAuthorPostCount(guest, id)).toBe(1);
  });

  it('bob cannot change or delete alice’s post, even with her keys in his requests', async () => {
    const bob = users.bob.store;
    const stolen = { ...post, title: 'Bob was here' };
    await expect(saveDraft(bob, stolen)).rejects.toMatchObject({ code: 'access-denied' });
    await expect(publishPost(bob, stolen)).rejects.toMatchObject({ code: 'access-denied' });
    await expect(deletePost(bob, post)).rejects.toMatchObject({ code: 'access-denied' });
    await expect(
      bob.documents.send(
        new PutCommand({
          TableName: bob.tableName,
          Item: { ...keys.published(users.alice.id, 'first-post'), title: 'x' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const still = await getPublishedPost(guest.documents, guest.tableName, users.alice.id, 'first-post');
    expect(still.title).toBe('First post');
  });

  it('unpublishes (readers lose it, the draft stays) and deletes everything', async () => {
    const { store, id } = users.alice;
    post = (await unpublishPost(store, post)).post;
    expect(post).toMatchObject({ status: 'draft', version: 8 });
    expect(post.publishedTags).toBeUndefined();
    await expect(getPublishedPost(guest.documents, guest.tableName, id, 'first-post')).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await listTag(guest, 'aws')).posts).toHaveLength(0);
    expect(await getAuthorPostCount(guest, id)).toBe(0);
    post = (await publishPost(store, post)).post;
    expect(await getAuthorPostCount(guest, id)).toBe(1);
    await expect(deletePost(store, { ...post, version: 1 })).rejects.toBeInstanceOf(PostConflictError);
    await deletePost(store, post);
    await expect(getDraft(store, id, 'first-post')).rejects.toMatchObject({ code: 'not-found' });
    const leftovers = await admin.documents.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.tagEntry(id, 'aws', 'first-post') }),
    );
    expect(leftovers.Item).toBeUndefined();
    expect(await getAuthorPostCount(guest, id)).toBe(0);
    expect((await listFeed(guest.documents, guest.tableName)).posts.map((p) => p.slug)).not.toContain(
      'first-post',
    );
  });

  it('pages an author’s posts and a tag with cursors that refuse other lists', async () => {
    const { store, id } = users.alice;
    for (let i = 0; i < 5; i++) {
      const created = await createPost(
        store,
        draft(id, { slug: `paged-${i}`, clientToken: `p${i}`, tags: ['paging'] }),
      );
      await publishPost(store, created, { now: new Date(Date.UTC(2026, 0, 1 + i)) });
    }
    const first = await listAuthorPosts(guest, id, { limit: 2 });
    expect(first.posts.map((p) => p.slug)).toEqual(['paged-4', 'paged-3']);
    const second = await listAuthorPosts(guest, id, { limit: 2, cursor: first.next! });
    expect(second.posts.map((p) => p.slug)).toEqual(['paged-2', 'paged-1']);
    const tagged = await listTag(guest, 'paging', { limit: 3 });
    const rest = await listTag(guest, 'paging', { limit: 3, cursor: tagged.next! });
    expect([...tagged.posts, ...rest.posts].map((p) => p.slug)).toEqual([
      'paged-4',
      'paged-3',
      'paged-2',
      'paged-1',
      'paged-0',
    ]);
    await expect(listTag(guest, 'other', { cursor: tagged.next! })).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
    await expect(listAuthorPosts(guest, users.bob.id, { cursor: first.next! })).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
  });

  it('with fault injection off, the fault header and the fault endpoint do nothing', async () => {
    const asked = clientsWithFaultHeader(stack.gatewayUrl, 'throttle');
    await asked.documents.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.authorStats(users.alice.id) }),
    );
    asked.destroy();
    expect((await fetch(`${stack.gatewayUrl}/_inkwell/faults`)).status).toBe(404);
  });
});
