/**
 * A user's own data, as the "Your data" export and delete see it: every partition the user owns (one
 * per `PARTITION_PREFIX`), swept by key, never a list of item types. The only thing a type adds is the
 * counter an item counts on (a comment on a post's `comments`, a like on a comment's `likes`): deleting
 * such an item must uncount it in the same transaction, so the count stays exact whenever the delete
 * is retried or resumed. A new type that counts somewhere adds one entry to `COUNTED_ON`.
 */
import { parsePostRef, reactionTarget } from './comment-items.ts';
import { KEY, keys, PARTITION_PREFIX } from './model.ts';

export interface CounterEffect {
  key: { PK: string; SK: string };
  attribute: 'likes' | 'comments';
}

type Item = Record<string, unknown>;

/** Per item `type`: the counter an item of that type added 1 to, or null when it names none. */
export const COUNTED_ON: Record<string, (item: Item) => CounterEffect | null> = {
  comment: (item) => {
    const post = parsePostRef(typeof item.postRef === 'string' ? item.postRef : null);
    const sk = item[KEY.sort];
    // The sort key is what the comment is filed under (and what the post page reads): trust it over postRef.
    if (!post || typeof sk !== 'string' || !sk.startsWith(keys.commentPrefix(post.authorId, post.slug)))
      return null;
    return { key: keys.counters(post.authorId, post.slug), attribute: 'comments' };
  },
  reaction: (item) => {
    const post = parsePostRef(typeof item.postRef === 'string' ? item.postRef : null);
    const target = post ? reactionTarget(post, item[KEY.sort]) : null;
    const slash = target?.lastIndexOf('/') ?? -1;
    // A like written before refs names no commenter, so its counter cannot be found: it is deleted alone.
    if (!target || slash < 0) return null;
    return { key: keys.commentCounters(target.slice(0, slash), target.slice(slash + 1)), attribute: 'likes' };
  },
};

/** Every partition `userId` owns, in the order the delete sweeps them (public items first, counters last). */
export function ownPartitions(userId: string): string[] {
  return [PARTITION_PREFIX.public, PARTITION_PREFIX.private, PARTITION_PREFIX.counters].map(
    (prefix) => `${prefix}${userId}`,
  );
}

/**
 * The counter outside the user's own partitions that deleting `item` must uncount, or null. Counters in
 * the user's own counter partition go with it, so they are not touched (an `ADD` on a deleted counter
 * would create it again).
 */
export function counterEffect(userId: string, item: Item): CounterEffect | null {
  const type = typeof item.type === 'string' ? item.type : '';
  const effect = Object.hasOwn(COUNTED_ON, type) ? (COUNTED_ON[type]?.(item) ?? null) : null;
  if (!effect || effect.key.PK === keys.countersPartition(userId)) return null;
  return effect;
}

/** What the confirmation says will go: counted from the items themselves. */
export interface AccountSummary {
  /** Working copies: every post, published or not. */
  posts: number;
  published: number;
  drafts: number;
  commentsOnOthers: number;
  commentsOnOwn: number;
  likes: number;
  images: number;
  profile: boolean;
  /** Every item in the user's partitions, whatever its type. */
  items: number;
}

export function emptySummary(): AccountSummary {
  return {
    posts: 0,
    published: 0,
    drafts: 0,
    commentsOnOthers: 0,
    commentsOnOwn: 0,
    likes: 0,
    images: 0,
    profile: false,
    items: 0,
  };
}

/** Adds one of the user's items to the summary. */
export function countItem(summary: AccountSummary, userId: string, item: Item): void {
  summary.items++;
  const pk = item[KEY.partition];
  if (item.type === 'post' && pk === keys.privatePartition(userId)) {
    summary.posts++;
    if (item.status === 'published') summary.published++;
    else summary.drafts++;
  } else if (item.type === 'comment') {
    const effect = COUNTED_ON.comment?.(item);
    if (effect && effect.key.PK !== keys.countersPartition(userId)) summary.commentsOnOthers++;
    else summary.commentsOnOwn++;
  } else if (item.type === 'reaction' || (typeof item.type === 'string' && item.type.endsWith('like'))) {
    summary.likes++;
  } else if (item.type === 'asset') {
    summary.images++;
  } else if (item.type === 'profile') {
    summary.profile = true;
  }
}
