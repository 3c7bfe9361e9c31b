/**
 * Posts: create, save, publish, unpublish, delete, and the lists readers and writers see, each one request
 * on the key or index built for it (docs/data-model.md). Every write is validated before it is sent and
 * conditional (a slug is unique per author; a save or publish applies only to the version the writer
 * loaded); every failure leaves as one of the typed errors in post-errors.ts.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PUBLIC_ASSET_PREFIX } from '../core/access-policy.ts';
import { counterValue } from '../core/comment-items.ts';
import { INDEX, KEY, keys, POST_SORT_PREFIX } from '../core/model.ts';
import {
  draftItem,
  type Post,
  type PublishedPost,
  postFromItem,
  publishedItem,
  tagItems,
} from '../core/post-items.ts';
import { decodeKeyCursor, encodeKeyCursor } from './cursor.ts';
import { type FeedPage, type PostSummary, toSummary } from './feed.ts';
import {
  PostConflictError,
  PostNotFoundError,
  PostStateError,
  SlugTakenError,
  toDataError,
} from './post-errors.ts';
import { assertItemFits, validatePost } from './post-rules.ts';
import { retryingConflicts } from './write-retry.ts';

export { PostNotFoundError } from './post-errors.ts';

/** What the data layer needs from the AWS session: clients and names, nothing else. */
export interface PostStore {
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** For the Atom feed written on publish and unpublish. */
  s3?: Pick<S3Client, 'send'>;
  bucketName?: string;
  /** Where public objects are read from (the bucket URL or a CDN): the feed's own address. */
  assetBaseUrl?: string;
}

/** Where links in generated files (the Atom feed) point: the app's origin. */
export interface SiteOptions {
  siteUrl?: string;
  now?: Date;
}

/** A post in the writer's own list: working copies, drafts and published alike. */
export interface MyPostSummary {
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  status: 'draft' | 'published';
  updatedAt: string;
  publishedAt?: string;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface NewPost {
  authorId: string;
  authorName: string;
  slug: string;
  title: string;
  body: string;
  excerpt: string;
  tags: string[];
  /** Made once per new post by the editor: a retried or doubled create succeeds once, not twice. */
  clientToken: string;
}

export interface PublishResult {
  post: Post;
  /** False when the post was published but the author's Atom feed could not be rewritten. */
  feedUpdated: boolean;
}

/** Runs a data call; whatever it throws leaves as a typed error. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDataError(error);
  }
}

// --- Reading ----------------------------------------------------------------------------------------

/**
 * A published post, as readers (and guests) load it from the author's public partition. `consistent`
 * for the author, who may have published it a moment ago; readers' reads are eventually consistent.
 */
export async function getPublishedPost(
  client: DynamoDBDocumentClient,
  tableName: string,
  authorId: string,
  slug: string,
  options: { consistent?: boolean } = {},
): Promise<PublishedPost & { readingMinutes: number }> {
  return guarded(async () => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.published(authorId, slug),
        ...(options.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    if (!Item) throw new PostNotFoundError(`No published post "${slug}"`);
    const post = postFromItem(Item) as PublishedPost;
    return { ...post, readingMinutes: Number(Item.readingMinutes ?? 1) };
  });
}

/** The author's working copy, read consistently: the editor must start from the latest version. */
export async function getDraft(store: PostStore, authorId: string, slug: string): Promise<Post> {
  return guarded(async () => {
    const { Item } = await store.documents.send(
      new GetCommand({ TableName: store.tableName, Key: keys.draft(authorId, slug), ConsistentRead: true }),
    );
    if (!Item) throw new PostNotFoundError(`You have no post "${slug}"`);
    return postFromItem(Item);
  });
}

/** The writer's own posts (working copies), most recently changed first. */
export async function listMyPosts(
  store: PostStore,
  authorId: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<MyPostSummary>> {
  return guarded(async () => {
    const partition = keys.privatePartition(authorId);
    // Read right after the writer's own saves: consistently (a local index allows it), never stale.
    const { items, next } = await queryByDate(store, partition, POST_SORT_PREFIX, {
      ...options,
      consistent: true,
    });
    return {
      items: items.map((item) => ({
        slug: String(item.slug ?? ''),
        title: String(item.title ?? ''),
        excerpt: String(item.excerpt ?? ''),
        tags: Array.isArray(item.tags) ? (item.tags as string[]) : [],
        status: item.status === 'published' ? 'published' : 'draft',
        updatedAt: String(item.updatedAt ?? ''),
        ...(typeof item.publishedAt === 'string' ? { publishedAt: item.publishedAt } : {}),
      })),
      ...(next ? { next } : {}),
    };
  });
}

/** An author's published posts, newest first. */
export async function listAuthorPosts(
  store: PostStore,
  authorId: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<FeedPage> {
  return guarded(async () => {
    const { items, next } = await queryByDate(
      store,
      keys.publicPartition(authorId),
      POST_SORT_PREFIX,
      options,
    );
    return {
      posts: items.map((item) => toSummary(item as unknown as PostSummary)),
      ...(next ? { next } : {}),
    };
  });
}

/** An author's posts with one tag, newest first (the tag entries in their public partition). */
export async function listTagByAuthor(
  store: PostStore,
  authorId: string,
  tag: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<FeedPage> {
  return guarded(async () => {
    const { items, next } = await queryByDate(
      store,
      keys.publicPartition(authorId),
      keys.tagByDatePrefix(tag),
      options,
    );
    return {
      posts: items.map((item) => toSummary(item as unknown as PostSummary)),
      ...(next ? { next } : {}),
    };
  });
}

/**
 * Posts with a tag, newest first, across all authors, optionally within a date range (ISO dates or
 * times; `to` is inclusive of the whole day or instant given).
 */
export async function listTag(
  store: PostStore,
  tag: string,
  options: { limit?: number; cursor?: string; from?: string; to?: string } = {},
): Promise<FeedPage> {
  return guarded(async () => {
    const partition = keys.tagPartition(tag);
    const names: Record<string, string> = { '#pk': INDEX.byTag.partitionKey };
    const values: Record<string, string> = { ':pk': partition };
    let condition = '#pk = :pk';
    if (options.from || options.to) {
      names['#sk'] = INDEX.byTag.sortKey;
      values[':from'] = options.from ?? '0';
      // '~' sorts after every character a date, id or slug uses: the whole `to` day or instant is included.
      values[':to'] = `${options.to ?? '9999'}~`;
      condition += ' AND #sk BETWEEN :from AND :to';
    }
    const result = await store.documents.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: INDEX.byTag.name,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: options.limit ?? 20,
        ...startKey(
          options.cursor,
          [KEY.partition, KEY.sort, INDEX.byTag.partitionKey, INDEX.byTag.sortKey],
          {
            name: INDEX.byTag.partitionKey,
            value: partition,
          },
        ),
      }),
    );
    return {
      posts: (result.Items ?? []).map((item) => toSummary(item as PostSummary)),
      ...(result.LastEvaluatedKey ? { next: encodeKeyCursor(result.LastEvaluatedKey) } : {}),
    };
  });
}

/** How many posts an author has published (the statistics item the publish transactions keep). */
export async function getAuthorPostCount(store: PostStore, authorId: string): Promise<number> {
  return guarded(async () => {
    const { Item } = await store.documents.send(
      new GetCommand({ TableName: store.tableName, Key: keys.authorStats(authorId) }),
    );
    return Number(Item?.posts ?? 0);
  });
}

export interface PostCounters {
  likes: number;
  comments: number;
}

/** Likes and comment counts for a page of posts, in one BatchGetItem (keyed `authorId/slug`). */
export async function getPostCounters(
  store: PostStore,
  posts: { authorId: string; slug: string }[],
): Promise<Map<string, PostCounters>> {
  return guarded(async () => {
    const counters = new Map<string, PostCounters>();
    const unique = [...new Map(posts.map((p) => [`${p.authorId}/${p.slug}`, p])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [store.tableName]: { Keys: unique.slice(i, i + 100).map((p) => keys.counters(p.authorId, p.slug)) },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 5; attempt++) {
        const result = await store.documents.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[store.tableName] ?? []) {
          const authorId = String(item.PK).slice(keys.countersPartition('').length);
          const slug = String(item.SK).slice(POST_SORT_PREFIX.length);
          counters.set(`${authorId}/${slug}`, {
            // Anyone signed in may SET a counter to anything: a value that is not a number is absent.
            likes: counterValue(item.likes) ?? 0,
            comments: counterValue(item.comments) ?? 0,
          });
        }
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return counters;
  });
}

async function queryByDate(
  store: PostStore,
  partition: string,
  prefix: string,
  options: { limit?: number; cursor?: string; consistent?: boolean },
): Promise<{ items: Record<string, unknown>[]; next?: string }> {
  const input: QueryCommandInput = {
    TableName: store.tableName,
    IndexName: INDEX.byDate.name,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': INDEX.byDate.sortKey },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
    // Only what the index projects: never fetch whole items (bodies) from the table for a list. (Naming
    // attributes in a ProjectionExpression instead made DynamoDB Local charge table fetches: 11.5 RCU for
    // 20 posts instead of 1.5; see npm run bench.)
    Select: 'ALL_PROJECTED_ATTRIBUTES',
    ScanIndexForward: false,
    Limit: options.limit ?? 20,
    ...(options.consistent ? { ConsistentRead: true } : {}),
    ...startKey(options.cursor, [KEY.partition, KEY.sort, INDEX.byDate.sortKey], {
      name: KEY.partition,
      value: partition,
    }),
  };
  const result = await store.documents.send(new QueryCommand(input));
  return {
    items: result.Items ?? [],
    ...(result.LastEvaluatedKey ? { next: encodeKeyCursor(result.LastEvaluatedKey) } : {}),
  };
}

function startKey(
  cursor: string | undefined,
  attributes: readonly string[],
  partition: { name: string; value: string },
): { ExclusiveStartKey?: Record<string, string> } {
  return cursor ? { ExclusiveStartKey: decodeKeyCursor(cursor, { attributes, partition }) } : {};
}

// --- Writing ----------------------------------------------------------------------------------------

const nowIso = (now?: Date) => (now ?? new Date()).toISOString();

/** The Atom feed writer (and S3's PutObject with it) loads only when someone publishes, never for readers. */
async function rewriteAuthorFeed(
  store: PostStore,
  authorId: string,
  authorName: string,
  options: SiteOptions,
) {
  const { writeAuthorFeed } = await import('./author-feed.ts');
  return writeAuthorFeed(store, authorId, authorName, options);
}

/**
 * Creates the working copy of a new post. The slug is unique per author (a conditional put). Creating
 * twice with the same client token (a double click, a retry after a lost response) makes one post: the
 * second call finds the item the first made and returns it.
 */
export async function createPost(store: PostStore, input: NewPost, options: SiteOptions = {}): Promise<Post> {
  validatePost(input);
  const now = nowIso(options.now);
  const post: Post = {
    authorId: input.authorId,
    authorName: input.authorName,
    slug: input.slug,
    title: input.title.trim(),
    body: input.body,
    excerpt: input.excerpt.trim(),
    tags: input.tags,
    status: 'draft',
    version: 1,
    createdAt: now,
    updatedAt: now,
    clientToken: input.clientToken,
  };
  const item = draftItem(post);
  assertItemFits(item);
  return guarded(async () => {
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
      return post;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = failedItem(error);
      if (existing && existing.clientToken === input.clientToken) return existing;
      throw new SlugTakenError(input.slug);
    }
  });
}

/**
 * Saves the editor's fields over the working copy, only if it is still at the version the editor loaded
 * (`post.version`). Returns the post at its new version. A newer stored version is a PostConflictError
 * carrying it, and nothing is written; unless the stored version is this very save (the SDK re-sent it
 * after its reply was lost, and the re-send met the first one's write): that is success.
 */
export async function saveDraft(store: PostStore, post: Post, options: SiteOptions = {}): Promise<Post> {
  validatePost(post);
  const now = nowIso(options.now);
  const saved: Post = {
    ...post,
    title: post.title.trim(),
    excerpt: post.excerpt.trim(),
    version: post.version + 1,
    updatedAt: now,
  };
  assertItemFits(draftItem(saved));
  return guarded(async () => {
    try {
      const send = () =>
        store.documents.send(
          new UpdateCommand({
            TableName: store.tableName,
            Key: keys.draft(post.authorId, post.slug),
            UpdateExpression:
              'SET #title = :title, #body = :body, #excerpt = :excerpt, #tags = :tags, #updatedAt = :now, #lsi = :lsi, #version = :next',
            ConditionExpression: '#version = :loaded',
            ExpressionAttributeNames: {
              '#title': 'title',
              '#body': 'body',
              '#excerpt': 'excerpt',
              '#tags': 'tags',
              '#updatedAt': 'updatedAt',
              '#lsi': INDEX.byDate.sortKey,
              '#version': 'version',
            },
            ExpressionAttributeValues: {
              ':title': saved.title,
              ':body': saved.body,
              ':excerpt': saved.excerpt,
              ':tags': saved.tags,
              ':now': now,
              ':lsi': keys.postByDate(now),
              ':next': saved.version,
              ':loaded': post.version,
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      const result = await retryingConflicts(send);
      return result.Attributes ? postFromItem(result.Attributes) : saved;
    } catch (error) {
      const stored = isConditionFailure(error) ? failedItem(error) : undefined;
      if (stored && isSameWrite(stored, saved)) return stored;
      throw conflictOr(error, post);
    }
  });
}

/**
 * Moves a never-published post to a new slug (the editor follows the title until the writer edits the
 * address). Published posts keep their address: readers' links must not break.
 */
export async function renameDraft(
  store: PostStore,
  post: Post,
  slug: string,
  options: SiteOptions = {},
): Promise<Post> {
  if (post.status === 'published')
    throw new PostStateError('A published post keeps its address. Unpublish it first.');
  const renamed: Post = { ...post, slug, version: post.version + 1, updatedAt: nowIso(options.now) };
  validatePost(renamed);
  const item = draftItem(renamed);
  assertItemFits(item);
  return guarded(async () => {
    try {
      const send = () =>
        store.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: store.tableName,
                  Key: keys.draft(post.authorId, post.slug),
                  ConditionExpression: '#version = :loaded',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':loaded': post.version },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: store.tableName,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': KEY.partition },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        );
      await retryingConflicts(send);
      return renamed;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed') {
        // The new address holds this very rename (a re-send after a lost reply): done.
        const there = reasonItem(error, 1);
        if (there && there.clientToken === renamed.clientToken && isSameWrite(there, renamed)) return renamed;
        throw new SlugTakenError(slug);
      }
      throw conflictOr(error, post);
    }
  });
}

/**
 * Publishes the editor's fields: in one transaction, the working copy (conditional on the loaded version),
 * the published copy, one entry per tag, and the deletion of entries for tags the post no longer has.
 * Then rewrites the author's Atom feed.
 */
export async function publishPost(
  store: PostStore,
  post: Post,
  options: SiteOptions = {},
): Promise<PublishResult> {
  validatePost(post);
  const now = nowIso(options.now);
  const wasPublished = post.status === 'published';
  const live: PublishedPost = {
    ...post,
    title: post.title.trim(),
    excerpt: post.excerpt.trim(),
    status: 'published',
    version: post.version + 1,
    updatedAt: now,
    // Updating a published post keeps its place in the feed; publishing (again) puts it on top.
    publishedAt: wasPublished && post.publishedAt ? post.publishedAt : now,
  };
  const working = { ...live, publishedVersion: live.version, publishedTags: live.tags };
  const draft = draftItem(working);
  const published = publishedItem(live);
  assertItemFits(draft);
  assertItemFits(published);
  const removedTags = (post.publishedTags ?? []).filter((tag) => !live.tags.includes(tag));
  const table = store.tableName;
  const input: TransactWriteCommandInput = {
    TransactItems: [
      versionedPut(table, draft, post.version),
      { Put: { TableName: table, Item: published } },
      ...tagItems(live).map((Item) => ({ Put: { TableName: table, Item } })),
      ...removedTags.map((tag) => ({
        Delete: { TableName: table, Key: keys.tagEntry(post.authorId, tag, post.slug) },
      })),
      ...(wasPublished ? [] : [countPublished(table, post.authorId, 1)]),
    ],
  };
  await guarded(async () => {
    try {
      await retryingConflicts(() => store.documents.send(new TransactWriteCommand(input)));
    } catch (error) {
      if (!isOwnTransaction(error, working)) throw conflictOr(error, post);
    }
  });
  return {
    post: working,
    feedUpdated: await rewriteAuthorFeed(store, post.authorId, post.authorName, options),
  };
}

/** Takes a post off the site: deletes the published copy and its tag entries; the working copy stays. */
export async function unpublishPost(
  store: PostStore,
  post: Post,
  options: SiteOptions = {},
): Promise<PublishResult> {
  if (post.status !== 'published') throw new PostStateError('This post is not published.');
  const now = nowIso(options.now);
  const { publishedAt: _publishedAt, publishedTags, publishedVersion: _publishedVersion, ...rest } = post;
  const working: Post = { ...rest, status: 'draft', version: post.version + 1, updatedAt: now };
  const table = store.tableName;
  await guarded(async () => {
    try {
      const send = () =>
        store.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              versionedPut(table, draftItem(working), post.version),
              { Delete: { TableName: table, Key: keys.published(post.authorId, post.slug) } },
              ...(publishedTags ?? post.tags).map((tag) => ({
                Delete: { TableName: table, Key: keys.tagEntry(post.authorId, tag, post.slug) },
              })),
              countPublished(table, post.authorId, -1),
            ],
          }),
        );
      await retryingConflicts(send);
    } catch (error) {
      if (!isOwnTransaction(error, working)) throw conflictOr(error, post);
    }
  });
  return {
    post: working,
    feedUpdated: await rewriteAuthorFeed(store, post.authorId, post.authorName, options),
  };
}

/** Deletes a post everywhere: working copy (conditional on the loaded version), published copy, tags, counters. */
export async function deletePost(
  store: PostStore,
  post: Post,
  options: SiteOptions = {},
): Promise<{ feedUpdated: boolean }> {
  const table = store.tableName;
  const wasPublished = post.status === 'published';
  await guarded(async () => {
    try {
      const send = () =>
        store.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: table,
                  Key: keys.draft(post.authorId, post.slug),
                  ConditionExpression: '#version = :loaded',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':loaded': post.version },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Delete: { TableName: table, Key: keys.published(post.authorId, post.slug) } },
              { Delete: { TableName: table, Key: keys.counters(post.authorId, post.slug) } },
              ...(wasPublished ? (post.publishedTags ?? post.tags) : []).map((tag) => ({
                Delete: { TableName: table, Key: keys.tagEntry(post.authorId, tag, post.slug) },
              })),
              ...(wasPublished ? [countPublished(table, post.authorId, -1)] : []),
            ],
          }),
        );
      await retryingConflicts(send);
    } catch (error) {
      // The working copy is gone: this delete (re-sent after a lost reply) or another window's did it.
      // Either way the post is deleted everywhere, which is what was asked.
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed' && !reasonItem(error, 0)) return;
      throw conflictOr(error, post);
    }
  });
  return {
    feedUpdated: wasPublished
      ? await rewriteAuthorFeed(store, post.authorId, post.authorName, options)
      : true,
  };
}

// --- Helpers for conditional writes -------------------------------------------------------------------

function versionedPut(tableName: string, item: Record<string, unknown>, loadedVersion: number) {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: '#version = :loaded',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':loaded': loadedVersion },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

function countPublished(tableName: string, authorId: string, delta: 1 | -1) {
  return {
    Update: {
      TableName: tableName,
      Key: keys.authorStats(authorId),
      UpdateExpression: 'ADD #posts :delta',
      ExpressionAttributeNames: { '#posts': 'posts' },
      ExpressionAttributeValues: { ':delta': delta },
    },
  };
}

interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as { name?: string } | null)?.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** The stored item a failed condition returned (ReturnValuesOnConditionCheckFailure: ALL_OLD). */
function failedItem(error: unknown): Post | undefined {
  const raw = isConditionFailure(error)
    ? (error as { Item?: Record<string, unknown> }).Item
    : cancellationReasons(error)?.find((reason) => reason.Code === 'ConditionalCheckFailed')?.Item;
  if (!raw) return undefined;
  // The document client does not translate errors: the item arrives as DynamoDB attribute values.
  return postFromItem(unmarshall(raw as Parameters<typeof unmarshall>[0]));
}

/** The stored item a transaction's `index`th write met, when its condition failed (ALL_OLD). */
function reasonItem(error: unknown, index: number): Post | undefined {
  const reason = cancellationReasons(error)?.[index];
  if (reason?.Code !== 'ConditionalCheckFailed' || !reason.Item) return undefined;
  return postFromItem(unmarshall(reason.Item as Parameters<typeof unmarshall>[0]));
}

/**
 * Whether the stored working copy is exactly what this write meant to store, at the version it meant
 * to give it: then the write happened (a re-send met its own earlier success) and is no conflict.
 */
export function isSameWrite(stored: Post, intended: Post): boolean {
  return (
    stored.version === intended.version &&
    stored.status === intended.status &&
    stored.slug === intended.slug &&
    stored.title === intended.title &&
    stored.body === intended.body &&
    stored.excerpt === intended.excerpt &&
    stored.tags.length === intended.tags.length &&
    stored.tags.every((tag, i) => tag === intended.tags[i]) &&
    (stored.publishedVersion ?? 0) === (intended.publishedVersion ?? 0)
  );
}

/** A transaction whose version check met the working copy it writes itself: it was applied before. */
function isOwnTransaction(error: unknown, working: Post): boolean {
  const stored = reasonItem(error, 0);
  return stored !== undefined && isSameWrite(stored, working);
}

/** A failed version check becomes a conflict (or not-found when the post is gone); other errors pass. */
function conflictOr(error: unknown, loaded: Post): unknown {
  const reasons = cancellationReasons(error);
  const versionCheckFailed = isConditionFailure(error) || reasons?.[0]?.Code === 'ConditionalCheckFailed';
  if (!versionCheckFailed) return error;
  const theirs = failedItem(error);
  if (!theirs) return new PostNotFoundError('This post was deleted in another window.');
  return new PostConflictError(theirs, loaded.version);
}

/** The S3 key of an author's Atom feed (public: under their own prefix of the public area). */
export function authorFeedKey(authorId: string): string {
  return `${PUBLIC_ASSET_PREFIX}${authorId}/feed.atom`;
}

/** The session's clients and names as a PostStore (structural, so the data layer needs no UI types). */
export function postStoreFor(session: {
  clients(): { documents: DynamoDBDocumentClient; s3: Pick<S3Client, 'send'> };
  config: { tableName: string; bucketName: string; assetBaseUrl: string };
}): PostStore {
  const clients = session.clients();
  return {
    documents: clients.documents,
    s3: clients.s3,
    tableName: session.config.tableName,
    bucketName: session.config.bucketName,
    assetBaseUrl: session.config.assetBaseUrl,
  };
}
