/**
 * Publish to live page: a writer signed in from Node (the real OpenID flow and identity pool, as the
 * browser does it) creates a post and publishes it with the app's own data layer (`publishPost`: the
 * transaction, then the author's Atom feed). The clock runs from the publish call to the first GET of
 * the post's readable URL, on the app's origin, that serves the rendered page with the new title.
 *
 * S3 writes are counted from the gateway's log (`onGatewayLog`): PutObject and DeleteObject calls,
 * split by who made them (the publisher's role, or the writer's own feed rewrite), from the publish
 * until the publisher's stream runner is drained: the whole cost of one publish.
 */
import type { GatewayLogEntry } from '../../local-aws/gateway/server.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { sitePaths } from '../../src/core/site/paths.ts';
import { createPost, type PostStore, publishPost } from '../../src/data/posts.ts';
import { type Spread, spread } from './bench-stats.ts';
import { signInFromNode } from './node-sign-in.ts';

/** Keeps the gateway's S3 writes: pass `record` as the stack's `onGatewayLog`. */
export class S3WriteTally {
  #writes: { publisher: boolean }[] = [];
  readonly record = (entry: GatewayLogEntry) => {
    // The gateway logs S3 calls as `<method> <path>`: PUT is PutObject (or a part), DELETE DeleteObject.
    if (entry.service !== 's3' || entry.status >= 300) return;
    if (!/^(PUT|DELETE) /.test(entry.operation)) return;
    this.#writes.push({ publisher: entry.principal.includes('inkwell-publisher') });
  };
  mark(): number {
    return this.#writes.length;
  }
  since(mark: number): { publisher: number; writer: number } {
    const writes = this.#writes.slice(mark);
    const publisher = writes.filter((w) => w.publisher).length;
    return { publisher, writer: writes.length - publisher };
  }
}

export interface PublishFigures {
  live: Spread;
  /** Per publish, median and largest. */
  publisherWrites: { median: number; max: number };
  writerWrites: { median: number; max: number };
  publishes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measurePublishToLive(options: {
  stack: LocalStack;
  appUrl: string;
  tally: S3WriteTally;
  /** The writer's handle on the site (`/@<handle>`). */
  handle: string;
  publishes: number;
}): Promise<PublishFigures> {
  const { stack, appUrl, tally } = options;
  const runner = stack.publisher?.runner;
  if (!runner) throw new Error('the stack runs no publisher');
  const writer = await signInFromNode(stack.appConfig, 'alice');
  const store: PostStore = {
    documents: writer.clients.documents,
    tableName: stack.tableName,
    s3: writer.clients.s3,
    bucketName: stack.bucketName,
    assetBaseUrl: stack.appConfig.assetBaseUrl,
  };
  const stamp = Date.now().toString(36);
  const live: number[] = [];
  const publisherWrites: number[] = [];
  const writerWrites: number[] = [];
  try {
    for (let i = 0; i < options.publishes; i++) {
      const slug = `bench-live-${stamp}-${i}`;
      const title = `Bench live ${stamp} ${i}`;
      const draft = await createPost(store, {
        authorId: writer.id,
        authorName: writer.name,
        slug,
        title,
        body: `Published by the bench, number ${i}.\n\nA second paragraph.`,
        excerpt: 'Bench',
        tags: ['bench'],
        clientToken: `${stamp}-${i}`,
      });
      await runner.drained(60_000);
      const url = `${appUrl}${sitePaths.post(options.handle, slug)}`;
      const mark = tally.mark();
      const started = performance.now();
      await publishPost(store, draft, { siteUrl: appUrl });
      for (;;) {
        const response = await fetch(url);
        const text = await response.text();
        if (response.ok && text.includes(`<h1>${title}</h1>`)) break;
        if (performance.now() - started > 30_000) throw new Error(`${url} was not live after 30 s`);
        await sleep(20);
      }
      live.push(performance.now() - started);
      await runner.drained(60_000);
      const writes = tally.since(mark);
      publisherWrites.push(writes.publisher);
      writerWrites.push(writes.writer);
    }
  } finally {
    writer.clients.destroy();
  }
  const summary = (values: number[]) => ({ median: spread(values).median, max: Math.max(...values) });
  return {
    live: spread(live),
    publisherWrites: summary(publisherWrites),
    writerWrites: summary(writerWrites),
    publishes: live.length,
  };
}
