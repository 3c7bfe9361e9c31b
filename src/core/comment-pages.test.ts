import { describe, expect, it } from 'vitest';
import { byPostKey, commentItem, planPage, threadOrderOf, threadRange } from './comment-items.ts';

const post = { authorId: 'us-east-1:author', slug: 'a-post' };

function comment(createdAt: string, id: string, parent?: { createdAt: string; ref: string }) {
  return commentItem({
    post,
    commenterId: 'us-east-1:reader',
    commenterName: 'Reader',
    body: `comment ${id}`,
    createdAt,
    commentId: id,
    ...(parent ? { parentRef: parent.ref, parentCreatedAt: parent.createdAt } : {}),
  });
}

const rootA = comment('2026-01-01T00:00:00.000Z', 'aaaaaaaa');
const replyA1 = comment('2026-01-02T00:00:00.000Z', 'bbbbbbbb', {
  createdAt: '2026-01-01T00:00:00.000Z',
  ref: 'us-east-1:reader/aaaaaaaa',
});
const replyA2 = comment('2026-01-05T00:00:00.000Z', 'cccccccc', {
  createdAt: '2026-01-01T00:00:00.000Z',
  ref: 'us-east-1:reader/aaaaaaaa',
});
const rootB = comment('2026-01-03T00:00:00.000Z', 'dddddddd');
/** The by-post order: what a Query returns. */
const ordered = [rootA, replyA1, replyA2, rootB].sort((x, y) =>
  String(x.GSI3SK) < String(y.GSI3SK) ? -1 : 1,
);

describe('reply keys', () => {
  it('keys a reply under its thread, so a thread is one contiguous range', () => {
    expect(replyA1.GSI3SK).toBe('2026-01-01T00:00:00.000Z#aaaaaaaa#2026-01-02T00:00:00.000Z#bbbbbbbb');
    // rootB is newer than replyA1 but its thread comes after all of rootA's replies.
    expect(ordered.map((item) => item.commentId)).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd']);
    const { from, to } = threadRange(threadOrderOf(rootA.GSI3SK) as string);
    const inRange = ordered.filter((item) => String(item.GSI3SK) >= from && String(item.GSI3SK) <= to);
    expect(inRange.map((item) => item.commentId)).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
  });

  it('keeps a top-level comment keyed by its time, as before', () => {
    expect(rootA.GSI3SK).toBe('2026-01-01T00:00:00.000Z#aaaaaaaa');
  });

  it('names the thread of top-level comments, replies and legacy replies; not of markers', () => {
    expect(threadOrderOf(rootA.GSI3SK)).toBe('2026-01-01T00:00:00.000Z#aaaaaaaa');
    expect(threadOrderOf(replyA2.GSI3SK)).toBe('2026-01-01T00:00:00.000Z#aaaaaaaa');
    expect(threadOrderOf('#H#us-east-1:reader#aaaaaaaa')).toBeNull();
    expect(threadOrderOf(undefined)).toBeNull();
  });

  it('a thread range excludes a comment whose id merely begins with the thread’s id', () => {
    const longer = comment('2026-01-01T00:00:00.000Z', 'aaaaaaaab');
    const { from, to } = threadRange(threadOrderOf(rootA.GSI3SK) as string);
    expect(String(longer.GSI3SK) >= from && String(longer.GSI3SK) <= to).toBe(false);
  });
});

describe('planPage', () => {
  it('shows the asked-for items and starts the next page after the last one shown', () => {
    const plan = planPage(ordered.slice(0, 3), 2, true);
    expect(plan.shown.map((item) => item.commentId)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
    expect(plan.next).toEqual(byPostKey(replyA1));
    // The item read beyond the page is a reply of the last thread: "More replies".
    expect(plan.continuedThread).toBe('2026-01-01T00:00:00.000Z#aaaaaaaa');
  });

  it('does not offer more replies when the next item starts another thread', () => {
    const plan = planPage(ordered, 3, true);
    expect(plan.next).toEqual(byPostKey(replyA2));
    expect(plan.continuedThread).toBeUndefined();
  });

  it('ends when nothing follows', () => {
    expect(planPage(ordered, 4, false)).toEqual({ shown: ordered });
    expect(planPage(ordered, 10, false).next).toBeUndefined();
  });

  it('goes on after a Query cut short at 1 MB (fewer items and a LastEvaluatedKey)', () => {
    const plan = planPage(ordered.slice(0, 2), 25, true);
    expect(plan.next).toEqual(byPostKey(replyA1));
  });

  it('pages through without gaps or repeats', () => {
    const seen: string[] = [];
    let after: ReturnType<typeof byPostKey> | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const start = after ? ordered.findIndex((item) => item.SK === after?.SK) + 1 : 0;
      const read = ordered.slice(start, start + 2);
      const plan = planPage(read, 1, start + 2 < ordered.length);
      seen.push(...plan.shown.map((item) => String(item.commentId)));
      if (!plan.next) break;
      after = plan.next;
    }
    expect(seen).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd']);
  });
});
