/**
 * The static-first site, measured end to end in one run: the production build served by Vite's
 * preview server with the same plugins as `npm start -- --app=dist` (config.json, and rendered pages
 * from the bucket's `pages/` prefix on the app's origin), over a seeded local stack whose publisher
 * has rendered the site.
 *
 * Baselines are hand-written pages of the same content (bench-reading.ts `baselineHtml`), stored in
 * the bucket beside the rendered pages (`pages/_bench/…`, which the publisher neither owns nor lists),
 * so they come from the same origin, the same server and the same route (preview server → gateway →
 * S3) as the pages they are compared with.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { findChromium } from '../../e2e/support/chromium.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../../local-aws/admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { createAwsClients } from '../../src/aws/client-factory.ts';
import { PAGE_CACHE_CONTROL } from '../../src/core/site/build-site.ts';
import { sitePaths } from '../../src/core/site/paths.ts';
import { type CommentsJsFigures, measureCommentsJs } from './bench-comments-js.ts';
import { type LighthouseScore, lighthouseScores } from './bench-lighthouse.ts';
import { measurePublishToLive, type PublishFigures, type S3WriteTally } from './bench-publish.ts';
import { baselineHtml, measureReading, type ReadingFigures } from './bench-reading.ts';
import { runtimeConfigPlugin } from './runtime-config-plugin.ts';
import { sitePagesPlugin } from './site-pages-plugin.ts';

export interface SiteFigures {
  postPath: string;
  authorPath: string;
  reading: {
    post: ReadingFigures;
    postBaseline: ReadingFigures;
    spaPost: ReadingFigures;
    author: ReadingFigures;
    authorBaseline: ReadingFigures;
  };
  commentsJs: CommentsJsFigures;
  publish: PublishFigures;
  lighthouse: {
    post: LighthouseScore;
    postBaseline: LighthouseScore;
    author: LighthouseScore;
    authorBaseline: LighthouseScore;
  };
}

export interface SiteBenchOptions {
  root: string;
  /** The production build (kept from the size measurement). */
  outDir: string;
  stack: LocalStack;
  /** The port the stack admits as the app's origin. */
  appPort: number;
  tally: S3WriteTally;
  /** The seeded author whose newest post and author page are measured, and their newest slug. */
  authorId: string;
  slug: string;
  loads: number;
  publishes: number;
  log: (line: string) => void;
}

const BASELINE = { post: '/_bench/post', author: '/_bench/author' };

/** The post's readable path, as the sitemap lists it. */
async function readablePath(appUrl: string, slug: string): Promise<string> {
  const sitemap = await (await fetch(`${appUrl}${sitePaths.sitemap()}`)).text();
  const loc = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)]
    .map((m) => m[1]!)
    .find((u) => u.endsWith(`/${slug}`));
  if (!loc) throw new Error(`the sitemap does not list ${slug}`);
  return new URL(loc).pathname;
}

export async function measureSite(options: SiteBenchOptions): Promise<SiteFigures> {
  const { stack, log } = options;
  const publisher = stack.publisher;
  if (!publisher) throw new Error('the stack runs no publisher');
  log('rendering the public site (stream, then backfill)…');
  await publisher.runner.drained(600_000);
  await publisher.backfill();

  const site = { gatewayUrl: stack.gatewayUrl, bucketName: stack.bucketName };
  const server = await preview({
    root: options.root,
    logLevel: 'silent',
    plugins: [runtimeConfigPlugin(() => stack.appConfig), sitePagesPlugin(() => site)],
    build: { outDir: options.outDir },
    preview: { port: options.appPort, host: '127.0.0.1', strictPort: true },
  });
  const appUrl = `http://127.0.0.1:${options.appPort}`;
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  try {
    const postPath = await readablePath(appUrl, options.slug);
    const authorPath = postPath.slice(0, postPath.lastIndexOf('/'));
    const handle = decodeURIComponent(authorPath.slice(2));

    const admin = createAwsClients({
      region: stack.appConfig.region,
      endpoint: stack.gatewayUrl,
      credentials: LOCAL_ADMIN_CREDENTIALS,
    });
    for (const [path, source] of [
      [BASELINE.post, postPath],
      [BASELINE.author, authorPath],
    ] as const) {
      const rendered = await (await fetch(`${appUrl}${source}`)).text();
      await admin.s3.send(
        new PutObjectCommand({
          Bucket: stack.bucketName,
          Key: `pages${path}`,
          Body: baselineHtml(rendered),
          ContentType: 'text/html; charset=utf-8',
          CacheControl: PAGE_CACHE_CONTROL,
        }),
      );
    }
    admin.destroy();

    log(`reading in Chromium: ${options.loads} loads of each page…`);
    const firstParagraph = 'This is demo post number';
    // Every seeded excerpt says this: the first match on an author page is its first card's excerpt.
    const firstExcerpt = 'a demo post seeded';
    const [post, postBaseline, spaPost, author, authorBaseline] = await measureReading(
      browser,
      [
        { label: 'post', url: `${appUrl}${postPath}`, needle: firstParagraph },
        { label: 'post baseline', url: `${appUrl}${BASELINE.post}`, needle: firstParagraph },
        {
          label: 'SPA post',
          url: `${appUrl}/authors/${encodeURIComponent(options.authorId)}/posts/${encodeURIComponent(options.slug)}`,
          needle: firstParagraph,
        },
        { label: 'author', url: `${appUrl}${authorPath}`, needle: firstExcerpt },
        { label: 'author baseline', url: `${appUrl}${BASELINE.author}`, needle: firstExcerpt },
      ],
      options.loads,
    );

    log('comments: the JavaScript that makes them interactive…');
    const commentsJs = await measureCommentsJs(browser, `${appUrl}${postPath}`);

    log(`publish to live page: ${options.publishes} publishes…`);
    const publish = await measurePublishToLive({
      stack,
      appUrl,
      tally: options.tally,
      handle,
      publishes: options.publishes,
    });

    await browser.close();
    log('Lighthouse (performance, default mobile settings)…');
    const [lhPost, lhPostBaseline, lhAuthor, lhAuthorBaseline] = await lighthouseScores(
      [
        `${appUrl}${postPath}`,
        `${appUrl}${BASELINE.post}`,
        `${appUrl}${authorPath}`,
        `${appUrl}${BASELINE.author}`,
      ],
      findChromium(),
    );
    return {
      postPath,
      authorPath,
      reading: {
        post: post!,
        postBaseline: postBaseline!,
        spaPost: spaPost!,
        author: author!,
        authorBaseline: authorBaseline!,
      },
      commentsJs,
      publish,
      lighthouse: {
        post: lhPost!,
        postBaseline: lhPostBaseline!,
        author: lhAuthor!,
        authorBaseline: lhAuthorBaseline!,
      },
    };
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
}
