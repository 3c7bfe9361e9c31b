import { INDEX, KEY, keys, PARTITION_PREFIX, POST_SORT_PREFIX } from './model.ts';

/** A post as the editor and readers see it. */
export interface Post {
  authorId: string;
  authorName: string;
  slug: string;
  title: string;
  body: string;
  excerpt: string;
  tags: string[];
  cover?: string;
  status: 'draft' | 'published';
  /** Incremented on every save; every write is conditional on the version the writer loaded. */
  version: number;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  /** Working copy only: the version that is live (newer versions are unpublished changes). */
  publishedVersion?: number;
  /** Working copy only: the tags the published copy has entries for. */
  publishedTags?: string[];
  /** Working copy only: the editor's token for the create that made it (idempotent retries). */
  clientToken?: string;
}

/** What a post card shows: the attributes the feed and tag indexes project. */
export interface PostSummary {
  authorId: string;
  authorName: string;
  slug: string;
  title: string;
  excerpt: string;
  tags: string[];
  publishedAt: string;
  readingMinutes: number;
  cover?: string;
}

export type PublishedPost = Post & { publishedAt: string };

const WORDS_PER_MINUTE = 220;

export function readingMinutes(markdown: string): number {
  const words = markdown.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/** The author's working copy in their private partition: the only item the editor writes while drafting. */
export function draftItem(post: Post): Record<string, unknown> {
  const published = post.status === 'published';
  return {
    ...keys.draft(post.authorId, post.slug),
    type: 'post',
    ...postAttributes(post),
    [INDEX.byDate.sortKey]: keys.postByDate(post.updatedAt),
    // A published working copy whose live state is not recorded has its current tags and version live.
    ...(published ? { publishedTags: post.publishedTags ?? post.tags } : {}),
    ...(published ? { publishedVersion: post.publishedVersion ?? post.version } : {}),
    ...(post.clientToken ? { clientToken: post.clientToken } : {}),
  };
}

/** The public copy readers load, in the feed index by year. */
export function publishedItem(post: PublishedPost): Record<string, unknown> {
  return {
    ...keys.published(post.authorId, post.slug),
    type: 'post',
    ...postAttributes({ ...post, status: 'published' }),
    readingMinutes: readingMinutes(post.body),
    [INDEX.byDate.sortKey]: keys.postByDate(post.publishedAt),
    [INDEX.feed.partitionKey]: keys.feedPartition(post.publishedAt),
    [INDEX.feed.sortKey]: keys.publishedOrder(post.publishedAt, post.authorId, post.slug),
  };
}

/** One small item per tag, so "posts by tag" and "tag by author" are single queries. */
export function tagItems(post: PublishedPost): Record<string, unknown>[] {
  return post.tags.map((tag) => ({
    ...keys.tagEntry(post.authorId, tag, post.slug),
    type: 'tag',
    ...summaryAttributes(post),
    [INDEX.byDate.sortKey]: keys.tagByDate(tag, post.publishedAt),
    [INDEX.byTag.partitionKey]: keys.tagPartition(tag),
    [INDEX.byTag.sortKey]: keys.publishedOrder(post.publishedAt, post.authorId, post.slug),
  }));
}

/**
 * Who wrote a stored item, as AWS vouches for it: the owner of the partition it lives in (`U#<id>`, or
 * `D#<id>` for working copies), which IAM lets no one else write. Never the item's `authorId`
 * attribute, which its writer can set to anyone's id. Null for an item in no owner-only partition.
 *
 * Every page that says who wrote something (cards, post pages, the publisher's static pages) takes
 * the author from here.
 */
export function authorOfItem(item: Record<string, unknown>): string | null {
  const pk = item[KEY.partition];
  if (typeof pk !== 'string') return null;
  for (const prefix of [PARTITION_PREFIX.public, PARTITION_PREFIX.private]) {
    if (pk.startsWith(prefix) && pk.length > prefix.length) return pk.slice(prefix.length);
  }
  return null;
}

/**
 * The name to show for an item's author: its `authorName`, but only when the item's own `authorId`
 * agrees with the partition it lives in. An item that names another author (bob's item claiming to be
 * alice's) has its name withheld, so it is never shown as someone else's; '' then. The name itself is
 * self-asserted, like the provider's `name` claim it comes from (docs/security.md).
 */
export function authorNameOfItem(item: Record<string, unknown>): string {
  const author = authorOfItem(item);
  const { authorId, authorName } = item;
  return author !== null && authorId === author && typeof authorName === 'string' ? authorName : '';
}

/**
 * The slug of a post item or tag entry from its sort key (`P#<slug>`, `T#<tag>#<slug>`), so a card
 * links to the item it was read from; the attribute for items read without their keys.
 */
export function slugOfItem(item: Record<string, unknown>): string {
  const sk = item[KEY.sort];
  if (typeof sk === 'string') {
    if (sk.startsWith(POST_SORT_PREFIX)) return sk.slice(POST_SORT_PREFIX.length);
    if (sk.startsWith('T#')) return sk.slice(sk.lastIndexOf('#') + 1);
  }
  return typeof item.slug === 'string' ? item.slug : '';
}

/** What a card shows of a feed, tag or author-list item, with its author and slug from its keys. */
export function summaryFromItem(item: Record<string, unknown>): PostSummary {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : '');
  const minutes = item.readingMinutes;
  return {
    authorId: authorOfItem(item) ?? '',
    authorName: authorNameOfItem(item),
    slug: slugOfItem(item),
    title: text('title'),
    excerpt: text('excerpt'),
    tags: Array.isArray(item.tags) ? item.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    publishedAt: text('publishedAt'),
    readingMinutes: typeof minutes === 'number' && minutes > 0 ? minutes : 1,
    ...(typeof item.cover === 'string' && item.cover ? { cover: item.cover } : {}),
  };
}

/**
 * A stored item (working or published copy) back to a Post, with defaults for optional attributes.
 * The author and slug come from the item's keys when it has them (see authorOfItem).
 */
export function postFromItem(item: Record<string, unknown>): Post {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : '');
  const fromTable = typeof item[KEY.partition] === 'string';
  const list = (name: string) =>
    Array.isArray(item[name])
      ? (item[name] as unknown[]).filter((v): v is string => typeof v === 'string')
      : [];
  const post: Post = {
    authorId: fromTable ? (authorOfItem(item) ?? '') : text('authorId'),
    authorName: fromTable ? authorNameOfItem(item) : text('authorName'),
    slug: fromTable ? slugOfItem(item) : text('slug'),
    title: text('title'),
    body: text('body'),
    excerpt: text('excerpt'),
    tags: list('tags'),
    status: item.status === 'published' ? 'published' : 'draft',
    version: typeof item.version === 'number' ? item.version : Number(item.version ?? 0),
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
  };
  if (typeof item.cover === 'string') post.cover = item.cover;
  if (typeof item.publishedAt === 'string') post.publishedAt = item.publishedAt;
  if (item.publishedVersion !== undefined) post.publishedVersion = Number(item.publishedVersion);
  if (Array.isArray(item.publishedTags)) post.publishedTags = list('publishedTags');
  if (typeof item.clientToken === 'string') post.clientToken = item.clientToken;
  return post;
}

function summaryAttributes(post: PublishedPost) {
  return {
    authorId: post.authorId,
    authorName: post.authorName,
    slug: post.slug,
    title: post.title,
    excerpt: post.excerpt,
    tags: post.tags,
    publishedAt: post.publishedAt,
    readingMinutes: readingMinutes(post.body),
    ...(post.cover ? { cover: post.cover } : {}),
  };
}

function postAttributes(post: Post) {
  return {
    authorId: post.authorId,
    authorName: post.authorName,
    slug: post.slug,
    title: post.title,
    body: post.body,
    excerpt: post.excerpt,
    tags: post.tags,
    status: post.status,
    version: post.version,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    ...(post.publishedAt ? { publishedAt: post.publishedAt } : {}),
    ...(post.cover ? { cover: post.cover } : {}),
  };
}
