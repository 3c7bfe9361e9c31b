import { describe, expect, it } from 'vitest';
import {
  decodeKeyCursor,
  encodeKeyCursor,
  fromBase64Url,
  InvalidCursorError,
  toBase64Url,
} from './cursor.ts';
import { decodeCursor, encodeCursor, previousYear } from './feed.ts';

const tagKey = { PK: 'U#us-east-1:é', SK: 'T#aws#hello', GSI2PK: 'TAG#aws', GSI2SK: '2026-11-01#u#hello' };
const expected = {
  attributes: ['PK', 'SK', 'GSI2PK', 'GSI2SK'],
  partition: { name: 'GSI2PK', value: 'TAG#aws' },
};

describe('key cursors', () => {
  it('round-trip a LastEvaluatedKey through a URL-safe string, non-ASCII included', () => {
    const text = encodeKeyCursor(tagKey);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeyCursor(text, expected)).toEqual(tagKey);
    expect(fromBase64Url(toBase64Url({ a: '😀' }))).toEqual({ a: '😀' });
  });

  it.each([
    ['garbage', '%%%'],
    ['not JSON', btoa('nope')],
    ['another list’s partition', encodeKeyCursor({ ...tagKey, GSI2PK: 'TAG#web' })],
    ['an extra attribute', encodeKeyCursor({ ...tagKey, body: 'x' })],
    ['a missing attribute', encodeKeyCursor({ PK: tagKey.PK, SK: tagKey.SK, GSI2PK: tagKey.GSI2PK })],
    ['a non-string value', encodeKeyCursor({ ...tagKey, SK: { S: 'x' } })],
    ['an array', toBase64Url([1])],
  ])('refuses %s', (_, text) => {
    expect(() => decodeKeyCursor(text, expected)).toThrow(InvalidCursorError);
  });
});

describe('feed cursors', () => {
  it('round-trip year and key', () => {
    const cursor = {
      m: '2026',
      k: { PK: 'U#a', SK: 'P#x', GSI1PK: 'FEED#2026', GSI1SK: '2026-10-02#a#x' },
    };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ m: '2025' }))).toEqual({ m: '2025' });
  });

  it('refuses a key from another year, a bad year, or garbage', () => {
    const wrong = { m: '2026', k: { PK: 'U#a', SK: 'P#x', GSI1PK: 'FEED#2025', GSI1SK: 'x' } };
    expect(() => decodeCursor(encodeCursor(wrong))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(encodeCursor({ m: '2026-10' }))).toThrow(InvalidCursorError);
    expect(() => decodeCursor('!!')).toThrow(InvalidCursorError);
  });

  it('steps years back', () => {
    expect(previousYear('2026')).toBe('2025');
    expect(previousYear('1000')).toBe('0999');
  });
});
