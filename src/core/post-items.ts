import { INDEX, keys } from './model.ts';

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

/** A stored item (working or published copy) back to a Post, with defaults for optional attributes. */
export function postFromItem(item: Record<string, unknown>): Post {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : '');
  const list = (name: string) =>
    Array.isArray(item[name])
      ? (item[name] as unknown[]).filter((v): v is string => typeof v === 'string')
      : [];
  const post: Post = {
    authorId: text('authorId'),
    authorName: text('authorName'),
    slug: text('slug'),
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
