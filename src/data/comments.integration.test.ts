/**
 * The comments data layer against the real local stack (DynamoDB Local behind the enforcing gateway,
 * real temporary credentials through the OpenID flow and the Cognito stand-in), under the failures
 * AWS has and DynamoDB Local does not: replies lost after the write committed, counters that someone
 * set to a string, comment ids reused by another commenter.
 *
 * A lost reply is simulated in the SDK, below its retry loop: the request reaches the stack and
 * commits, then the reply is replaced by a connection reset, so the SDK sends the same request again,
 * exactly as it does when a real reply is lost.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FinalizeHandler, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-aws/stack.ts';
import { signInUser, startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import type { ClientPlugin } from '../aws/plugins/client-plugin.ts';
import { commentItem, hideMarkerItem } from '../core/comment-items.ts';
import { INDEX, keys } from '../core/model.ts';
import {
  buildThreads,
  type CommentStore,
  commentRef,
  deleteComment,
  getCommentCounts,
  hideComment,
  likeComment,
  listComments,
  newCommentAttempt,
  type PostRef,
  postComment,
  unlikeComment,
} from './comments.ts';

let local: TestStack;
let stack: LocalStack;
let admin: AwsClients;

interface User {
  id: string;
  clients: AwsClients;
  store: CommentStore;
  /** Replies to drop, by operation (`PutItem`, `TransactWriteItems`, …): each one drops one reply. */
  drops: string[];
  /** Operations as they went out, re-sends included. */
  sent: string[];
}
const users: Record<'alice' | 'bob' | 'carol', User> = {} as never;

/**
 * A lost reply: the request goes out and DynamoDB commits it; then the connection "resets", so the
 * SDK's retry loop (above this step) sends it again with the same body and idempotency token.
 */
function lostReplies(user: () => User): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.add(
        (next: FinalizeHandler<object, MetadataBearer>) => async (args) => {
          const target = String(
            (args.request as { headers?: Record<string, string> }).headers?.['x-amz-target'] ?? '',
          ).split('.')[1];
          const me = user();
          if (target) me.sent.push(target);
          const lose = () => {
            const drop = target ? me.drops.indexOf(target) : -1;
            if (drop < 0) return false;
            me.drops.splice(drop, 1);
            return true;
          };
          const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          try {
            const result = await next(args);
            if (lose()) throw reset();
            return result;
          } catch (error) {
            // Whatever DynamoDB answered (a conditional failure included), the reply never arrives.
            if ((error as { code?: string }).code !== 'ECONNRESET' && lose()) throw reset();
            throw error;
          }
        },
        { step: 'finalizeRequest', name: 'lostReplyForTests', priority: 'low', override: true },
      );
    },
  };
}

async function signIn(username: 'alice' | 'bob' | 'carol'): Promise<User> {
  const { id, clients } = await signInUser(stack, username, {
    maxAttempts: 3,
    plugins: [lostReplies(() => users[username])],
  });
  return {
    id,
    clients,
    store: { documents: clients.documents, tableName: stack.tableName },
    drops: [],
    sent: [],
  };
}

beforeAll(async () => {
  local = await startTestStack({ name: 'comments', appOrigin: 'http://127.0.0.1:5997' });
  ({ stack, admin } = local);
  users.alice = await signIn('alice');
  users.bob = await signIn('bob');
  users.carol = await signIn('carol');
});

afterAll(async () => {
  for (const user of Object.values(users)) user.clients.destroy();
  await local?.stop();
});

beforeEach(() => {
  for (const user of Object.values(users)) {
    user.drops = [];
    user.sent = [];
  }
});

let posts = 0;
function newPost(): PostRef {
  posts += 1;
  return { authorId: users.alice.id, slug: `post-${posts}-${Date.now().toString(36)}` };
}

const commenterNames = { bob: 'Bob Baker', carol: 'Carol Chen' } as const;

/** `who` comments on `post` in their own name, as the comment form sends it. */
function commentAs(who: keyof typeof commenterNames, post: PostRef, body: string) {
  const { store, id } = users[who];
  return postComment(store, { post, commenterId: id, commenterName: commenterNames[who], body });
}

/** Every comment item stored under a post, read with the admin key (nothing the app parses). */
async function storedComments(post: PostRef): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await admin.documents.send(
    new QueryCommand({
      TableName: stack.tableName,
      IndexName: INDEX.byPost.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': INDEX.byPost.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.postRef(post.authorId, post.slug) },
    }),
  );
  return Items.filter((item) => item.type === 'comment');
}

async function counter(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
  const { Item } = await admin.documents.send(
    new GetCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

describe('lost replies (issue 12): a re-sent write that meets its own success is success, once', () => {
  it('a comment whose PutItem reply was lost is stored once, counted once, and reported stored', async () => {
    const { bob } = users;
    const post = newPost();
    bob.drops.push('PutItem', 'TransactWriteItems');
    const comment = await commentAs('bob', post, 'Sent twice, stored once.');
    // The put and the counter update each went out twice: the second met the first's success.
    expect(bob.sent.filter((op) => op === 'PutItem')).toHaveLength(2);
    expect(bob.sent.filter((op) => op === 'TransactWriteItems')).toHaveLength(2);
    expect(comment).toMatchObject({ commenterId: bob.id, body: 'Sent twice, stored once.' });
    expect(await storedComments(post)).toHaveLength(1);
    expect((await counter(keys.counters(post.authorId, post.slug)))?.comments).toBe(1);
  });

  it('the user’s retry of the same comment after an error stores it once and counts it once', async () => {
    const { bob } = users;
    const post = newPost();
    const input = { post, commenterId: bob.id, commenterName: 'Bob Baker', body: 'Retried by hand.' };
    const attempt = newCommentAttempt();
    // Every reply of the first try is lost: the SDK gives up and the widget shows an error...
    bob.drops.push('PutItem', 'PutItem', 'PutItem');
    await expect(postComment(bob.store, { ...input, attempt })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await storedComments(post)).toHaveLength(1);
    // ...the user clicks again; the widget kept the attempt, so it is the same comment.
    const comment = await postComment(bob.store, { ...input, attempt });
    expect(comment.id).toBe(attempt.commentId);
    expect(await storedComments(post)).toHaveLength(1);
    expect((await counter(keys.counters(post.authorId, post.slug)))?.comments).toBe(1);
    // And clicking yet again changes nothing.
    await postComment(bob.store, { ...input, attempt });
    expect(await storedComments(post)).toHaveLength(1);
    expect((await counter(keys.counters(post.authorId, post.slug)))?.comments).toBe(1);
  });

  it('a like whose reply was lost counts once; so does an unlike', async () => {
    const { bob, carol } = users;
    const post = newPost();
    const target = await commentAs('carol', post, 'Like me once.');
    bob.drops.push('TransactWriteItems');
    expect(await likeComment(bob.store, bob.id, post, target)).toBe(1);
    expect(bob.sent.filter((op) => op === 'TransactWriteItems')).toHaveLength(2);
    expect((await counter(keys.commentCounters(carol.id, target.id)))?.likes).toBe(1);
    // Liking again (another tab, a double click) is no error and counts nothing.
    expect(await likeComment(bob.store, bob.id, post, target)).toBe(1);
    const seen = await listComments(carol.store, post, { viewerId: bob.id });
    expect(seen.likes.get(commentRef(target))).toBe(1);

    bob.drops.push('TransactWriteItems');
    expect(await unlikeComment(bob.store, bob.id, post, target)).toBe(0);
    expect(await unlikeComment(bob.store, bob.id, post, target)).toBe(0);
    expect((await counter(keys.commentCounters(carol.id, target.id)))?.likes).toBe(0);
  });

  it('a delete whose reply was lost is success, and uncounts once', async () => {
    const { bob } = users;
    const post = newPost();
    const comment = await commentAs('bob', post, 'Soon gone.');
    bob.drops.push('DeleteItem', 'TransactWriteItems');
    await deleteComment(bob.store, post, comment);
    expect(await storedComments(post)).toHaveLength(0);
    expect((await counter(keys.counters(post.authorId, post.slug)))?.comments).toBe(0);
  });
});

describe('counters anyone can break (issue 15, 3)', () => {
  it('with likes and comments SET to a string, an honest comment posts once and a like still lands', async () => {
    const { alice, bob, carol } = users;
    const post = newPost();
    // IAM allows it: the counter statement restricts attribute names, not value types.
    const setToString = (key: { PK: string; SK: string }, ...counters: string[]) =>
      bob.clients.documents.send(
        new UpdateCommand({
          TableName: stack.tableName,
          Key: key,
          UpdateExpression: `SET ${counters.map((name) => `${name} = :s`).join(', ')}`,
          ExpressionAttributeValues: { ':s': 'x' },
        }),
      );
    await setToString(keys.counters(post.authorId, post.slug), 'likes', 'comments');
    const comment = await commentAs('carol', post, 'Posted despite the broken counter.');
    expect(comment.body).toBe('Posted despite the broken counter.');
    expect(await storedComments(post)).toHaveLength(1);
    // The broken counter is no count at all, not "x" or NaN.
    const counts = await getCommentCounts(alice.store, [post]);
    expect(counts.has(`${post.authorId}/${post.slug}`)).toBe(true);
    expect(counts.get(`${post.authorId}/${post.slug}`)).toBeUndefined();

    await setToString(keys.commentCounters(carol.id, comment.id), 'likes');
    expect(await likeComment(alice.store, alice.id, post, comment)).toBe(0);
    const seen = await listComments(alice.store, post, { viewerId: alice.id });
    expect(seen.liked.has(commentRef(comment))).toBe(true);
    expect(seen.likes.has(commentRef(comment))).toBe(false);
  });
});

describe('comment ids are unique per commenter only (issue 15, 2)', () => {
  it('bob reusing carol’s id in his own partition suppresses nothing, and hiding his hides only his', async () => {
    const { alice, bob, carol } = users;
    const post = newPost();
    const carols = await commentAs('carol', post, 'Carol’s words.');
    // IAM allows bob any item in his own partition, with any id.
    await bob.clients.documents.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: commentItem({
          post,
          commenterId: bob.id,
          commenterName: 'Bob Baker',
          body: 'Bob’s copy with Carol’s id.',
          createdAt: new Date(Date.now() + 1000).toISOString(),
          commentId: carols.id,
        }),
      }),
    );
    const both = buildThreads(await listComments(alice.store, post));
    expect(both.map((thread) => thread.comment?.body)).toEqual([
      'Carol’s words.',
      'Bob’s copy with Carol’s id.',
    ]);

    await hideComment(alice.store, post, { commenterId: bob.id, id: carols.id });
    const afterHide = buildThreads(await listComments(carol.store, post));
    expect(afterHide.map((thread) => thread.comment?.body)).toEqual(['Carol’s words.']);
    // A marker bob writes into his own partition still counts for nothing.
    await bob.clients.documents.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: { ...hideMarkerItem(post, carols, new Date().toISOString()), PK: keys.publicPartition(bob.id) },
      }),
    );
    expect(buildThreads(await listComments(carol.store, post)).map((t) => t.comment?.body)).toEqual([
      'Carol’s words.',
    ]);
  });
});
