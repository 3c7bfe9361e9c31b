/**
 * What the public site is made of, as the publisher reads it from the table: authors with handles,
 * published posts, and a post's visible comments. Pure data: the publisher fills it, the page
 * templates render it.
 */
import type { PostSummary } from '../post-items.ts';
import { PAGE_SIZE } from './paths.ts';

export interface SiteConfig {
  /** The public origin, e.g. https://blog.example.com (no trailing slash). */
  siteUrl: string;
  siteName: string;
}

export interface SiteAuthor {
  id: string;
  /** The author's granted handle (see docs/security.md: the publisher grants the first claim). */
  handle: string;
  name: string;
  bio: string;
  /** Absolute URL of the avatar image, if any. */
  avatar?: string;
}

/** A published post as the indexes list it: its summary plus when it last changed. */
export interface SitePost extends PostSummary {
  updatedAt: string;
  /** Visible comments, counted by the publisher from the comment items themselves. */
  comments?: number;
}

export interface SiteComment {
  id: string;
  commenterName: string;
  createdAt: string;
  /** Sanitized HTML from the shared markdown renderer. */
  bodyHtml: string;
  replies: SiteComment[];
  /** A thread whose first comment is deleted or hidden, shown only to keep its replies together. */
  removed?: boolean;
}

/** The comments a reader sees, replies included; placeholders of removed comments do not count. */
export function countVisibleComments(comments: readonly SiteComment[]): number {
  return comments.reduce((sum, c) => sum + (c.removed ? 0 : 1) + countVisibleComments(c.replies), 0);
}

/** A tag as the editor makes them (src/data/post-rules.ts uses this rule): lower-case words and dashes. */
export const TAG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const TAG_MAX_LENGTH = 30;

/**
 * Tags the site renders pages for. A client with its own keys can store any tag; one that breaks the
 * rule is left off the public pages rather than given a page (or a key) of its own.
 */
export function isSiteTag(tag: string): boolean {
  return tag.length <= TAG_MAX_LENGTH && TAG_PATTERN.test(tag);
}

export const HANDLE_RULE = /^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$/;

/**
 * Handles a writer may claim: 3-30 of a-z, 0-9 and inner dashes. `u-` is reserved for the handles
 * the publisher gives authors who have not claimed one, so a claim can never take over such a URL.
 */
export function isClaimableHandle(handle: string): boolean {
  return HANDLE_RULE.test(handle) && !handle.startsWith('u-') && !handle.includes('--');
}

/** FNV-1a, 64 bits: a stable, environment-neutral fingerprint (not a security hash). */
export function fingerprint(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The handle of an author who has not claimed one: stable, unique in practice, never claimable. */
export function defaultHandle(authorId: string): string {
  return `u-${fingerprint(authorId).slice(0, 12)}`;
}

/** Newest first, ties broken by author and slug: the order of the feed index. */
export function byNewest(a: PostSummary, b: PostSummary): number {
  return (
    b.publishedAt.localeCompare(a.publishedAt) ||
    b.authorId.localeCompare(a.authorId) ||
    b.slug.localeCompare(a.slug)
  );
}

export interface IndexPageSlice<T> {
  /** 0 for the index's first page (the newest posts), else the archive page number. */
  page: number;
  items: T[];
  /** Archive page with older posts, if any. */
  older?: number;
  /** Archive page with newer posts; 0 means the first page. Absent on the first page. */
  newer?: number;
}

/**
 * An index split into pages: the first page shows the newest `size`; older pages are numbered from
 * the OLDEST (page 1 holds the first `size` posts ever published), so a new post changes the first
 * page and the newest archive page only, and every older page keeps its URL and its content.
 */
export function paginate<T>(newestFirst: readonly T[], size = PAGE_SIZE): IndexPageSlice<T>[] {
  const total = newestFirst.length;
  const pages = Math.ceil(total / size);
  const chunk = (k: number) => newestFirst.slice(Math.max(0, total - k * size), total - (k - 1) * size);
  const pageOfOldestIndex = (i: number) => Math.floor(i / size) + 1;
  const first: IndexPageSlice<T> = { page: 0, items: newestFirst.slice(0, size) };
  if (total > size) first.older = pageOfOldestIndex(total - 1 - size);
  const slices = [first];
  for (let k = 1; k <= pages; k++) {
    const slice: IndexPageSlice<T> = { page: k, items: chunk(k), newer: k < pages ? k + 1 : 0 };
    if (k > 1) slice.older = k - 1;
    slices.push(slice);
  }
  return slices;
}
