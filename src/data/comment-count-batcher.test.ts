import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommentCountBatcher } from './comment-count-batcher.ts';

describe('CommentCountBatcher', () => {
  it('fetches every count asked for in the same task in one request, once per post', async () => {
    const fetch = vi.fn(async (refs: string[]) => new Map(refs.map((ref, index) => [ref, index + 1])));
    const batcher = new CommentCountBatcher(fetch);
    const counts = await Promise.all([
      batcher.count('a/one'),
      batcher.count('a/two'),
      batcher.count('a/one'),
    ]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(['a/one', 'a/two']);
    expect(counts).toEqual([1, 2, 1]);
  });

  it('splits more than 100 posts into requests of 100', async () => {
    const fetch = vi.fn(async (refs: string[]) => new Map(refs.map((ref) => [ref, 7])));
    const batcher = new CommentCountBatcher(fetch);
    const refs = Array.from({ length: 250 }, (_, index) => `author/post-${index}`);
    const counts = await Promise.all(refs.map((ref) => batcher.count(ref)));
    expect(fetch.mock.calls.map(([batch]) => batch.length)).toEqual([100, 100, 50]);
    expect(counts.every((count) => count === 7)).toBe(true);
  });

  it('counts posts the response does not mention as 0, and starts a new batch after a flush', async () => {
    const fetch = vi.fn(async () => new Map<string, number>());
    const batcher = new CommentCountBatcher(fetch);
    expect(await batcher.count('a/none')).toBe(0);
    expect(await batcher.count('a/later')).toBe(0);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('resolves a count the fetch reports as unknown (a broken counter) as undefined', async () => {
    const batcher = new CommentCountBatcher(async () => new Map([['a/broken', undefined]]));
    expect(await batcher.count('a/broken')).toBeUndefined();
  });

  describe('by default', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('schedules with queueMicrotask called as a plain function, as browsers require', async () => {
      const native = globalThis.queueMicrotask;
      // Chromium's queueMicrotask throws "Illegal invocation" when called with any other `this`.
      vi.stubGlobal('queueMicrotask', function (this: unknown, callback: VoidFunction) {
        if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
        native(callback);
      });
      const batcher = new CommentCountBatcher(async (refs) => new Map(refs.map((ref) => [ref, 5])));
      expect(await batcher.count('a/five')).toBe(5);
    });
  });

  it('rejects every waiter of a failed batch', async () => {
    const batcher = new CommentCountBatcher(async () => {
      throw new Error('offline');
    });
    await expect(Promise.all([batcher.count('a/x'), batcher.count('a/y')])).rejects.toThrow('offline');
  });
});
