/**
 * Comments: list a post's comments with hide markers and like counts, post, edit and delete one's own
 * comments, like, and (as the post's author) hide. Every write goes to a partition IAM lets this user
 * write: the comment to the commenter's `U#`, the hide marker to the author's `U#`, counters to `N#`
 * with `ADD` only (CountOnAnyPost). docs/comments.md describes the design and what it cannot enforce.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Comment,
  commentItem,
  formatPostRef,
  hideMarkerItem,
  newCommentId,
  type PostItems,
  type PostRef,
  reactionItem,
  readPostItems,
  validateCommentBody,
} from '../core/comment-items.ts';
import { INDEX, KEY, keys } from '../core/model.ts';

export type { Comment, CommentThread, PostRef } from '../core/comment-items.ts';
export { buildThreads, CommentValidationError, formatPostRef, parsePostRef } from '../core/comment-items.ts';

/** What the comments data layer needs from the AWS session. */
export interface CommentStore {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

export type CommentErrorCode = 'comment-not-found' | 'already-liked' | 'not-liked' | 'access-denied';

const MESSAGES: Record<CommentErrorCode, string> = {
  'comment-not-found': 'That comment is gone: it may have been deleted.',
  'already-liked': 'You already like this comment.',
  'not-liked': 'You do not like this comment yet.',
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

export interface PostComments extends PostItems {
  likes: Map<string, number>;
  /** Comments the viewer likes (empty for guests). */
  liked: Set<string>;
}

/** A post's comments, the author's hide markers, like counts and the viewer's likes. */
export async function listComments(
  store: CommentStore,
  post: PostRef,
  options: { viewerId?: string; signal?: AbortSignal } = {},
): Promise<PostComments> {
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
      options.signal ? { abortSignal: options.signal } : {},
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < MAX_ITEMS_PER_POST);
  const parsed = readPostItems(post, items);
  const [likes, liked] = await Promise.all([
    likeCounts(store, parsed.comments),
    options.viewerId ? likedBy(store, options.viewerId, post) : Promise.resolve(new Set<string>()),
  ]);
  return { ...parsed, likes, liked };
}

/** Posts a comment (or a reply) as `commenterId`, then counts it on the post. */
export async function postComment(
  store: CommentStore,
  input: { post: PostRef; commenterId: string; commenterName: string; body: string; parentId?: string },
  now: Date = new Date(),
): Promise<Comment> {
  const createdAt = now.toISOString();
  const commentId = newCommentId();
  const item = commentItem({ ...input, createdAt, commentId });
  await guard(
    store.documents.send(
      new PutCommand({
        TableName: store.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partition },
      }),
    ),
  );
  await addToCounter(store, keys.counters(input.post.authorId, input.post.slug), 'comments', 1);
  return {
    id: commentId,
    commenterId: input.commenterId,
    commenterName: item.commenterName as string,
    body: item.body as string,
    createdAt,
    ...(input.parentId ? { parentId: input.parentId } : {}),
  };
}

/** Replaces the body of one's own comment. */
export async function editComment(
  store: CommentStore,
  post: PostRef,
  comment: Comment,
  body: string,
  now: Date = new Date(),
): Promise<Comment> {
  const text = validateCommentBody(body);
  const updatedAt = now.toISOString();
  await guard(
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

/** Deletes one's own comment and uncounts it. Replies stay (they are other people's words). */
export async function deleteComment(store: CommentStore, post: PostRef, comment: Comment): Promise<void> {
  await guard(
    store.documents.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: keys.comment(comment.commenterId, post.authorId, post.slug, comment.createdAt, comment.id),
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partition },
      }),
    ),
  );
  await addToCounter(store, keys.counters(post.authorId, post.slug), 'comments', -1);
}

/** The post's author hides a comment for every reader (IAM allows it only in the author's partition). */
export async function hideComment(
  store: CommentStore,
  post: PostRef,
  commentId: string,
  now: Date = new Date(),
): Promise<void> {
  await guard(
    store.documents.send(
      new PutCommand({
        TableName: store.tableName,
        Item: hideMarkerItem(post, commentId, now.toISOString()),
      }),
    ),
  );
}

export async function unhideComment(store: CommentStore, post: PostRef, commentId: string): Promise<void> {
  await guard(
    store.documents.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: keys.hideMarker(post.authorId, post.slug, commentId),
      }),
    ),
  );
}

/**
 * Likes a comment: a marker in the liker's own partition (at most one per user and comment), then an
 * atomic `ADD` on the comment's counter, so concurrent likes are all counted. Resolves with the new count.
 */
export async function likeComment(
  store: CommentStore,
  userId: string,
  post: PostRef,
  comment: Pick<Comment, 'id' | 'commenterId'>,
  now: Date = new Date(),
): Promise<number> {
  try {
    await guard(
      store.documents.send(
        new PutCommand({
          TableName: store.tableName,
          Item: reactionItem(userId, post, comment.id, now.toISOString()),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.partition },
        }),
      ),
    );
  } catch (error) {
    if (error instanceof CommentError && error.code === 'comment-not-found')
      throw new CommentError('already-liked');
    throw error;
  }
  return addToCounter(store, keys.commentCounters(comment.commenterId, comment.id), 'likes', 1);
}

export async function unlikeComment(
  store: CommentStore,
  userId: string,
  post: PostRef,
  comment: Pick<Comment, 'id' | 'commenterId'>,
): Promise<number> {
  try {
    await guard(
      store.documents.send(
        new DeleteCommand({
          TableName: store.tableName,
          Key: keys.reaction(userId, post.authorId, post.slug, comment.id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.partition },
        }),
      ),
    );
  } catch (error) {
    if (error instanceof CommentError && error.code === 'comment-not-found')
      throw new CommentError('not-liked');
    throw error;
  }
  return addToCounter(store, keys.commentCounters(comment.commenterId, comment.id), 'likes', -1);
}

/**
 * Comment counts of many posts: one BatchGetItem per 100 posts (a page of an index is one request).
 * Keyed by `formatPostRef`; posts nobody commented on count 0.
 */
export async function getCommentCounts(
  store: CommentStore,
  posts: readonly PostRef[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(posts.map((post) => [formatPostRef(post), 0]));
  const items = await batchGet(
    store,
    posts.map((post) => keys.counters(post.authorId, post.slug)),
    'comments',
  );
  for (const item of items) {
    const authorId = String(item[KEY.partition]).slice(2);
    const slug = String(item[KEY.sort]).slice(2);
    counts.set(formatPostRef({ authorId, slug }), Math.max(0, Number(item.comments ?? 0)));
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
    likes.set(String(item[KEY.sort]).slice(2), Math.max(0, Number(item.likes ?? 0)));
  }
  return likes;
}

async function likedBy(store: CommentStore, userId: string, post: PostRef): Promise<Set<string>> {
  const liked = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await guard(
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
    for (const item of page.Items ?? []) if (typeof item.commentId === 'string') liked.add(item.commentId);
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
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const response = await guard(
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

/** `ADD` on a counter: atomic, so concurrent updates are all counted. Returns the new value. */
async function addToCounter(
  store: CommentStore,
  key: { PK: string; SK: string },
  attribute: 'likes' | 'comments',
  delta: number,
): Promise<number> {
  const response = await guard(
    store.documents.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: key,
        UpdateExpression: 'ADD #value :delta',
        ExpressionAttributeNames: { '#value': attribute },
        ExpressionAttributeValues: { ':delta': delta },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return Math.max(0, Number(response.Attributes?.[attribute] ?? 0));
}

/** Runs a call, translating the errors the UI can explain into `CommentError`. */
async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
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
