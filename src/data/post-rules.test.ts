import { describe, expect, it } from 'vitest';
import { PostTooLargeError, PostValidationError } from './post-errors.ts';
import {
  assertItemFits,
  itemSize,
  normalizeTags,
  POST_LIMITS,
  postProblems,
  slugify,
  validatePost,
} from './post-rules.ts';

const valid = { title: 'Hello', slug: 'hello', excerpt: '', tags: ['aws'], body: 'Hi' };

describe('slugify', () => {
  it.each([
    ['Hello, World!', 'hello-world'],
    ['Crème brûlée à la française', 'creme-brulee-a-la-francaise'],
    ['Straße & Smørrebrød', 'strasse-and-smorrebrod'],
    ['Łódź, Ærøskøbing, Þórsmörk', 'lodz-aeroskobing-thorsmork'],
    ['  --Leading and trailing--  ', 'leading-and-trailing'],
    ['Ünïcödé ñ', 'unicode-n'],
    ['C++ in 2026: what’s new?', 'c-in-2026-what-s-new'],
    ['日本語', ''],
    ['!!!', ''],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('cuts long titles at a word boundary within 80 characters', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).toMatch(/^word(-word)*$/);
    expect(slugify('a'.repeat(120))).toBe('a'.repeat(80));
  });
});

describe('normalizeTags', () => {
  it('splits on commas, lowercases, joins words with dashes, drops duplicates and #', () => {
    expect(normalizeTags('AWS, Web Components,, #aws , travel')).toEqual(['aws', 'web-components', 'travel']);
    expect(normalizeTags('')).toEqual([]);
  });
});

describe('validatePost', () => {
  it('accepts a valid post', () => {
    expect(postProblems(valid)).toEqual([]);
    expect(() => validatePost(valid)).not.toThrow();
  });

  it.each([
    [{ title: '   ' }, 'title', /title/],
    [{ title: 'x'.repeat(201) }, 'title', /at most 200/],
    [{ slug: '' }, 'slug', /address/],
    [{ slug: 'Hello' }, 'slug', /lowercase/],
    [{ slug: 'a--b' }, 'slug', /single dashes/],
    [{ slug: '-a' }, 'slug', /address/],
    [{ slug: 'a'.repeat(81) }, 'slug', /1–80/],
    [{ tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'tags', /at most 5/],
    [{ tags: ['Web'] }, 'tags', /"Web" is not a valid tag/],
    [{ tags: ['a b'] }, 'tags', /not a valid tag/],
    [{ tags: ['x'.repeat(31)] }, 'tags', /1–30/],
    [{ tags: ['aws', 'aws'] }, 'tags', /twice/],
    [{ excerpt: 'x'.repeat(301) }, 'excerpt', /at most 300/],
  ])('%j is refused on %s', (change, field, message) => {
    const fields = { ...valid, ...change };
    try {
      validatePost(fields);
      expect.unreachable('validatePost should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PostValidationError);
      expect((error as PostValidationError).code).toBe('post-invalid');
      expect((error as PostValidationError).field).toBe(field);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('counts characters, not UTF-16 units, for limits', () => {
    expect(postProblems({ ...valid, title: '😀'.repeat(200) })).toEqual([]);
  });
});

describe('itemSize', () => {
  it('counts names and UTF-8 values as DynamoDB does', () => {
    expect(itemSize({ a: 'xyz' })).toBe(4);
    expect(itemSize({ a: 'é' })).toBe(3);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
    expect(itemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + 1 + 2 + 1 + 1);
    expect(itemSize({ b: true, u: undefined })).toBe(2);
  });

  it('refuses an item over the limit with a typed, explained error', () => {
    expect(() => assertItemFits({ body: 'x'.repeat(POST_LIMITS.itemMaxBytes - 10) })).not.toThrow();
    try {
      assertItemFits({ body: 'x'.repeat(POST_LIMITS.itemMaxBytes + 1) });
      expect.unreachable('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PostTooLargeError);
      expect((error as PostTooLargeError).code).toBe('post-too-large');
      expect((error as Error).message).toMatch(/too long to save: 351 KB.*at most 350 KB/);
    }
  });
});
