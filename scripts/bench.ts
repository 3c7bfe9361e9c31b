/**
 * `npm run bench`: what readers download and what reading costs.
 *
 * 1. Size: a production build into a temporary folder; the JavaScript a reader downloads before the
 *    first post is visible (the entry chunk and everything it imports statically, per Vite's manifest),
 *    gzip -9, against a 110 KB budget; and the editor's chunks, which only writers load.
 * 2. Capacity: a local stack on free ports with ~200 seeded posts. Every page of the feed (20 posts),
 *    a tag page and an author page, with the read capacity DynamoDB reports (ReturnConsumedCapacity
 *    TOTAL), against the minimum those items' bytes require (sum of sizes rounded up to 4 KB, eventually
 *    consistent = half a unit per 4 KB); and the same first page served by Scan-and-filter.
 * 3. The static-first site on the same stack, in real Chromium (scripts/lib/bench-site.ts): time to
 *    text and LCP of a rendered post page and author page against hand-written pages of the same
 *    content from the same server (and the SPA's post page); JavaScript before the text; JavaScript
 *    that makes comments interactive; publish to live page and S3 writes per publish; Lighthouse.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Pluggable } from '@smithy/types';
import { build, type Manifest } from 'vite';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { reservePort } from '../local-aws/ports.ts';
import { type LocalStack, startLocalStack } from '../local-aws/stack.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { PARTITION_PREFIX, POST_SORT_PREFIX } from '../src/core/model.ts';
import { type FeedPage, listFeed } from '../src/data/feed.ts';
import { itemSize } from '../src/data/post-rules.ts';
import { listAuthorPosts, listTag, type PostStore } from '../src/data/posts.ts';
import { measureCommentPages } from './lib/bench-comment-pages.ts';
import { measureEmbed } from './lib/bench-embed.ts';
import { S3WriteTally } from './lib/bench-publish.ts';
import { pairedRatio } from './lib/bench-reading.ts';
import { measureSite, type SiteFigures } from './lib/bench-site.ts';
import { seedDemoContent } from './lib/seed-demo.ts';

/** The last AWS SDK v2 browser bundle (aws-sdk 2.1693.0 dist/aws-sdk.min.js), gzip: what one SDK cost before v3. */
const SDK_V2_GZIP_KB = 443;

const root = resolve(import.meta.dirname, '..');
const READER_BUDGET_KB = 110;
const POSTS_PER_AUTHOR = 67;
/** Loads of each page in Chromium (median and p95), and publishes timed to the live page. */
const READING_LOADS = 15;
const PUBLISHES = 20;
const READING_GOAL_RATIO = 1.2;
const COMMENTS_JS_GOAL_KB = 75;
const COMMENT_PAGE_GOAL_RATIO = 1.25;
const LIGHTHOUSE_GOAL = 98;
const PUBLISH_P95_GOAL_MS = 2000;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((row) => line(row.map(String))),
  ].join('\n');
}

// --- 3. The static-first site (printing; the measuring is in scripts/lib/bench-site.ts) ----------

function printSite(site: SiteFigures) {
  const ms = (value: number) => value.toFixed(0);
  const times = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
  const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER');
  const { post, postBaseline, spaPost, author, authorBaseline } = site.reading;
  const row = (label: string, page: typeof post, base: typeof post) => {
    const text = page.text.median / base.text.median;
    const lcp = page.lcp.median / base.lcp.median;
    const isBase = page === base;
    return [
      label,
      `${ms(page.text.median)} / ${ms(page.text.p95)}`,
      `${ms(page.lcp.median)} / ${ms(page.lcp.p95)}`,
      isBase ? '1.00x (base)' : times(page.text.median, base.text.median),
      isBase ? '1.00x (base)' : times(page.lcp.median, base.lcp.median),
      isBase
        ? ''
        : `${pairedRatio(page.textSamples, base.textSamples).toFixed(2)}x / ${pairedRatio(page.lcpSamples, base.lcpSamples).toFixed(2)}x`,
      isBase ? '' : `${verdict(text <= READING_GOAL_RATIO && lcp <= READING_GOAL_RATIO)}`,
      kb(page.jsBeforeTextGzip),
    ];
  };
  console.log(
    `\nReading in Chromium (${post.text.samples} cold loads each, in turn; ms from navigation start, median / p95; ` +
      `ratios of medians against the hand-written page of the same content, and the median of per-round ratios; ` +
      `goal ≤ ${READING_GOAL_RATIO}x on the ratio of medians)\n`,
  );
  console.log(
    table(
      [
        'Page',
        'Text ms',
        'LCP ms',
        'Text ratio',
        'LCP ratio',
        'Paired text / LCP',
        'Goal',
        'JS before text KB gz',
      ],
      [
        row(`Rendered post ${site.postPath}`, post, postBaseline),
        row('Hand-written post (baseline)', postBaseline, postBaseline),
        row('Old SPA post /authors/<id>/posts/<slug>', spaPost, postBaseline),
        row(`Rendered author page ${site.authorPath} (home stand-in)`, author, authorBaseline),
        row('Hand-written author page (baseline)', authorBaseline, authorBaseline),
      ],
    ),
  );
  const { commentsJs, publish, lighthouse } = site;
  const lh = (page: typeof lighthouse.post, base: typeof lighthouse.post) =>
    `${page.score} [${page.runs?.join(', ')}] (baseline ${base.score} [${base.runs?.join(', ')}]; LCP ${ms(page.lcp)} vs ${ms(base.lcp)} ms simulated)`;
  console.log('\nStatic-first site: goals\n');
  console.log(
    table(
      ['What', 'Figure', 'Goal', ''],
      [
        [
          'JS requested before the post text is painted (rendered post, gzip -9)',
          `${kb(post.jsBeforeTextGzip)} KB${post.jsBeforeTextFiles.length ? ` (${post.jsBeforeTextFiles.join(', ')})` : ''}`,
          '0',
          verdict(post.jsBeforeTextGzip === 0),
        ],
        [
          'JS to make comments interactive (embed.js + the iframe, gzip -9)',
          `${kb(commentsJs.gzipBytes)} KB in ${commentsJs.files.length} files${commentsJs.ready ? '' : ' (widget did not finish loading)'}`,
          `≤ ${COMMENTS_JS_GOAL_KB} KB`,
          `${verdict(commentsJs.gzipBytes / 1024 <= COMMENTS_JS_GOAL_KB)} (${(commentsJs.gzipBytes / 1024 / COMMENTS_JS_GOAL_KB).toFixed(2)}x goal)`,
        ],
        [
          `Publish to live page, ${publish.publishes} publishes (p50 / p95)`,
          `${ms(publish.live.median)} / ${ms(publish.live.p95)} ms`,
          `p95 ≤ ${PUBLISH_P95_GOAL_MS} ms`,
          verdict(publish.live.p95 <= PUBLISH_P95_GOAL_MS),
        ],
        [
          'S3 writes per publish by the publisher (Put + Delete, median / max)',
          `${publish.publisherWrites.median} / ${publish.publisherWrites.max}`,
          '',
          '',
        ],
        [
          "S3 writes per publish by the writer's browser (author Atom feed)",
          `${publish.writerWrites.median} / ${publish.writerWrites.max}`,
          '',
          '',
        ],
        [
          'Lighthouse performance, rendered post',
          lh(lighthouse.post, lighthouse.postBaseline),
          `≥ ${LIGHTHOUSE_GOAL}`,
          verdict(lighthouse.post.score >= LIGHTHOUSE_GOAL),
        ],
        [
          'Lighthouse performance, rendered author page',
          lh(lighthouse.author, lighthouse.authorBaseline),
          `≥ ${LIGHTHOUSE_GOAL}`,
          verdict(lighthouse.author.score >= LIGHTHOUSE_GOAL),
        ],
      ],
    ),
  );
  console.log(
    `\nComments JS files: ${commentsJs.files.map((f) => `${f.path} ${kb(f.gzipBytes)}`).join(', ')}.` +
      `\nOld SPA post: text ${times(spaPost.text.median, post.text.median)} the rendered page's; JS before its text ${kb(spaPost.jsBeforeTextGzip)} KB.`,
  );
}

// --- 1. Bundle sizes -----------------------------------------------------------------------------

/** Builds into `outDir` (kept: the site measurements serve it) and sizes the chunks. */
async function measureBundle(outDir: string) {
  await build({
    root,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false },
  });
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const gz = async (file: string) => gzipSync(await readFile(join(outDir, file)), { level: 9 }).length;
  /** A chunk and its static imports, transitively (what the browser must fetch before running it). */
  const staticClosure = (key: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) staticClosure(imported, seen);
    return seen;
  };
  const keyOf = (source: string) => {
    // Entries are keyed by their source; shared chunks by `_<module name>-<hash>.js`.
    const shared = `_${source.split('/').pop()!.replace(/\.ts$/, '')}-`;
    const key = Object.keys(manifest).find(
      (k) => k === source || k.endsWith(source) || (k.startsWith(shared) && k.endsWith('.js')),
    );
    if (!key) throw new Error(`${source} is not in the build manifest`);
    return key;
  };
  const sum = async (keys: Iterable<string>) => {
    let total = 0;
    for (const key of keys) total += await gz(manifest[key]!.file);
    return total;
  };
  const reader = staticClosure(keyOf('index.html'));
  const writePage = staticClosure(keyOf('src/pages/ink-write-page/ink-write-page.ts'));
  const editor = staticClosure(keyOf('src/components/ink-editor/ink-editor.ts'));
  const renderer = staticClosure(keyOf('src/markdown/render.ts'));
  const writerExtra = new Set([...writePage, ...editor].filter((key) => !reader.has(key)));
  const rendererOnly = new Set([...renderer].filter((key) => !reader.has(key)));
  const editorOnly = new Set(
    [...editor].filter((key) => !reader.has(key) && !writePage.has(key) && !renderer.has(key)),
  );
  const embed = await measureEmbed(outDir);
  return {
    embed,
    readerBytes: await sum(reader),
    readerChunks: reader.size,
    editorBytes: await sum(editorOnly),
    rendererBytes: await sum(rendererOnly),
    writerExtraBytes: await sum(writerExtra),
    writerChunks: writerExtra.size,
  };
}

// --- 2. Read capacity ----------------------------------------------------------------------------

interface Capacity {
  units: number;
  calls: number;
  /** Bytes of the items the calls returned, as DynamoDB sizes them. */
  bytes: number;
}

/** Asks every DynamoDB call for its consumed capacity and adds it up. */
function capacityRecorder(capacity: Capacity): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          const input = args.input as Record<string, unknown>;
          const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
          const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } })
            .ConsumedCapacity;
          capacity.units += consumed?.CapacityUnits ?? 0;
          capacity.calls++;
          for (const item of (result.output as { Items?: Record<string, unknown>[] }).Items ?? []) {
            capacity.bytes += itemSize(isMarshalled(item) ? unmarshall(item as never) : item);
          }
          return result;
        },
        { step: 'initialize', name: 'benchCapacityRecorder' },
      );
    },
  };
}

/** The recorder sits below the document client's translation, where items may still be attribute values. */
function isMarshalled(item: Record<string, unknown>): boolean {
  const first = Object.values(item)[0];
  return (
    typeof first === 'object' &&
    first !== null &&
    Object.keys(first).length === 1 &&
    /^(S|N|B|SS|NS|BS|M|L|NULL|BOOL)$/.test(Object.keys(first)[0]!)
  );
}

/** The least a read of this many bytes can cost: 4 KB units, half a unit each (eventually consistent). */
function minimumUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) * 0.5;
}

async function measureCapacity(stack: LocalStack) {
  const seeded = await seedDemoContent({ config: stack.appConfig, postsPerAuthor: POSTS_PER_AUTHOR });
  const capacity: Capacity = { units: 0, calls: 0, bytes: 0 };
  const clients = createAwsClients({
    region: stack.appConfig.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
    plugins: [capacityRecorder(capacity)],
  });
  const store: PostStore = { documents: clients.documents, tableName: stack.tableName };
  const measure = async (read: () => Promise<FeedPage>) => {
    const before = { ...capacity };
    const page = await read();
    return {
      page,
      units: capacity.units - before.units,
      calls: capacity.calls - before.calls,
      bytes: capacity.bytes - before.bytes,
      minimum: minimumUnits(capacity.bytes - before.bytes),
    };
  };

  const feedRows: { units: number; calls: number; minimum: number; posts: number; bytes: number }[] = [];
  let cursor: string | undefined;
  do {
    const result = await measure(() =>
      listFeed(clients.documents, stack.tableName, { limit: 20, ...(cursor ? { cursor } : {}) }),
    );
    feedRows.push({
      units: result.units,
      calls: result.calls,
      minimum: result.minimum,
      bytes: result.bytes,
      posts: result.page.posts.length,
    });
    cursor = result.page.next;
  } while (cursor);

  const tag = await measure(() => listTag(store, 'demo', { limit: 20 }));
  const author = await measure(() => listAuthorPosts(store, seeded.authors[0]!, { limit: 20 }));

  // Scan-and-filter: the newest 20 published posts need every item read (a Scan cannot sort), then
  // sorted in the client. One full pass per feed page, unless cached.
  const scanBefore = { ...capacity };
  const published: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await clients.documents.send(
      new ScanCommand({
        TableName: stack.tableName,
        FilterExpression: '#type = :post AND begins_with(#pk, :public) AND begins_with(#sk, :postKey)',
        ExpressionAttributeNames: { '#type': 'type', '#pk': 'PK', '#sk': 'SK' },
        ExpressionAttributeValues: {
          ':post': 'post',
          ':public': PARTITION_PREFIX.public,
          ':postKey': POST_SORT_PREFIX,
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    published.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  const scan = {
    units: capacity.units - scanBefore.units,
    calls: capacity.calls - scanBefore.calls,
    bytes: capacity.bytes - scanBefore.bytes,
  };
  const firstPage = feedRows[0]!;
  clients.destroy();
  return {
    seeded: seeded.posts,
    authorId: seeded.authors[0]!,
    newestSlug: author.page.posts[0]!.slug,
    published: published.length,
    feedRows,
    tag,
    author,
    scan,
    firstPage,
  };
}

const outDir = await mkdtemp(join(tmpdir(), 'inkwell-bench-build-'));
const dataDir = await mkdtemp(join(tmpdir(), 'inkwell-bench-stack-'));
let stack: LocalStack | undefined;
try {
  const bundle = await measureBundle(outDir);
  console.log('\nJavaScript (gzip -9)\n');
  console.log(
    table(
      ['What', 'KB', 'Chunks', 'Budget'],
      [
        [
          'Reader: entry + static imports (before the first post shows)',
          kb(bundle.readerBytes),
          bundle.readerChunks,
          `${READER_BUDGET_KB} KB ${bundle.readerBytes / 1024 <= READER_BUDGET_KB ? 'ok' : 'OVER'}`,
        ],
        ['Markdown renderer, loaded beside a post (post page, preview)', kb(bundle.rendererBytes), '', ''],
        ['Editor chunk (EasyMDE + CodeMirror + CSS), writers only', kb(bundle.editorBytes), '', ''],
        [
          'Everything a writer adds on /write (page, editor, renderer)',
          kb(bundle.writerExtraBytes),
          bundle.writerChunks,
          '',
        ],
        [
          'Comments loader (embed.js) on a host page',
          kb(bundle.embed.loader.gzipBytes),
          1,
          `3 KB ${bundle.embed.loaderWithinBudget ? 'ok' : 'OVER'}`,
        ],
        [
          'Comments widget (iframe), loaded when scrolled into view',
          kb(bundle.embed.widget.gzipBytes),
          bundle.embed.widget.files.length,
          '',
        ],
      ],
    ),
  );
  console.log(
    `\nReader JS is ${((bundle.readerBytes / 1024 / SDK_V2_GZIP_KB) * 100).toFixed(0)}% of the v2 SDK bundle alone ` +
      `(${SDK_V2_GZIP_KB} KB gzip): ratio ${(bundle.readerBytes / 1024 / SDK_V2_GZIP_KB).toFixed(2)}.`,
  );

  // One stack for capacity and the site: it admits the preview server's origin (CORS, sign-in).
  const appPort = await reservePort(0, 'app (bench preview)');
  const tally = new S3WriteTally();
  stack = await startLocalStack({
    dataDir,
    ports: { gateway: 0, oidc: 0, dynamodb: 0, s3: 0 },
    appOrigins: [`http://127.0.0.1:${appPort}`],
    onGatewayLog: tally.record,
  });
  const capacity = await measureCapacity(stack);
  const ratio = (units: number, minimum: number) => (units / minimum).toFixed(2);
  const feedUnits = capacity.feedRows.map((row) => row.units);
  const feedRatios = capacity.feedRows.map((row) => row.units / row.minimum);
  console.log(`\nRead capacity, ${capacity.seeded} seeded posts (${capacity.published} published copies)\n`);
  console.log(
    table(
      ['Read', 'Calls', 'KB returned', 'RCU', 'Minimum RCU', 'Ratio'],
      [
        ...capacity.feedRows.map((row, i) => [
          `Feed page ${i + 1} (${row.posts} posts)`,
          row.calls,
          kb(row.bytes),
          row.units,
          row.minimum,
          ratio(row.units, row.minimum),
        ]),
        [
          'Tag page "demo" (20 posts, by-tag GSI)',
          capacity.tag.calls,
          kb(capacity.tag.bytes),
          capacity.tag.units,
          capacity.tag.minimum,
          ratio(capacity.tag.units, capacity.tag.minimum),
        ],
        [
          'Author page (20 posts, by-date LSI)',
          capacity.author.calls,
          kb(capacity.author.bytes),
          capacity.author.units,
          capacity.author.minimum,
          ratio(capacity.author.units, capacity.author.minimum),
        ],
        [
          'Feed page 1 by Scan-and-filter (whole table)',
          capacity.scan.calls,
          kb(capacity.scan.bytes),
          capacity.scan.units,
          capacity.firstPage.minimum,
          ratio(capacity.scan.units, capacity.firstPage.minimum),
        ],
      ],
    ),
  );
  console.log(
    `\nFeed: ${capacity.feedRows.length} pages, ${feedUnits.reduce((a, b) => a + b, 0)} RCU in all; ` +
      `ratio to minimum ${Math.min(...feedRatios).toFixed(2)}–${Math.max(...feedRatios).toFixed(2)}. ` +
      `Scan-and-filter costs ${(capacity.scan.units / capacity.firstPage.units).toFixed(0)}× the indexed first page, ` +
      'and grows with the table, not the page.',
  );

  // Comment threads: the widget's first page against the floor for the bytes it shows (goal ≤ 1.25x).
  const threads = [await measureCommentPages(stack, 50), await measureCommentPages(stack, 500)];
  console.log(
    '\nComment threads (by-post; floor = half a unit per 4 KB shown, rounded up per request; goal ≤ 1.25x)\n',
  );
  console.log(
    table(
      [
        'Thread',
        'Whole thread RCU (calls)',
        'First page RCU (calls)',
        'Floor',
        'Ratio',
        'Like counts RCU',
        '"More" RCU (calls)',
        'Goal',
      ],
      threads.map((t) => [
        `${t.comments} comments`,
        `${t.whole.units} (${t.whole.calls})`,
        `${t.firstPage.units} (${t.firstPage.calls})`,
        t.firstPage.floor,
        (t.firstPage.units / t.firstPage.floor).toFixed(2),
        t.firstPage.likeUnits,
        `${t.more.units} (${t.more.calls})`,
        t.firstPage.units / t.firstPage.floor <= COMMENT_PAGE_GOAL_RATIO ? 'ok' : 'OVER',
      ]),
    ),
  );

  const site = await measureSite({
    root,
    outDir,
    stack,
    appPort,
    tally,
    authorId: capacity.authorId,
    slug: capacity.newestSlug,
    loads: READING_LOADS,
    publishes: PUBLISHES,
    log: (line) => console.log(`\n${line}`),
  });
  printSite(site);
} finally {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
}
// Chromium, Lighthouse and the SDK's keep-alive sockets are closed; exit without waiting on idle timers.
process.exit(0);
