import { describe, expect, it } from 'vitest';
import { ITEM_ATTRIBUTES } from './model.ts';
import {
  authorNameOfItem,
  authorOfItem,
  draftItem,
  type Post,
  postFromItem,
  publishedItem,
  readingMinutes,
  summaryFromItem,
  tagItems,
} from './post-items.ts';

const post: Post & { publishedAt: string } = {
  authorId: 'us-east-1:alice',
  authorName: 'Alice',
  slug: 'hello',
  title: 'Hello',
  body: 'word '.repeat(440),
  excerpt: 'Hi',
  tags: ['aws', 'web'],
  status: 'published',
  version: 3,
  createdAt: '2026-10-01T00:00:00.000Z',
  updatedAt: '2026-11-02T00:00:00.000Z',
  publishedAt: '2026-11-01T00:00:00.000Z',
  clientToken: 'token-1',
};

describe('item builders', () => {
  it('put the working copy in the private partition, by last change', () => {
    const item = draftItem(post);
    expect(item).toMatchObject({
      PK: 'D#us-east-1:alice',
      SK: 'P#hello',
      LSI1SK: 'P#2026-11-02T00:00:00.000Z',
    });
    expect(item).toMatchObject({
      publishedTags: ['aws', 'web'],
      publishedVersion: 3,
      clientToken: 'token-1',
    });
    expect(item).not.toHaveProperty('GSI1PK');
    expect(item).not.toHaveProperty('GSI2PK');
  });

  it("put the published copy in the public partition and its year's feed partition, without editor-only attributes", () => {
    const item = publishedItem(post);
    expect(item).toMatchObject({
      PK: 'U#us-east-1:alice',
      SK: 'P#hello',
      LSI1SK: 'P#2026-11-01T00:00:00.000Z',
      GSI1PK: 'FEED#2026',
      GSI1SK: '2026-11-01T00:00:00.000Z#us-east-1:alice#hello',
      readingMinutes: 2,
      status: 'published',
    });
    expect(item).not.toHaveProperty('clientToken');
    expect(item).not.toHaveProperty('publishedTags');
  });

  it('make one small tag entry per tag, without the body', () => {
    const items = tagItems(post);
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      PK: 'U#us-east-1:alice',
      SK: 'T#web#hello',
      LSI1SK: 'T#web#2026-11-01T00:00:00.000Z',
      GSI2PK: 'TAG#web',
      GSI2SK: '2026-11-01T00:00:00.000Z#us-east-1:alice#hello',
    });
    expect(items[0]).not.toHaveProperty('body');
  });

  it('only write attributes the IAM attribute allow-list names', () => {
    const allowed = new Set<string>(ITEM_ATTRIBUTES);
    for (const item of [
      draftItem(post),
      publishedItem(post),
      ...tagItems(post),
      draftItem({ ...post, status: 'draft' }),
    ]) {
      for (const name of Object.keys(item)) expect(allowed, name).toContain(name);
    }
  });

  it('read a stored item back into a post', () => {
    expect(postFromItem(draftItem(post))).toEqual({
      ...post,
      publishedVersion: 3,
      publishedTags: ['aws', 'web'],
    });
    expect(postFromItem({ slug: 'x' })).toMatchObject({ slug: 'x', tags: [], status: 'draft', version: 0 });
  });

  it('estimate reading time at 220 words a minute, at least one', () => {
    expect(readingMinutes('')).toBe(1);
    expect(readingMinutes('w '.repeat(660))).toBe(3);
  });
});

describe('who wrote an item', () => {
  // Bob may put anything into his own partition, including an item that claims to be alice's post.
  const forged = {
    ...publishedItem({ ...post, authorName: 'Alice' }),
    PK: 'U#us-east-1:bob',
    SK: 'P#forged',
    slug: 'hello',
  };

  it('is the owner of the partition the item lives in, never its authorId attribute', () => {
    expect(authorOfItem(publishedItem(post))).toBe('us-east-1:alice');
    expect(authorOfItem(draftItem(post))).toBe('us-east-1:alice');
    expect(authorOfItem(tagItems(post)[0]!)).toBe('us-east-1:alice');
    expect(authorOfItem(forged)).toBe('us-east-1:bob');
    // Counters are writable by anyone signed in; items without keys say nothing.
    expect(authorOfItem({ ...forged, PK: 'N#us-east-1:bob' })).toBeNull();
    expect(authorOfItem({ authorId: 'us-east-1:alice' })).toBeNull();
    expect(authorOfItem({ PK: 'U#' })).toBeNull();
  });

  it('withholds the name of an item that names another author than its partition', () => {
    expect(authorNameOfItem(publishedItem(post))).toBe('Alice');
    expect(authorNameOfItem(forged)).toBe('');
    expect(authorNameOfItem({ ...forged, authorId: 'us-east-1:bob', authorName: 'Bob' })).toBe('Bob');
  });

  it('gives cards and post pages the author and slug of the keys', () => {
    expect(summaryFromItem(publishedItem(post))).toMatchObject({
      authorId: 'us-east-1:alice',
      authorName: 'Alice',
      slug: 'hello',
      readingMinutes: 2,
    });
    expect(summaryFromItem(tagItems(post)[1]!)).toMatchObject({ authorId: 'us-east-1:alice', slug: 'hello' });
    expect(summaryFromItem(forged)).toMatchObject({
      authorId: 'us-east-1:bob',
      authorName: '',
      slug: 'forged',
    });
    expect(postFromItem(forged)).toMatchObject({ authorId: 'us-east-1:bob', authorName: '', slug: 'forged' });
    expect(summaryFromItem({ ...forged, PK: 'N#us-east-1:bob' }).authorId).toBe('');
  });
});
