/**
 * Collects every comment count asked for in the same task (all the <ink-comment-count> elements an
 * index page renders at once) and fetches them together: one BatchGetItem per 100 posts instead of one
 * request per post.
 */
import { BATCH_GET_LIMIT } from './comments.ts';

/** Counts by post ref; a post the map does not mention counts 0, one mapped to undefined is unknown. */
export type FetchCounts = (postRefs: string[]) => Promise<Map<string, number | undefined>>;

interface Waiter {
  resolve: (count: number | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * `queueMicrotask` called as a plain function: kept in a field and called as `this.#schedule(...)`, it
 * would get the batcher as `this`, which browsers refuse ("Illegal invocation").
 */
function endOfTask(flush: () => void): void {
  queueMicrotask(flush);
}

export class CommentCountBatcher {
  readonly #fetch: FetchCounts;
  readonly #schedule: (flush: () => void) => void;
  #pending = new Map<string, Waiter[]>();
  #scheduled = false;

  /**
   * @param fetch - fetches counts for at most 100 post refs (`<authorId>/<slug>`) in one request.
   * @param schedule - when to flush; default the end of the current task (a microtask).
   */
  constructor(fetch: FetchCounts, schedule: (flush: () => void) => void = endOfTask) {
    this.#fetch = fetch;
    this.#schedule = schedule;
  }

  /** The comment count of one post (undefined: unknown); resolved by the batch it joins. */
  count(postRef: string): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      const waiters = this.#pending.get(postRef) ?? [];
      waiters.push({ resolve, reject });
      this.#pending.set(postRef, waiters);
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.#schedule(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    const refs = [...pending.keys()];
    for (let start = 0; start < refs.length; start += BATCH_GET_LIMIT) {
      const batch = refs.slice(start, start + BATCH_GET_LIMIT);
      this.#fetch(batch).then(
        (counts) => {
          for (const ref of batch)
            for (const waiter of pending.get(ref) ?? [])
              waiter.resolve(counts.has(ref) ? counts.get(ref) : 0);
        },
        (error: unknown) => {
          for (const ref of batch) for (const waiter of pending.get(ref) ?? []) waiter.reject(error);
        },
      );
    }
  }
}
