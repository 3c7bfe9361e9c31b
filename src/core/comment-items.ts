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
  /** Unique per commenter only: anyone may write any id into their own partition (see commentRef). */
  id: string;
  /** The IAM identity the comment's partition belongs to: who wrote it, as AWS guarantees. */
  commenterId: string;
  commenterName: string;
  /** Markdown; render with renderMarkdown (sanitizing), never as HTML. */
  body: string;
  createdAt: string;
  /** Set once the comment was edited. */
  updatedAt?: string;
  /**
   * The top-level comment this one replies to: its `commentRef` (`<commenterId>/<commentId>`), or a
   * bare comment id in replies written before ids were namespaced.
   */
  parentRef?: string;
}

/**
 * A comment's identity within a post: `<commenterId>/<commentId>`. Every structure that keys on a
 * comment (threads, replies, hide markers, likes, counters) keys on this, never on the id alone: bob
 * can write a comment with carol's id into his own partition, but not with carol's commenter.
 */
export function commentRef(comment: Pick<Comment, 'commenterId' | 'id'>): string {
  return `${comment.commenterId}/${comment.id}`;
}

/** A top-level comment and its replies; `comment` is null when it was deleted but has replies. */
export interface CommentThread {
  comment: Comment | null;
  /** The top-level comment's `commentRef` (or the parent reference its orphaned replies carry). */
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

/** A `commentRef`, or a bare comment id (the parent references of replies written before refs). */
function isParentRef(value: unknown): value is string {
  if (isCommentId(value)) return true;
  if (typeof value !== 'string') return false;
  const slash = value.lastIndexOf('/');
  return slash > 0 && AUTHOR_ID.test(value.slice(0, slash)) && isCommentId(value.slice(slash + 1));
}

/**
 * A counter attribute as read: a number, or absent. Anyone signed in may write a counter, any value
 * (IAM restricts attribute names, not types), so a string, a negative or a NaN counts as absent.
 */
export function counterValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
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
  /** The `commentRef` of the top-level comment replied to. */
  parentRef?: string;
  /** That comment's `createdAt`: the reply is keyed under its thread (keys.replyOrder). */
  parentCreatedAt?: string;
  createdAt: string;
  commentId: string;
}

/** A comment's `by-post` sort key: top-level by its time, a reply under its thread when it can be. */
function commentOrderOf(input: NewCommentInput): string {
  const rootId = input.parentRef?.slice(input.parentRef.lastIndexOf('/') + 1);
  return input.parentRef && input.parentCreatedAt && rootId
    ? keys.replyOrder(input.parentCreatedAt, rootId, input.createdAt, input.commentId)
    : keys.commentOrder(input.createdAt, input.commentId);
}

export function commentItem(input: NewCommentInput): Record<string, unknown> {
  const { post } = input;
  return {
    ...keys.comment(input.commenterId, post.authorId, post.slug, input.createdAt, input.commentId),
    [INDEX.byPost.partitionKey]: keys.postRef(post.authorId, post.slug),
    [INDEX.byPost.sortKey]: commentOrderOf(input),
    type: 'comment',
    postRef: formatPostRef(post),
    commentId: input.commentId,
    // The attribute keeps its name (IAM's allow-list); its value is now the parent's commentRef.
    ...(input.parentRef ? { parentId: input.parentRef } : {}),
    commenterName: input.commenterName.trim().slice(0, COMMENT_LIMITS.nameChars) || 'Anonymous',
    body: validateCommentBody(input.body),
    createdAt: input.createdAt,
  };
}

/** The post author's marker; lives in the author's partition, so only the author can write it. */
export function hideMarkerItem(
  post: PostRef,
  comment: Pick<Comment, 'commenterId' | 'id'>,
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.hideMarker(post.authorId, post.slug, comment.commenterId, comment.id),
    [INDEX.byPost.partitionKey]: keys.postRef(post.authorId, post.slug),
    [INDEX.byPost.sortKey]: keys.hideMarkerOrder(comment.commenterId, comment.id),
    type: 'hide',
    postRef: formatPostRef(post),
    commentId: comment.id,
    createdAt,
  };
}

/** A like: the liker's marker, in their own partition (one per user and comment). */
export function reactionItem(
  userId: string,
  post: PostRef,
  comment: Pick<Comment, 'commenterId' | 'id'>,
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.reaction(userId, post.authorId, post.slug, comment.commenterId, comment.id),
    type: 'reaction',
    postRef: formatPostRef(post),
    commentId: comment.id,
    createdAt,
  };
}

/**
 * What a like marker's sort key names, after the post's reaction prefix: the comment's `commentRef`,
 * or a bare id for likes written before refs. Null for anything else.
 */
export function reactionTarget(post: PostRef, sortKey: unknown): string | null {
  const prefix = keys.reactionPrefix(post.authorId, post.slug);
  if (typeof sortKey !== 'string' || !sortKey.startsWith(prefix)) return null;
  return refFromKeyPart(sortKey.slice(prefix.length));
}

/** `<commenterId>#<commentId>` (keys.commentRefKey) back to a commentRef; a bare id stays bare. */
function refFromKeyPart(part: string): string | null {
  const hash = part.lastIndexOf('#');
  if (hash < 0) return isCommentId(part) ? part : null;
  const commenterId = part.slice(0, hash);
  const id = part.slice(hash + 1);
  return AUTHOR_ID.test(commenterId) && isCommentId(id) ? commentRef({ commenterId, id }) : null;
}

export interface PostItems {
  comments: Comment[];
  /**
   * What the post's author hid: `commentRef`s, and bare ids from markers written before refs (those
   * hide every comment with that id; see isHidden).
   */
  hidden: Set<string>;
}

/** Whether the author hid this comment (by its ref, or by a marker that predates refs). */
export function isHidden(hidden: ReadonlySet<string>, comment: Pick<Comment, 'commenterId' | 'id'>): boolean {
  return hidden.has(commentRef(comment)) || hidden.has(comment.id);
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
  const markerPrefix = keys.hideMarkerPrefix(post.slug);
  for (const item of items) {
    const pk = item[KEY.partition];
    const sk = item[KEY.sort];
    if (typeof pk !== 'string' || typeof sk !== 'string') continue;
    if (item.type === 'hide') {
      if (pk !== authorPartition || !sk.startsWith(markerPrefix)) continue;
      const target = refFromKeyPart(sk.slice(markerPrefix.length));
      const id = item.commentId;
      if (target !== null && isCommentId(id) && (target === id || target.endsWith(`/${id}`)))
        hidden.add(target);
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
      ...(isParentRef(parentId) ? { parentRef: parentId } : {}),
    });
  }
  comments.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || commentRef(a).localeCompare(commentRef(b)),
  );
  return { comments, hidden };
}

/**
 * One level of replies: a reply to a reply joins its top-level thread; replies whose parent was
 * deleted stay together under a placeholder. Hidden comments are dropped unless `showHidden` (the post
 * author's view, where they are marked instead). Threads are keyed by `commentRef`, so a comment that
 * reuses another commenter's id is a thread of its own and replaces nothing.
 */
export function buildThreads(
  { comments, hidden }: PostItems,
  options: { showHidden?: boolean } = {},
): CommentThread[] {
  const byRef = new Map(comments.map((comment) => [commentRef(comment), comment]));
  // Replies written before refs name their parent by id alone: the oldest comment with that id.
  const byBareId = new Map<string, Comment>();
  for (const comment of comments) if (!byBareId.has(comment.id)) byBareId.set(comment.id, comment);
  const parentOf = (parentRef: string) =>
    parentRef.includes('/') ? byRef.get(parentRef) : byBareId.get(parentRef);
  const rootOf = (comment: Comment): string => {
    let current = comment;
    for (let depth = 0; current.parentRef && depth < 10; depth++) {
      const parent = parentOf(current.parentRef);
      if (!parent || parent === current) return current.parentRef;
      current = parent;
    }
    return commentRef(current);
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
    const isHiddenComment = isHidden(hidden, comment);
    if (isHiddenComment && !options.showHidden) {
      // A hidden top-level comment still marks its thread hidden (its replies stay, under a placeholder).
      if (!comment.parentRef) threadFor(commentRef(comment)).hidden = true;
      continue;
    }
    if (!comment.parentRef) {
      const thread = threadFor(commentRef(comment));
      thread.comment = comment;
      thread.hidden = isHiddenComment;
    } else {
      threadFor(rootOf(comment)).replies.push({ comment, hidden: isHiddenComment });
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

// Pages of a thread list. The `by-post` index holds, in order: the author's hide markers (`#H#…`),
// then each top-level comment (`<createdAt>#<id>`) followed by its replies (`<createdAt>#<id>#…`).
// A page is a window of that order; its cursor is the index key of the last item it shows.

/** The `by-post` key of an item as read from the index: where the next Query starts (ExclusiveStartKey). */
export type ByPostKey = Record<string, string>;

export function byPostKey(item: Readonly<Record<string, unknown>>): ByPostKey | null {
  const names = [KEY.partition, KEY.sort, INDEX.byPost.partitionKey, INDEX.byPost.sortKey];
  const key: ByPostKey = {};
  for (const name of names) {
    const value = item[name];
    if (typeof value !== 'string') return null;
    key[name] = value;
  }
  return key;
}

/**
 * The thread an item's `by-post` sort key sits in: `<createdAt>#<id>` of its top-level comment (a
 * top-level comment's own key, or the first two parts of a reply's). Null for hide markers and keys that
 * are neither. Replies written before replies were keyed under their thread look top-level here.
 */
export function threadOrderOf(sortKey: unknown): string | null {
  if (typeof sortKey !== 'string' || sortKey.startsWith('#')) return null;
  const parts = sortKey.split('#');
  return parts.length >= 2 && parts[0] && isCommentId(parts[1]) ? `${parts[0]}#${parts[1]}` : null;
}

/**
 * The sort-key range of one thread, for `BETWEEN`: its top-level comment and every reply keyed under it
 * (`<order>#…`), and nothing else (another comment's key either differs before `#` or continues with a
 * character after `#`).
 */
export function threadRange(threadOrder: string): { from: string; to: string } {
  return { from: threadOrder, to: `${threadOrder}#\uffff` };
}

export interface PagePlan<T> {
  /** What the page shows (at most `pageItems`). */
  shown: T[];
  /** Where the next page starts: the key of the last item shown; absent when nothing follows. */
  next?: ByPostKey;
  /** The thread (its `threadOrderOf`) that goes on past this page: the next item is one of its replies. */
  continuedThread?: string;
}

/**
 * Plans a page from a Query that asked for `pageItems + 1` items: the extra item is not shown (the next
 * page reads it again), it only tells whether anything follows and whether the last thread goes on, so
 * "More comments" and "More replies" appear only when there is more.
 */
export function planPage<T extends Readonly<Record<string, unknown>>>(
  items: readonly T[],
  pageItems: number,
  lastEvaluated: boolean,
): PagePlan<T> {
  const shown = items.slice(0, pageItems);
  const following = items[pageItems];
  const last = shown.at(-1);
  // Fewer items than asked for and a LastEvaluatedKey: the Query stopped at 1 MB; more may follow.
  const more = following !== undefined || lastEvaluated;
  const next = more && last ? byPostKey(last) : null;
  if (!next) return { shown };
  const lastThread = threadOrderOf(last?.[INDEX.byPost.sortKey]);
  const followingKey = following?.[INDEX.byPost.sortKey];
  const continues =
    lastThread !== null && typeof followingKey === 'string' && followingKey.startsWith(`${lastThread}#`);
  return { shown, next, ...(continues ? { continuedThread: lastThread } : {}) };
}
