/**
 * Comments: list a post's comments with hide markers and like counts, post, edit and delete one's own
 * comments, like, and (as the post's author) hide. Every write goes to a partition IAM lets this user
 * write: the comment to the commenter's `U#`, the hide marker to the author's `U#`, counters to `N#`
 * with `ADD` only (CountOnAnyPost). docs/comments.md describes the design and what it cannot enforce.
 *
 * Every write is safe to send twice (the SDK re-sends when a reply is lost after DynamoDB committed):
 * a comment's id and time are the client's, so a re-sent put meets its own item and is recognised as
 * success; counter updates go in transactions with a ClientRequestToken, which DynamoDB applies once.
 * No content write depends on a counter: anyone signed in can set one to a string, after which every
 * `ADD` on it fails.
 */

import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type ByPostKey,
  byPostKey,
  type Comment,
  commentItem,
  commentRef,
  counterValue,
  formatPostRef,
  hideMarkerItem,
  newCommentId,
  type PostItems,
  type PostRef,
  planPage,
  reactionItem,
  reactionTarget,
  readPostItems,
  threadRange,
  validateCommentBody,
} from '../core/comment-items.ts';
import { INDEX, KEY, keys, PARTITION_PREFIX } from '../core/model.ts';
import { retryingConflicts } from './write-retry.ts';

export type { ByPostKey, Comment, CommentThread, PostRef } from '../core/comment-items.ts';
export {
  buildThreads,
  CommentValidationError,
  commentRef,
  formatPostRef,
  isHidden,
  parsePostRef,
  threadOrderOf,
} from '../core/comment-items.ts';

/** What the comments data layer needs from the AWS session. */
export interface CommentStore {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

export type CommentErrorCode = 'comment-not-found' | 'comment-id-taken' | 'access-denied';

const MESSAGES: Record<CommentErrorCode, string> = {
  'comment-not-found': 'That comment is gone: it may have been deleted.',
  'comment-id-taken': 'You already have a different comment with this id. Reload and try again.',
  'access-denied': 'Sign in to do that, or it is not yours to change.',
};

export class CommentError extends Error {
  override readonly name = 'CommentError';
  readonly code: CommentErrorCode;
  constructor(code: CommentErrorCode, options?: { cause?: unknown }) {
    super(MESSAGES[code], options);
    this.code = code;
  }
}

/** DynamoDB allows 100 keys per BatchGetItem. */
export const BATCH_GET_LIMIT = 100;
/** A post's comments are read whole; past this many, the oldest are shown and the rest are not. */
const MAX_ITEMS_PER_POST = 2000;
/** Transaction conflicts (another transaction on the same counter) are retried this many times. */
const CONFLICT_ATTEMPTS = 5;

export interface PostComments extends PostItems {
  /** Like counts by `commentRef`. */
  likes: Map<string, number>;
  /** What the viewer likes: `commentRef`s, and bare ids of likes written before refs (empty for guests). */
  liked: Set<string>;
}

/** Whether the viewer likes this comment (by its ref, or by a like that predates refs). */
export function isLiked(liked: ReadonlySet<string>, comment: Pick<Comment, 'commenterId' | 'id'>): boolean {
  return liked.has(commentRef(comment)) || liked.has(comment.id);
}

/**
 * Every `by-post` item of a post (its comments and the author's hide markers), as stored: the widget
 * and the publisher both read a post's comments through this, then believe only what readPostItems does.
 */
export async function queryPostItems(
  store: CommentStore,
  post: PostRef,
  signal?: AbortSignal,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.documents.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: INDEX.byPost.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': INDEX.byPost.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.postRef(post.authorId, post.slug) },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < MAX_ITEMS_PER_POST);
  return items;
}

/** A post's comments, the author's hide markers, like counts and the viewer's likes. */
export async function listComments(
  store: CommentStore,
  post: PostRef,
  options: { viewerId?: string; signal?: AbortSignal } = {},
): Promise<PostComments> {
  const items = await queryPostItems(store, post, options.signal);
  const parsed = readPostItems(post, items);
  const [likes, liked] = await Promise.all([
    likeCounts(store, parsed.comments),
    options.viewerId ? likedBy(store, options.viewerId, post) : Promise.resolve(new Set<string>()),
  ]);
  return { ...parsed, likes, liked };
}

/** Items a page of the thread list shows (comments, replies and the author's hide markers). */
export const COMMENT_PAGE_ITEMS = 25;

export interface CommentPage extends PostComments {
  /** Where the next page starts ("More comments"); absent at the end. */
  next?: ByPostKey;
  /** The thread (`threadOrderOf` of its top-level comment) whose replies go on past this page. */
  continuedThread?: string;
  /** Read capacity the page's Query consumed, as DynamoDB reported it (the like counts are extra). */
  consumedCapacity: number;
}

/**
 * One page of a post's comments: a single Query of `by-post` with `Limit`, reading the items it shows
 * plus one (which tells whether more follows; the next page reads it again). `after`: the `next` of
 * the page before. `thread`: read only that thread's replies (its `continuedThread`, "More replies").
 * Hide markers sort first, so every comment a page shows was preceded by every marker that hides it.
 */
export async function listCommentPage(
  store: CommentStore,
  post: PostRef,
  options: {
    after?: ByPostKey;
    thread?: string;
    viewerId?: string;
    pageItems?: number;
    signal?: AbortSignal;
  } = {},
): Promise<CommentPage> {
  const pageItems = options.pageItems ?? COMMENT_PAGE_ITEMS;
  const range = options.thread ? threadRange(options.thread) : undefined;
  const response = await guard(() =>
    store.documents.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: INDEX.byPost.name,
        KeyConditionExpression: range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': INDEX.byPost.partitionKey,
          ...(range ? { '#sk': INDEX.byPost.sortKey } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': keys.postRef(post.authorId, post.slug),
          ...(range ? { ':from': range.from, ':to': range.to } : {}),
        },
        Limit: pageItems + 1,
        ReturnConsumedCapacity: 'TOTAL',
        ...(options.after ? { ExclusiveStartKey: options.after } : {}),
      }),
      options.signal ? { abortSignal: options.signal } : {},
    ),
  );
  const plan = planPage(response.Items ?? [], pageItems, response.LastEvaluatedKey !== undefined);
  // A thread read to its end: the list goes on after its last reply (or ends: the next read says).
  const lastShown = plan.shown.at(-1);
  if (range && !plan.next && lastShown) plan.next = byPostKey(lastShown) ?? options.after;
  const parsed = readPostItems(post, plan.shown);
  const [likes, liked] = await Promise.all([
    likeCounts(store, parsed.comments),
    options.viewerId && !options.after
      ? likedBy(store, options.viewerId, post)
      : Promise.resolve(new Set<string>()),
  ]);
  return {
    ...parsed,
    likes,
    liked,
    ...(plan.next ? { next: plan.next } : {}),
    ...(plan.continuedThread ? { continuedThread: plan.continuedThread } : {}),
    consumedCapacity: response.ConsumedCapacity?.CapacityUnits ?? 0,
  };
}

/**
 * A new comment's identity, made once per comment the user writes and kept across their retries, so
 * that a retry after an error (whose first attempt may have been stored) stores it once.
 */
export interface CommentAttempt {
  commentId: string;
  createdAt: string;
}

export function newCommentAttempt(now: Date = new Date()): CommentAttempt {
  return { commentId: newCommentId(), createdAt: now.toISOString() };
}

export interface NewComment {
  post: PostRef;
  commenterId: string;
  commenterName: string;
  body: string;
  /** The `commentRef` of the top-level comment this replies to. */
  parentRef?: string;
  /** That comment's `createdAt`, so the reply is keyed under its thread (read as one range). */
  parentCreatedAt?: string;
  /** The attempt to store (default: a new one): pass the same one again to retry. */
  attempt?: CommentAttempt;
}

/**
 * Posts a comment (or a reply) as `commenterId`, then counts it on the post (best effort: the comment
 * is stored whatever becomes of the count). A put that meets the same comment already stored (a reply
 * lost on the way back, or the user's retry of the same attempt) is success, once.
 */
export async function postComment(store: CommentStore, input: NewComment): Promise<Comment> {
  const { commentId, createdAt } = input.attempt ?? newCommentAttempt();
  const item = commentItem({ ...input, createdAt, commentId });
  let stored: Comment;
  try {
    await retryingConflicts(() =>
      store.documents.send(
        new PutCommand({
          TableName: store.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.partition },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    stored = {
      id: commentId,
      commenterId: input.commenterId,
      commenterName: item.commenterName as string,
      body: item.body as string,
      createdAt,
      ...(input.parentRef ? { parentRef: input.parentRef } : {}),
    };
  } catch (error) {
    if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') {
      throw toCommentError(error);
    }
    const earlier =
      storedItem(error) ??
      (await readItem(
        store,
        keys.comment(input.commenterId, input.post.authorId, input.post.slug, createdAt, commentId),
      ));
    // The key is this user's partition, this attempt's time and id: only this attempt could have put it.
    if (!earlier || earlier.commentId !== commentId || earlier.postRef !== item.postRef) {
      throw earlier ? new CommentError('comment-id-taken', { cause: error }) : toCommentError(error);
    }
    stored = {
      id: commentId,
      commenterId: input.commenterId,
      commenterName: String(earlier.commenterName ?? item.commenterName),
      body: String(earlier.body ?? item.body),
      createdAt,
      ...(typeof earlier.updatedAt === 'string' ? { updatedAt: earlier.updatedAt } : {}),
      ...(typeof earlier.parentId === 'string' ? { parentRef: earlier.parentId } : {}),
    };
  }
  await countCommentOnPost(store, input.post, stored, 1);
  return stored;
}

/** Replaces the body of one's own comment (the same update sent twice is harmless). */
export async function editComment(
  store: CommentStore,
  post: PostRef,
  comment: Comment,
  body: string,
  now: Date = new Date(),
): Promise<Comment> {
  const text = validateCommentBody(body);
  const updatedAt = now.toISOString();
  await guard(() =>
    store.documents.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.comment(comment.commenterId, post.authorId, post.slug, comment.createdAt, comment.id),
        UpdateExpression: 'SET #body = :body, #updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partition, '#body': 'body', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':body': text, ':updatedAt': updatedAt },
      }),
    ),
  );
  return { ...comment, body: text, updatedAt };
}

/**
 * Deletes one's own comment and uncounts it (best effort). Replies stay (they are other people's
 * words). Deleting what is already gone is success: a re-sent delete meets its own earlier success.
 */
export async function deleteComment(store: CommentStore, post: PostRef, comment: Comment): Promise<void> {
  await guard(() =>
    store.documents.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: keys.comment(comment.commenterId, post.authorId, post.slug, comment.createdAt, comment.id),
      }),
    ),
  );
  await countCommentOnPost(store, post, comment, -1);
}

/** The post's author hides a comment for every reader (IAM allows it only in the author's partition). */
export async function hideComment(
  store: CommentStore,
  post: PostRef,
  comment: Pick<Comment, 'commenterId' | 'id'>,
  now: Date = new Date(),
): Promise<void> {
  await guard(() =>
    store.documents.send(
      new PutCommand({
        TableName: store.tableName,
        Item: hideMarkerItem(post, comment, now.toISOString()),
      }),
    ),
  );
}

/** Removes the author's marker, and the marker by bare id a comment hidden before refs may have. */
export async function unhideComment(
  store: CommentStore,
  post: PostRef,
  comment: Pick<Comment, 'commenterId' | 'id'>,
  options: { legacyMarker?: boolean } = {},
): Promise<void> {
  const commenters = options.legacyMarker ? [comment.commenterId, undefined] : [comment.commenterId];
  for (const commenterId of commenters) {
    await guard(() =>
      store.documents.send(
        new DeleteCommand({
          TableName: store.tableName,
          Key: keys.hideMarker(post.authorId, post.slug, commenterId, comment.id),
        }),
      ),
    );
  }
}

/**
 * Likes a comment: the marker in the liker's own partition (at most one per user and comment) and
 * `ADD likes 1` on the comment's counter, in one transaction with a ClientRequestToken, so a re-sent
 * request counts once and marker and count never disagree. Liking what the user already likes changes
 * nothing. A counter someone broke (not a number) does not stop the like: the marker is written alone.
 * Resolves with the comment's like count read back, or undefined if that read failed.
 */
export async function likeComment(
  store: CommentStore,
  userId: string,
  post: PostRef,
  comment: Pick<Comment, 'id' | 'commenterId'>,
  now: Date = new Date(),
): Promise<number | undefined> {
  await writeWithCounter(
    store,
    {
      Put: {
        TableName: store.tableName,
        Item: reactionItem(userId, post, comment, now.toISOString()),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partition },
      },
    },
    keys.commentCounters(comment.commenterId, comment.id),
    'likes',
    1,
  );
  return readCounter(store, keys.commentCounters(comment.commenterId, comment.id), 'likes');
}

/** Takes the user's like back, the same way (one transaction; not liking is not an error). */
export async function unlikeComment(
  store: CommentStore,
  userId: string,
  post: PostRef,
  comment: Pick<Comment, 'id' | 'commenterId'>,
): Promise<number | undefined> {
  // A like written before refs has its marker under the bare id.
  for (const commenterId of [comment.commenterId, undefined]) {
    const outcome = await writeWithCounter(
      store,
      {
        Delete: {
          TableName: store.tableName,
          Key: keys.reaction(userId, post.authorId, post.slug, commenterId, comment.id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.partition },
        },
      },
      keys.commentCounters(comment.commenterId, comment.id),
      'likes',
      -1,
    );
    if (outcome !== 'unchanged') break;
  }
  return readCounter(store, keys.commentCounters(comment.commenterId, comment.id), 'likes');
}

/**
 * Comment counts of many posts: one BatchGetItem per 100 posts (a page of an index is one request).
 * Keyed by `formatPostRef`; posts nobody commented on count 0. A counter that is not a number (anyone
 * signed in can SET one to a string) is unknown: undefined, never shown as a number.
 */
export async function getCommentCounts(
  store: CommentStore,
  posts: readonly PostRef[],
): Promise<Map<string, number | undefined>> {
  const counts = new Map<string, number | undefined>(posts.map((post) => [formatPostRef(post), 0]));
  const items = await batchGet(
    store,
    posts.map((post) => keys.counters(post.authorId, post.slug)),
    'comments',
  );
  for (const item of items) {
    const authorId = String(item[KEY.partition]).slice(PARTITION_PREFIX.counters.length);
    const slug = String(item[KEY.sort]).slice(2);
    counts.set(
      formatPostRef({ authorId, slug }),
      item.comments === undefined ? 0 : counterValue(item.comments),
    );
  }
  return counts;
}

async function likeCounts(store: CommentStore, comments: readonly Comment[]): Promise<Map<string, number>> {
  const likes = new Map<string, number>();
  const items = await batchGet(
    store,
    comments.map((comment) => keys.commentCounters(comment.commenterId, comment.id)),
    'likes',
  );
  for (const item of items) {
    const commenterId = String(item[KEY.partition]).slice(PARTITION_PREFIX.counters.length);
    const id = String(item[KEY.sort]).slice(2);
    const value = counterValue(item.likes);
    if (value !== undefined) likes.set(commentRef({ commenterId, id }), value);
  }
  return likes;
}

async function likedBy(store: CommentStore, userId: string, post: PostRef): Promise<Set<string>> {
  const liked = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await guard(() =>
      store.documents.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': KEY.sort },
          ExpressionAttributeValues: {
            ':pk': keys.publicPartition(userId),
            ':prefix': keys.reactionPrefix(post.authorId, post.slug),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const target = reactionTarget(post, item[KEY.sort]);
      if (target !== null) liked.add(target);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return liked;
}

/** BatchGetItem in chunks of 100, retrying unprocessed keys; returns the items found. */
async function batchGet(
  store: CommentStore,
  itemKeys: readonly { PK: string; SK: string }[],
  attribute: string,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const unique = [...new Map(itemKeys.map((key) => [`${key.PK}\n${key.SK}`, key])).values()];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const response = await guard(() =>
        store.documents.send(
          new BatchGetCommand({
            RequestItems: {
              [store.tableName]: {
                Keys: pending,
                ProjectionExpression: '#pk, #sk, #value',
                ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': KEY.sort, '#value': attribute },
              },
            },
          }),
        ),
      );
      found.push(...(response.Responses?.[store.tableName] ?? []));
      pending = response.UnprocessedKeys?.[store.tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** A counter read back consistently; undefined when absent, not a number, or the read failed. */
async function readCounter(
  store: CommentStore,
  key: { PK: string; SK: string },
  attribute: 'likes' | 'comments',
): Promise<number | undefined> {
  try {
    const { Item } = await store.documents.send(
      new GetCommand({
        TableName: store.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#value',
        ExpressionAttributeNames: { '#value': attribute },
      }),
    );
    return Item ? (counterValue(Item[attribute]) ?? 0) : 0;
  } catch {
    return undefined;
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes one item and `ADD`s `delta` to a counter in one transaction. `unchanged`: the item's
 * condition failed (nothing written); `uncounted`: the counter is broken (not a number), so the item
 * was written on its own.
 */
async function writeWithCounter(
  store: CommentStore,
  write: TransactItem,
  counter: { PK: string; SK: string },
  attribute: 'likes' | 'comments',
  delta: number,
): Promise<'written' | 'unchanged' | 'uncounted'> {
  const update: TransactItem = {
    Update: {
      TableName: store.tableName,
      Key: counter,
      UpdateExpression: 'ADD #value :delta',
      ExpressionAttributeNames: { '#value': attribute },
      ExpressionAttributeValues: { ':delta': delta },
    },
  };
  try {
    await transact(store, [write, update], randomToken());
    return 'written';
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return 'unchanged';
    const counterBroken =
      reasons?.[1]?.Code === 'ValidationError' ||
      (reasons === undefined && (error as { name?: string }).name === 'ValidationException');
    if (!counterBroken) throw toCommentError(error);
  }
  try {
    await transact(store, [write], randomToken());
    return 'uncounted';
  } catch (error) {
    if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return 'unchanged';
    throw toCommentError(error);
  }
}

/**
 * `ADD comments ±1` on the post's counter, best effort: failures (a broken counter, throttling) leave
 * the count behind and the comment as it is. The token is derived from the comment, so the count
 * moves once per comment and direction even when the user retries within DynamoDB's 10-minute window.
 */
async function countCommentOnPost(
  store: CommentStore,
  post: PostRef,
  comment: Pick<Comment, 'commenterId' | 'id'>,
  delta: 1 | -1,
): Promise<boolean> {
  try {
    const token = await derivedToken(`${delta > 0 ? '+' : '-'}${formatPostRef(post)}/${commentRef(comment)}`);
    await transact(
      store,
      [
        {
          Update: {
            TableName: store.tableName,
            Key: keys.counters(post.authorId, post.slug),
            UpdateExpression: 'ADD #value :delta',
            ExpressionAttributeNames: { '#value': 'comments' },
            ExpressionAttributeValues: { ':delta': delta },
          },
        },
      ],
      token,
    );
    return true;
  } catch {
    return false;
  }
}

/** TransactWriteItems, retried with backoff when it conflicts with another transaction on its items. */
async function transact(store: CommentStore, items: TransactItem[], token: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.documents.send(
        new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }),
      );
      return;
    } catch (error) {
      const conflict =
        (error as { name?: string }).name === 'TransactionConflictException' ||
        (cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false);
      if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
      await pause(Math.random() * 25 * 2 ** attempt);
    }
  }
}

function cancellationReasons(error: unknown): { Code?: string }[] | undefined {
  if ((error as { name?: string } | null)?.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
}

async function readItem(
  store: CommentStore,
  key: { PK: string; SK: string },
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await guard(() =>
    store.documents.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true })),
  );
  return Item;
}

/** The stored item a failed put returned (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
function storedItem(error: unknown): Record<string, unknown> | undefined {
  if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return undefined;
  const raw = (error as { Item?: Record<string, unknown> }).Item;
  // The document client does not translate errors: the item arrives as DynamoDB attribute values.
  return raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
}

/** A ClientRequestToken (at most 36 characters) for one attempt. */
function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/** A ClientRequestToken derived from what it counts: the same operation always gets the same token. */
async function derivedToken(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 18), (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 36);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a call, translating the errors the UI can explain into `CommentError`. */
/**
 * Runs one request, again after a transaction conflict (an item of it was in another transaction:
 * nothing was written, so sending it again is safe), and turns what it throws into a typed error.
 */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await retryingConflicts(call);
  } catch (error) {
    throw toCommentError(error);
  }
}

function toCommentError(error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'ConditionalCheckFailedException')
    return new CommentError('comment-not-found', { cause: error });
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new CommentError('access-denied', { cause: error });
  }
  return error;
}
