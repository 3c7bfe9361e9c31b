/**
 * Comment items: what is written (builders) and what a reader may believe when reading a post's
 * `by-post` query back (parsers). Anyone signed in can put an item carrying any post's `by-post` key
 * into their own partition, so nothing read from the index is taken at face value: the commenter is
 * the partition the item lives in, and a hide marker counts only from the post author's partition.
 * docs/comments.md explains the model.
 */
import { INDEX, KEY, keys, PARTITION_PREFIX } from './model.ts';

/** A post as the widget names it: `data-post="<authorId>/<slug>"`. */
export interface PostRef {
  authorId: string;
  slug: string;
}

export interface Comment {
  id: string;
  /** The IAM identity the comment's partition belongs to: who wrote it, as AWS guarantees. */
  commenterId: string;
  commenterName: string;
  /** Markdown; render with renderMarkdown (sanitizing), never as HTML. */
  body: string;
  createdAt: string;
  /** Set once the comment was edited. */
  updatedAt?: string;
  /** The top-level comment this one replies to. */
  parentId?: string;
}

/** A top-level comment and its replies; `comment` is null when it was deleted but has replies. */
export interface CommentThread {
  comment: Comment | null;
  id: string;
  hidden: boolean;
  replies: { comment: Comment; hidden: boolean }[];
}

export const COMMENT_LIMITS = { bodyChars: 10_000, nameChars: 80 } as const;

const COMMENT_ID = /^[a-z0-9]{8,32}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const AUTHOR_ID = /^[\w:.@+=-]{1,128}$/;

export function isCommentId(value: unknown): value is string {
  return typeof value === 'string' && COMMENT_ID.test(value);
}

/** Parses `<authorId>/<slug>`; null for anything else. */
export function parsePostRef(text: string | null | undefined): PostRef | null {
  if (!text) return null;
  const slash = text.lastIndexOf('/');
  const authorId = text.slice(0, slash);
  const slug = text.slice(slash + 1);
  return slash > 0 && AUTHOR_ID.test(authorId) && SLUG.test(slug) ? { authorId, slug } : null;
}

export function formatPostRef(post: PostRef): string {
  return `${post.authorId}/${post.slug}`;
}

/** A new comment id: random, lowercase, URL- and key-safe. */
export function newCommentId(randomBytes: (count: number) => Uint8Array = defaultRandomBytes): string {
  const random = Array.from(randomBytes(10), (byte) => (byte % 36).toString(36)).join('');
  return random + Date.now().toString(36).slice(-4);
}

function defaultRandomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** The body as stored: trimmed; throws `CommentValidationError` when empty or too long. */
export function validateCommentBody(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) throw new CommentValidationError('Write something first.');
  if (trimmed.length > COMMENT_LIMITS.bodyChars) {
    throw new CommentValidationError(
      `A comment can be at most ${COMMENT_LIMITS.bodyChars.toLocaleString('en')} characters.`,
    );
  }
  return trimmed;
}

export class CommentValidationError extends Error {
  readonly code = 'comment-invalid';
  override readonly name = 'CommentValidationError';
}

export interface NewCommentInput {
  post: PostRef;
  commenterId: string;
  commenterName: string;
  body: string;
  parentId?: string;
  createdAt: string;
  commentId: string;
}

export function commentItem(input: NewCommentInput): Record<string, unknown> {
  const { post } = input;
  return {
    ...keys.comment(input.commenterId, post.authorId, post.slug, input.createdAt, input.commentId),
    [INDEX.byPost.partitionKey]: keys.postRef(post.authorId, post.slug),
    [INDEX.byPost.sortKey]: keys.commentOrder(input.createdAt, input.commentId),
    type: 'comment',
    postRef: formatPostRef(post),
    commentId: input.commentId,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    commenterName: input.commenterName.trim().slice(0, COMMENT_LIMITS.nameChars) || 'Anonymous',
    body: validateCommentBody(input.body),
    createdAt: input.createdAt,
  };
}

/** The post author's marker; lives in the author's partition, so only the author can write it. */
export function hideMarkerItem(post: PostRef, commentId: string, createdAt: string): Record<string, unknown> {
  return {
    ...keys.hideMarker(post.authorId, post.slug, commentId),
    [INDEX.byPost.partitionKey]: keys.postRef(post.authorId, post.slug),
    [INDEX.byPost.sortKey]: keys.hideMarkerOrder(commentId),
    type: 'hide',
    postRef: formatPostRef(post),
    commentId,
    createdAt,
  };
}

export function reactionItem(
  userId: string,
  post: PostRef,
  commentId: string,
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.reaction(userId, post.authorId, post.slug, commentId),
    type: 'reaction',
    postRef: formatPostRef(post),
    commentId,
    createdAt,
  };
}

export interface PostItems {
  comments: Comment[];
  /** Ids of comments the post's author hid. */
  hidden: Set<string>;
}

/**
 * What a post's `by-post` items say, believing only what IAM guarantees: a comment's commenter is its
 * partition, its sort key must be under this post, and hide markers count only from the author.
 */
export function readPostItems(post: PostRef, items: readonly Record<string, unknown>[]): PostItems {
  const comments: Comment[] = [];
  const hidden = new Set<string>();
  const authorPartition = keys.publicPartition(post.authorId);
  const commentPrefix = keys.commentPrefix(post.authorId, post.slug);
  for (const item of items) {
    const pk = item[KEY.partition];
    const sk = item[KEY.sort];
    if (typeof pk !== 'string' || typeof sk !== 'string') continue;
    if (item.type === 'hide') {
      if (
        pk === authorPartition &&
        isCommentId(item.commentId) &&
        sk === keys.hideMarker(post.authorId, post.slug, item.commentId).SK
      ) {
        hidden.add(item.commentId);
      }
      continue;
    }
    if (item.type !== 'comment' || !pk.startsWith(PARTITION_PREFIX.public)) continue;
    const { commentId, body, createdAt, commenterName, parentId, updatedAt } = item;
    if (!isCommentId(commentId) || typeof body !== 'string' || typeof createdAt !== 'string') continue;
    if (sk !== `${commentPrefix}${createdAt}#${commentId}`) continue;
    comments.push({
      id: commentId,
      commenterId: pk.slice(PARTITION_PREFIX.public.length),
      commenterName: typeof commenterName === 'string' && commenterName ? commenterName : 'Anonymous',
      body,
      createdAt,
      ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
      ...(isCommentId(parentId) ? { parentId } : {}),
    });
  }
  comments.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { comments, hidden };
}

/**
 * One level of replies: a reply to a reply joins its top-level thread; replies whose parent was
 * deleted stay together under a placeholder. Hidden comments are dropped unless `showHidden` (the post
 * author's view, where they are marked instead).
 */
export function buildThreads(
  { comments, hidden }: PostItems,
  options: { showHidden?: boolean } = {},
): CommentThread[] {
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  const rootOf = (comment: Comment): string => {
    let current = comment;
    for (let depth = 0; current.parentId && depth < 10; depth++) {
      const parent = byId.get(current.parentId);
      if (!parent) return current.parentId;
      current = parent;
    }
    return current.id;
  };
  const threads = new Map<string, CommentThread>();
  const threadFor = (id: string) => {
    let thread = threads.get(id);
    if (!thread) {
      thread = { id, comment: null, hidden: hidden.has(id), replies: [] };
      threads.set(id, thread);
    }
    return thread;
  };
  for (const comment of comments) {
    const isHidden = hidden.has(comment.id);
    if (isHidden && !options.showHidden) continue;
    if (!comment.parentId) {
      threadFor(comment.id).comment = comment;
    } else {
      threadFor(rootOf(comment)).replies.push({ comment, hidden: isHidden });
    }
  }
  // A hidden top-level comment's thread keeps its replies (they are someone else's words), under a placeholder.
  return [...threads.values()]
    .filter((thread) => thread.comment || thread.replies.length > 0)
    .sort((a, b) => firstTime(a).localeCompare(firstTime(b)));
}

function firstTime(thread: CommentThread): string {
  return thread.comment?.createdAt ?? thread.replies[0]?.comment.createdAt ?? '';
}
