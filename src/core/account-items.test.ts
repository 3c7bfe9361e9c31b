import { describe, expect, it } from 'vitest';
import { counterEffect, countItem, emptySummary, ownPartitions } from './account-items.ts';
import { commentItem, reactionItem } from './comment-items.ts';
import { keys } from './model.ts';

const me = 'us-east-1:me';
const bob = 'us-east-1:bob';
const onBobs = { authorId: bob, slug: 'bobs-post' };
const comment = (post: { authorId: string; slug: string }) =>
  commentItem({
    post,
    commenterId: me,
    commenterName: 'Me',
    body: 'Hello.',
    createdAt: '2026-01-01T00:00:00.000Z',
    commentId: 'abcdefgh12',
  });

describe('what deleting one of my items must uncount', () => {
  it('a comment on someone else’s post: that post’s comment count', () => {
    expect(counterEffect(me, comment(onBobs))).toEqual({
      key: keys.counters(bob, 'bobs-post'),
      attribute: 'comments',
    });
  });

  it('a like of someone’s comment: that comment’s like count', () => {
    const like = reactionItem(me, onBobs, { commenterId: bob, id: 'bobcomment1' }, '2026-01-01T00:00:00Z');
    expect(counterEffect(me, like)).toEqual({
      key: keys.commentCounters(bob, 'bobcomment1'),
      attribute: 'likes',
    });
  });

  it('nothing for counters in my own partition (they go with it), unknown types, or a forged sort key', () => {
    expect(counterEffect(me, comment({ authorId: me, slug: 'my-post' }))).toBeNull();
    expect(counterEffect(me, { PK: keys.publicPartition(me), SK: 'X#1', type: 'new-thing' })).toBeNull();
    expect(counterEffect(me, { PK: keys.publicPartition(me), SK: 'X#1', type: 'constructor' })).toBeNull();
    expect(counterEffect(me, { ...comment(onBobs), postRef: `${bob}/other-post` })).toBeNull();
  });

  it('sweeps every partition prefix the model has', () => {
    expect(ownPartitions(me)).toEqual([
      keys.publicPartition(me),
      keys.privatePartition(me),
      keys.countersPartition(me),
    ]);
  });

  it('summarizes from the items themselves', () => {
    const summary = emptySummary();
    const items = [
      { ...keys.draft(me, 'a'), type: 'post', status: 'published' },
      { ...keys.published(me, 'a'), type: 'post', status: 'published' },
      { ...keys.draft(me, 'b'), type: 'post', status: 'draft' },
      comment(onBobs),
      comment({ authorId: me, slug: 'a' }),
      reactionItem(me, onBobs, { commenterId: bob, id: 'bobcomment1' }, '2026-01-01T00:00:00Z'),
      { ...keys.profile(me), type: 'profile' },
      { ...keys.asset(me, 'x'), type: 'asset' },
    ];
    for (const item of items) countItem(summary, me, item);
    expect(summary).toEqual({
      posts: 2,
      published: 1,
      drafts: 1,
      commentsOnOthers: 1,
      commentsOnOwn: 1,
      likes: 1,
      images: 1,
      profile: true,
      items: 8,
    });
  });
});
