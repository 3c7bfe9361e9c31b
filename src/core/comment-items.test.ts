import { describe, expect, it } from 'vitest';
import {
  buildThreads,
  type Comment,
  CommentValidationError,
  commentItem,
  hideMarkerItem,
  newCommentId,
  parsePostRef,
  reactionItem,
  readPostItems,
} from './comment-items.ts';
import { ITEM_ATTRIBUTES } from './model.ts';

const post = { authorId: 'us-east-1:alice', slug: 'hello-world' };
const at = (minute: number) => `2026-11-26T10:${String(minute).padStart(2, '0')}:00.000Z`;

function comment(commenterId: string, id: string, minute: number, parentRef?: string) {
  return commentItem({
    post,
    commenterId,
    commenterName: commenterId,
    body: `comment ${id} by ${commenterId}`,
    createdAt: at(minute),
    commentId: id,
    ...(parentRef ? { parentRef } : {}),
  });
}
const bobs = { commenterId: 'us-east-1:bob', id: 'bobcomment01' };

describe('post refs', () => {
  it('parses <authorId>/<slug> and refuses anything else', () => {
    expect(parsePostRef('us-east-1:0b7c-11/my-post')).toEqual({
      authorId: 'us-east-1:0b7c-11',
      slug: 'my-post',
    });
    for (const bad of ['', 'no-slash', '/slug', 'a/', 'a/Bad Slug', 'a/b#c', 'a b/slug']) {
      expect(parsePostRef(bad), bad).toBeNull();
    }
  });
});

describe('item builders', () => {
  it('puts a comment in the commenter’s partition, indexed under the post', () => {
    const item = comment('us-east-1:bob', 'bobcomment01', 1);
    expect(item).toMatchObject({
      PK: 'U#us-east-1:bob',
      SK: `C#us-east-1:alice#hello-world#${at(1)}#bobcomment01`,
      GSI3PK: 'POST#us-east-1:alice#hello-world',
      GSI3SK: `${at(1)}#bobcomment01`,
      type: 'comment',
      postRef: 'us-east-1:alice/hello-world',
    });
  });

  it('puts the hide marker in the author’s partition, sorted before every comment', () => {
    const marker = hideMarkerItem(post, bobs, at(5));
    expect(marker).toMatchObject({
      PK: 'U#us-east-1:alice',
      SK: 'H#hello-world#us-east-1:bob#bobcomment01',
      GSI3PK: 'POST#us-east-1:alice#hello-world',
    });
    expect(String(marker.GSI3SK) < at(0)).toBe(true);
  });

  it('uses only attributes IAM allows (dynamodb:Attributes)', () => {
    const items = [
      comment('us-east-1:bob', 'bobcomment01', 1, 'us-east-1:carol/parentcomment1'),
      hideMarkerItem(post, bobs, at(5)),
      reactionItem('us-east-1:carol', post, bobs, at(6)),
    ];
    const allowed = new Set<string>(ITEM_ATTRIBUTES);
    for (const item of items)
      for (const name of Object.keys(item)) expect(allowed.has(name), name).toBe(true);
  });

  it('refuses empty and oversized bodies', () => {
    expect(() => commentItem({ ...baseInput(), body: '   ' })).toThrow(CommentValidationError);
    expect(() => commentItem({ ...baseInput(), body: 'x'.repeat(10_001) })).toThrow(CommentValidationError);
  });

  it('makes key-safe ids', () => {
    expect(newCommentId()).toMatch(/^[a-z0-9]{14}$/);
  });
});

function baseInput() {
  return {
    post,
    commenterId: 'bob',
    commenterName: 'Bob',
    body: 'hi',
    createdAt: at(1),
    commentId: 'abcdefgh12',
  };
}

describe('reading a post’s items back', () => {
  it('takes the commenter from the partition, not from attributes', () => {
    const forged = { ...comment('us-east-1:mallory', 'forged000001', 2), commenterId: 'us-east-1:alice' };
    const { comments } = readPostItems(post, [forged]);
    expect(comments[0]?.commenterId).toBe('us-east-1:mallory');
  });

  it('honours hide markers only from the post author’s partition', () => {
    const genuine = hideMarkerItem(post, bobs, at(5));
    const forged = {
      ...hideMarkerItem(post, { commenterId: 'u1', id: 'alicecomment1' }, at(5)),
      PK: 'U#us-east-1:mallory',
    };
    const { hidden } = readPostItems(post, [genuine, forged]);
    expect([...hidden]).toEqual(['us-east-1:bob/bobcomment01']);
  });

  it('ignores items whose sort key is not under this post, and unknown types', () => {
    const elsewhere = { ...comment('us-east-1:bob', 'bobcomment02', 2), SK: 'C#us-east-1:carol#other#x' };
    const odd = { ...comment('us-east-1:bob', 'bobcomment03', 3), type: 'post' };
    expect(readPostItems(post, [elsewhere, odd]).comments).toEqual([]);
  });
});

describe('threads', () => {
  const items = [
    comment('u1', 'firstcomment', 1),
    comment('u2', 'replyfirst01', 2, 'u1/firstcomment'),
    comment('u3', 'replyreply01', 3, 'u2/replyfirst01'),
    comment('u4', 'secondcommnt', 4),
    comment('u5', 'orphanreply1', 5, 'u9/deletedparent'),
  ];

  it('keeps one level of replies: a reply to a reply joins the top-level thread', () => {
    const threads = buildThreads(readPostItems(post, items));
    expect(threads.map((t) => [t.id, t.comment?.id ?? null, t.replies.map((r) => r.comment.id)])).toEqual([
      ['u1/firstcomment', 'firstcomment', ['replyfirst01', 'replyreply01']],
      ['u4/secondcommnt', 'secondcommnt', []],
      ['u9/deletedparent', null, ['orphanreply1']],
    ]);
  });

  it('drops hidden comments for readers and marks them for the author', () => {
    const parsed = readPostItems(post, [
      ...items,
      hideMarkerItem(post, { commenterId: 'u1', id: 'firstcomment' }, at(9)),
    ]);
    const forReaders = buildThreads(parsed);
    expect(forReaders[0]).toMatchObject({ id: 'u1/firstcomment', comment: null, hidden: true });
    expect(forReaders[0]?.replies).toHaveLength(2);
    const forAuthor = buildThreads(parsed, { showHidden: true });
    expect(forAuthor[0]).toMatchObject({ hidden: true, comment: { id: 'firstcomment' } as Partial<Comment> });
  });
});

describe('comment ids are unique per commenter only', () => {
  // Bob writes a later comment with carol's id into his own partition: IAM allows it.
  const carols = comment('us-east-1:carol', 'carolcomment', 1);
  const bobsCopy = comment('us-east-1:bob', 'carolcomment', 2);
  const reply = comment('us-east-1:dan', 'danreply0001', 3, 'us-east-1:carol/carolcomment');

  it('keeps both comments, each its own thread, replies under the one they name', () => {
    const threads = buildThreads(readPostItems(post, [carols, bobsCopy, reply]));
    expect(threads.map((t) => [t.id, t.comment?.body, t.replies.map((r) => r.comment.id)])).toEqual([
      ['us-east-1:carol/carolcomment', 'comment carolcomment by us-east-1:carol', ['danreply0001']],
      ['us-east-1:bob/carolcomment', 'comment carolcomment by us-east-1:bob', []],
    ]);
  });

  it('hides only the comment the marker names', () => {
    const marker = hideMarkerItem(post, { commenterId: 'us-east-1:bob', id: 'carolcomment' }, at(5));
    const threads = buildThreads(readPostItems(post, [carols, bobsCopy, marker]));
    expect(threads.map((t) => t.comment?.commenterId)).toEqual(['us-east-1:carol']);
  });

  it('still reads data written before refs: bare parent ids and hide markers', () => {
    const legacyReply = comment('us-east-1:dan', 'danreply0002', 4, 'carolcomment');
    const legacyMarker = {
      ...hideMarkerItem(post, { commenterId: 'x', id: 'othercomment' }, at(5)),
      SK: 'H#hello-world#othercomment',
      GSI3SK: '#H#othercomment',
    };
    const other = comment('us-east-1:erin', 'othercomment', 0);
    const parsed = readPostItems(post, [other, carols, bobsCopy, legacyReply, legacyMarker]);
    expect(parsed.hidden).toEqual(new Set(['othercomment']));
    const threads = buildThreads(parsed);
    // The bare parent id joins the oldest comment with that id; the bare marker hides by id.
    expect(threads.map((t) => [t.id, t.replies.length])).toEqual([
      ['us-east-1:carol/carolcomment', 1],
      ['us-east-1:bob/carolcomment', 0],
    ]);
  });
});
