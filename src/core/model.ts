/**
 * Inkwell's DynamoDB data model: one table, its indexes, and the key builders every access pattern uses.
 * docs/data-model.md explains the reasoning; the IAM policies in access-policy.ts are generated from the
 * partition prefixes and attribute list declared here, so a change to the keys is a change to security.
 *
 * Partitions (the partition key is always `PK`):
 *   U#<userId>   the user's public partition: published posts, tag entries, profile, comments, asset
 *                metadata. Anyone may read; only the owner may write (dynamodb:LeadingKeys).
 *   D#<userId>   the user's private partition: drafts (the working copy of every post). Only the owner
 *                may read or write.
 *   N#<userId>   counters of the user's posts (likes, comments). Signed-in users may update only the
 *                counter attributes (dynamodb:Attributes); anyone may read.
 *
 * `userId` is the federated identity (the Cognito identity id, or the OpenID `sub` with STS), exactly
 * the value IAM substitutes for the principal's policy variable.
 */

export const TABLE_DEFAULT_NAME = 'inkwell';

export const KEY = { partition: 'PK', sort: 'SK' } as const;

export const PARTITION_PREFIX = {
  public: 'U#',
  private: 'D#',
  counters: 'N#',
} as const;

/** Index names and their key attributes. Only public items carry GSI keys, so drafts never appear. */
export const INDEX = {
  /** LSI: an author's items by date (posts, drafts, tag entries, assets). */
  byDate: { name: 'by-date', sortKey: 'LSI1SK' },
  /** GSI: the site-wide feed, newest first, one partition per year. */
  feed: { name: 'feed', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** GSI: posts by tag, newest first (tag entry items). */
  byTag: { name: 'by-tag', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  /** GSI: a post's comments and moderation marks, oldest first. */
  byPost: { name: 'by-post', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
} as const;

/** Attributes the feed and tag indexes project: what a post card needs, nothing more. */
export const SUMMARY_ATTRIBUTES = [
  'authorId',
  'authorName',
  'slug',
  'title',
  'excerpt',
  'tags',
  'publishedAt',
  'readingMinutes',
  'cover',
  // The writer's own list (by-date on D#) shows state and last change without fetching whole drafts.
  'status',
  'updatedAt',
] as const;

/**
 * Every attribute an item may carry. Writers may name only these (dynamodb:Attributes), so a client
 * cannot smuggle in attributes the app does not know about.
 */
export const ITEM_ATTRIBUTES = [
  KEY.partition,
  KEY.sort,
  INDEX.byDate.sortKey,
  INDEX.feed.partitionKey,
  INDEX.feed.sortKey,
  INDEX.byTag.partitionKey,
  INDEX.byTag.sortKey,
  INDEX.byPost.partitionKey,
  INDEX.byPost.sortKey,
  'type',
  'version',
  'createdAt',
  'body',
  'bodyRef',
  'contentType',
  'size',
  'key',
  'name',
  'bio',
  /** Profile: the handle the author asks for (the publisher grants it), display name and avatar URL. */
  'handle',
  'displayName',
  'avatar',
  'postRef',
  'parentId',
  'commentId',
  'hidden',
  'hash',
  /** The working copy's version that is live: newer versions are unpublished changes. */
  'publishedVersion',
  /** Tags the published copy has entries for, so republishing knows which entries to delete. */
  'publishedTags',
  /** The editor's token for a new post: a retried create finds its own item and succeeds once. */
  'clientToken',
  /** Author statistics item: how many posts are published. */
  'posts',
  /** Asset metadata and asset tag entries (the media library). */
  'assetId',
  'uploadedAt',
  'alt',
  /** Comments: the commenter's display name (the commenter's id is the partition's). */
  'commenterName',
  ...SUMMARY_ATTRIBUTES,
] as const;

/** The only attributes a reader may change on someone else's counter item. */
export const COUNTER_ATTRIBUTES = ['likes', 'comments'] as const;

export type ItemAttribute = (typeof ITEM_ATTRIBUTES)[number];

export interface TableDefinition {
  TableName: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  LocalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  GlobalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  BillingMode: 'PAY_PER_REQUEST';
  /** The publisher renders the public site from this stream: it needs both images of every change. */
  StreamSpecification: { StreamEnabled: true; StreamViewType: 'NEW_AND_OLD_IMAGES' };
}

/** The CreateTable input for the table: used by provisioning, locally and on AWS. */
export function tableDefinition(tableName: string = TABLE_DEFAULT_NAME): TableDefinition {
  const s = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
  const keys = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ];
  const summary = { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...SUMMARY_ATTRIBUTES] };
  return {
    TableName: tableName,
    AttributeDefinitions: [
      s(KEY.partition),
      s(KEY.sort),
      s(INDEX.byDate.sortKey),
      s(INDEX.feed.partitionKey),
      s(INDEX.feed.sortKey),
      s(INDEX.byTag.partitionKey),
      s(INDEX.byTag.sortKey),
      s(INDEX.byPost.partitionKey),
      s(INDEX.byPost.sortKey),
    ],
    KeySchema: keys(KEY.partition, KEY.sort),
    LocalSecondaryIndexes: [
      {
        IndexName: INDEX.byDate.name,
        KeySchema: keys(KEY.partition, INDEX.byDate.sortKey),
        Projection: summary,
      },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX.feed.name,
        KeySchema: keys(INDEX.feed.partitionKey, INDEX.feed.sortKey),
        Projection: summary,
      },
      {
        IndexName: INDEX.byTag.name,
        KeySchema: keys(INDEX.byTag.partitionKey, INDEX.byTag.sortKey),
        Projection: summary,
      },
      {
        IndexName: INDEX.byPost.name,
        KeySchema: keys(INDEX.byPost.partitionKey, INDEX.byPost.sortKey),
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/** Key builders: the only place key strings are spelled. */
export const keys = {
  publicPartition: (userId: string) => `${PARTITION_PREFIX.public}${userId}`,
  privatePartition: (userId: string) => `${PARTITION_PREFIX.private}${userId}`,
  countersPartition: (userId: string) => `${PARTITION_PREFIX.counters}${userId}`,
  profile: (userId: string) => ({ PK: keys.publicPartition(userId), SK: 'PROFILE' }),
  /** A post's working copy, readable only by its author. */
  draft: (userId: string, slug: string) => ({
    PK: keys.privatePartition(userId),
    SK: `${POST_SORT_PREFIX}${slug}`,
  }),
  /** A post's published copy, readable by everyone. */
  published: (userId: string, slug: string) => ({
    PK: keys.publicPartition(userId),
    SK: `${POST_SORT_PREFIX}${slug}`,
  }),
  counters: (userId: string, slug: string) => ({
    PK: keys.countersPartition(userId),
    SK: `${POST_SORT_PREFIX}${slug}`,
  }),
  asset: (userId: string, assetId: string) => ({ PK: keys.publicPartition(userId), SK: `A#${assetId}` }),
  /** One entry per tag of an asset (a full copy of its metadata), for the media library's tag search. */
  assetTagEntry: (tag: string, assetId: string) => ({ SK: `AT#${tag}#${assetId}` }),
  /** `by-date` sort keys of assets and asset tag entries. `AT#` does not begin with `A#`, so they never mix. */
  assetByDate: (isoDate: string) => `${keys.assetByDatePrefix}${isoDate}`,
  assetByDatePrefix: 'A#',
  assetTagByDate: (tag: string, isoDate: string) => `${keys.assetTagByDatePrefix(tag)}${isoDate}`,
  assetTagByDatePrefix: (tag: string) => `AT#${tag}#`,
  /** One entry per tag of a published post, in the author's public partition. */
  tagEntry: (userId: string, tag: string, slug: string) => ({
    PK: keys.publicPartition(userId),
    SK: `T#${tag}#${slug}`,
  }),
  /** The author's published-post count, kept by the publish, unpublish and delete transactions. */
  authorStats: (userId: string) => ({ PK: keys.publicPartition(userId), SK: 'STATS' }),
  /** `by-date` sort keys: posts (drafts in D#, published in U#) and tag entries by date. */
  postByDate: (isoDate: string) => `${POST_SORT_PREFIX}${isoDate}`,
  tagByDate: (tag: string, isoDate: string) => `${keys.tagByDatePrefix(tag)}${isoDate}`,
  tagByDatePrefix: (tag: string) => `T#${tag}#`,
  /** Feed partitions are per year: see docs/data-model.md for the hot-key and capacity reasoning. */
  feedPartition: (isoDate: string) => `FEED#${isoDate.slice(0, 4)}`,
  tagPartition: (tag: string) => `TAG#${tag}`,
  /** The feed and by-tag sort key: newest first, ties broken by author and slug so keys are unique. */
  publishedOrder: (publishedAt: string, userId: string, slug: string) => `${publishedAt}#${userId}#${slug}`,
  postRef: (userId: string, slug: string) => `POST#${userId}#${slug}`,
  /**
   * A comment, in the commenter's public partition; its `by-post` keys (GSI3) are
   * `postRef(author, slug)` / `<createdAt>#<commentId>`, oldest first.
   */
  comment: (commenterId: string, authorId: string, slug: string, createdAt: string, commentId: string) => ({
    PK: keys.publicPartition(commenterId),
    SK: `${keys.commentPrefix(authorId, slug)}${createdAt}#${commentId}`,
  }),
  commentPrefix: (authorId: string, slug: string) => `C#${authorId}#${slug}#`,
  commentOrder: (createdAt: string, commentId: string) => `${createdAt}#${commentId}`,
  /**
   * A reply's `by-post` sort key: under its thread's top-level comment (`<rootCreatedAt>#<rootId>#…`),
   * so a thread reads as one range (the top-level comment, then its replies) and a page of replies is
   * one Query. Replies written before this carry `commentOrder` and sort by their own time.
   */
  replyOrder: (rootCreatedAt: string, rootId: string, createdAt: string, commentId: string) =>
    `${rootCreatedAt}#${rootId}#${createdAt}#${commentId}`,
  /**
   * The post author's "hide this comment" marker, in the author's own partition (so only the author
   * can write it). Its `by-post` sort key starts with `#`, before every timestamp, so the markers come
   * first in the same query as the comments. A comment id is unique only per commenter, so the marker
   * names both; `commenterId` undefined spells the key of markers written before it did (read only).
   */
  hideMarker: (authorId: string, slug: string, commenterId: string | undefined, commentId: string) => ({
    PK: keys.publicPartition(authorId),
    SK: `${keys.hideMarkerPrefix(slug)}${keys.commentRefKey(commenterId, commentId)}`,
  }),
  hideMarkerPrefix: (slug: string) => `H#${slug}#`,
  hideMarkerOrder: (commenterId: string, commentId: string) =>
    `${HIDE_MARKER_ORDER_PREFIX}${keys.commentRefKey(commenterId, commentId)}`,
  /**
   * A user's like of a comment, in the liker's own partition: one like per user and comment (the
   * comment named by its commenter and id; `commenterId` undefined: likes written before, read only).
   */
  reaction: (
    userId: string,
    authorId: string,
    slug: string,
    commenterId: string | undefined,
    commentId: string,
  ) => ({
    PK: keys.publicPartition(userId),
    SK: `${keys.reactionPrefix(authorId, slug)}${keys.commentRefKey(commenterId, commentId)}`,
  }),
  reactionPrefix: (authorId: string, slug: string) => `R#${authorId}#${slug}#`,
  /** A comment within a post, in sort keys: `<commenterId>#<commentId>` (ids are unique per commenter). */
  commentRefKey: (commenterId: string | undefined, commentId: string) =>
    commenterId === undefined ? commentId : `${commenterId}#${commentId}`,
  /** A comment's like counter, in the commenter's counter partition (CountOnAnyPost covers it). */
  commentCounters: (commenterId: string, commentId: string) => ({
    PK: keys.countersPartition(commenterId),
    SK: `C#${commentId}`,
  }),
};

/** `by-post` sort-key prefix of hide markers: sorts before the comments' ISO timestamps. */
export const HIDE_MARKER_ORDER_PREFIX = '#H#';

/** Sort-key prefix of posts, in the table (`P#<slug>`) and in `by-date` (`P#<date>`). */
export const POST_SORT_PREFIX = 'P#';
