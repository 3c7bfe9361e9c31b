/**
 * The publisher against the real local stack: items written to DynamoDB Local reach the publisher
 * through its stream, as on Lambda, and the pages land in the bucket, read back the way the CDN reads
 * them (unsigned, through the gateway). The publisher runs with its own least-privilege key.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN_CREDENTIALS, LOCAL_PUBLISHER_CREDENTIALS } from '../../local-aws/admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { startStreamRunner } from '../../local-aws/streams/stream-runner.ts';
import { startTestStack, type TestStack } from '../../local-aws/testing/stack-users.ts';
import type { AwsClients } from '../aws/client-factory.ts';
import { commentItem, hideMarkerItem } from '../core/comment-items.ts';
import { keys } from '../core/model.ts';
import { type PublishedPost, publishedItem, tagItems } from '../core/post-items.ts';
import { defaultHandle } from '../core/site/site-model.ts';
import { silentLog } from './log.ts';
import { createPublisher } from './publisher.ts';
import { handleStreamEvent } from './stream-handler.ts';

let local: TestStack;
let stack: LocalStack;
let admin: AwsClients;
const ALICE = 'us-east-1:00000000-0000-4000-8000-0000000a11ce';
const BOB = 'us-east-1:00000000-0000-4000-8000-000000000b0b';

const page = async (path: string) => {
  const key = `pages/${path === '/' ? 'index.html' : path.replace(/^\//, '')}`;
  const response = await fetch(
    `${stack.gatewayUrl}/${stack.bucketName}/${key.split('/').map(encodeURIComponent).join('/')}`,
  );
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cache: response.headers.get('cache-control'),
    text: await response.text(),
  };
};

const post = (overrides: Partial<PublishedPost> = {}): PublishedPost => ({
  authorId: ALICE,
  authorName: 'Alice Archer',
  slug: 'hello-static',
  title: 'Hello, static world',
  body: '# Heading\n\nSome **bold** text.\n\n```js\nconst answer = 42;\n```\n\n<img src=x onerror="alert(1)">',
  excerpt: 'A post rendered by the publisher.',
  tags: ['static', 'aws'],
  status: 'published',
  version: 1,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  publishedAt: '2026-11-01T10:00:00.000Z',
  ...overrides,
});

async function putPublished(p: PublishedPost) {
  for (const item of [publishedItem(p), ...tagItems(p)]) {
    await admin.documents.send(new PutCommand({ TableName: stack.tableName, Item: item }));
  }
}

async function putProfile(authorId: string, handle: string, displayName: string, updatedAt: string) {
  await admin.documents.send(
    new PutCommand({
      TableName: stack.tableName,
      Item: {
        ...keys.profile(authorId),
        type: 'profile',
        handle,
        displayName,
        bio: `${displayName} writes here.`,
        updatedAt,
      },
    }),
  );
}

const drained = () => stack.publisher!.runner.drained(60_000);

/** The publisher's dependencies as Lambda builds them, with its own least-privilege key. */
const publisherDeps = () =>
  createPublisher({
    region: 'us-east-1',
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_PUBLISHER_CREDENTIALS,
    tableName: stack.tableName,
    bucketName: stack.bucketName,
    site: { siteUrl: 'http://127.0.0.1:5999', siteName: 'Inkwell' },
  });

beforeAll(async () => {
  local = await startTestStack({ name: 'publisher', appOrigin: 'http://127.0.0.1:5999' });
  ({ stack, admin } = local);
  await putProfile(ALICE, 'alice', 'Alice Archer', '2026-11-01T09:00:00.000Z');
  await putPublished(post());
  await drained();
});

afterAll(async () => {
  await local?.stop();
});

describe('the publisher, driven by the table stream', () => {
  it('renders a published post at its readable URL, complete without JavaScript', async () => {
    const result = await page('/@alice/hello-static');
    expect(result.status).toBe(200);
    expect(result.type).toMatch(/^text\/html/);
    expect(result.cache).toContain('s-maxage=60');
    const { document } = new JSDOM(result.text).window;
    expect(document.querySelector('article h1')?.textContent).toBe('Hello, static world');
    expect(document.querySelector('article .prose strong')?.textContent).toBe('bold');
    // Highlighted at publish time: the reader needs no highlight.js.
    expect(document.querySelector('article pre code .hljs-keyword')?.textContent).toBe('const');
    // The same sanitizer as the editor's preview: the handler is gone.
    expect(result.text).not.toContain('onerror');
    expect(document.querySelector('title')?.textContent).toBe('Hello, static world · Inkwell');
    expect(document.querySelector('link[rel=canonical]')?.getAttribute('href')).toBe(
      'http://127.0.0.1:5999/@alice/hello-static',
    );
    expect(document.querySelector('meta[property="og:type"]')?.getAttribute('content')).toBe('article');
    expect(document.querySelector('meta[name=description]')?.getAttribute('content')).toBe(
      'A post rendered by the publisher.',
    );
    expect(document.querySelector('meta[name="twitter:card"]')).not.toBeNull();
    const ld = JSON.parse(document.querySelector('script[type="application/ld+json"]')?.textContent ?? '{}');
    expect(ld).toMatchObject({
      '@type': 'BlogPosting',
      headline: 'Hello, static world',
      author: { name: 'Alice Archer' },
    });
    expect(document.querySelector('#comments-heading')?.textContent).toBe('0 comments');
  });

  it('renders the home, author and tag indexes, feeds, sitemap and robots.txt', async () => {
    const home = new JSDOM((await page('/')).text).window.document;
    expect([...home.querySelectorAll('.card h2 a')].map((a) => a.getAttribute('href'))).toEqual([
      '/@alice/hello-static',
    ]);
    const author = new JSDOM((await page('/@alice')).text).window.document;
    expect(author.querySelector('h1')?.textContent).toBe('Alice Archer');
    expect(author.querySelector('.card h2')?.textContent).toBe('Hello, static world');
    const tag = new JSDOM((await page('/tags/static')).text).window.document;
    expect(tag.querySelector('h1')?.textContent).toBe('#static');
    const sitemap = await page('/sitemap.xml');
    expect(sitemap.type).toMatch(/^application\/xml/);
    expect(sitemap.text).toContain(
      '<loc>http://127.0.0.1:5999/@alice/hello-static</loc><lastmod>2026-11-01T10:00:00.000Z</lastmod>',
    );
    const robots = await page('/robots.txt');
    expect(robots.text).toContain('Sitemap: http://127.0.0.1:5999/sitemap.xml');
    for (const path of ['/feed.atom', '/@alice/feed.atom']) {
      const feed = await page(path);
      expect(feed.type).toMatch(/^application\/atom\+xml/);
      const xml = new JSDOM(feed.text, { contentType: 'application/xml' }).window.document;
      expect(xml.querySelector('parsererror')).toBeNull();
      expect(xml.documentElement.namespaceURI).toBe('http://www.w3.org/2005/Atom');
      expect(
        [...xml.getElementsByTagName('entry')].map((e) => e.getElementsByTagName('title')[0]?.textContent),
      ).toEqual(['Hello, static world']);
    }
    // Pre-handle URLs redirect to the readable one.
    const legacy = await page(`/authors/${ALICE}/posts/hello-static`);
    expect(legacy.text).toContain('url=/@alice/hello-static');
  });

  it('shows visible comments with their count; a hidden comment is absent and the count follows', async () => {
    const ref = { authorId: ALICE, slug: 'hello-static' };
    const bobComments = (comment: { body: string; createdAt: string; commentId: string }) =>
      admin.documents.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: commentItem({ commenterId: BOB, commenterName: 'Bob Baker', post: ref, ...comment } as never),
        }),
      );
    await bobComments({
      body: 'Great *post*',
      createdAt: '2026-11-02T10:00:00.000Z',
      commentId: 'bobcomment1',
    });
    await bobComments({ body: 'Spam spam', createdAt: '2026-11-02T11:00:00.000Z', commentId: 'bobcomment2' });
    await drained();
    let doc = new JSDOM((await page('/@alice/hello-static')).text).window.document;
    expect(doc.querySelector('#comments-heading')?.textContent).toBe('2 comments');
    expect(doc.querySelector('.comment .prose em')?.textContent).toBe('post');
    expect(
      new JSDOM((await page('/')).text).window.document.querySelector('.card .meta')?.textContent,
    ).toContain('2 comments');

    await admin.documents.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: hideMarkerItem(ref, { commenterId: BOB, id: 'bobcomment2' }, '2026-11-02T12:00:00.000Z'),
      }),
    );
    await drained();
    const text = (await page('/@alice/hello-static')).text;
    doc = new JSDOM(text).window.document;
    expect(doc.querySelector('#comments-heading')?.textContent).toBe('1 comment');
    expect(text).not.toContain('Spam spam');
  });

  it('unpublishing removes exactly the post page and updates indexes, tags, sitemap and feeds', async () => {
    await putPublished(
      post({
        slug: 'second-post',
        title: 'A second post',
        tags: ['aws'],
        publishedAt: '2026-11-03T10:00:00.000Z',
        updatedAt: '2026-11-03T10:00:00.000Z',
      }),
    );
    await drained();
    expect((await page('/@alice/second-post')).status).toBe(200);
    expect((await page('/sitemap.xml')).text).toContain('/@alice/second-post');

    await admin.documents.send(
      new DeleteCommand({ TableName: stack.tableName, Key: keys.published(ALICE, 'hello-static') }),
    );
    await admin.documents.send(
      new DeleteCommand({ TableName: stack.tableName, Key: keys.tagEntry(ALICE, 'static', 'hello-static') }),
    );
    await admin.documents.send(
      new DeleteCommand({ TableName: stack.tableName, Key: keys.tagEntry(ALICE, 'aws', 'hello-static') }),
    );
    await drained();
    expect((await page('/@alice/hello-static')).status).toBe(404);
    expect((await page('/tags/static')).status).toBe(404);
    expect((await page('/@alice/second-post')).status).toBe(200);
    expect((await page('/sitemap.xml')).text).not.toContain('hello-static');
    expect((await page('/feed.atom')).text).not.toContain('Hello, static world');
    expect((await page('/@alice/feed.atom')).text).toContain('A second post');
  });

  it('grants a handle to its first claimant; the second keeps a default handle', async () => {
    await putProfile(BOB, 'alice', 'Bob Baker', '2026-11-04T09:00:00.000Z');
    await putPublished(
      post({ authorId: BOB, authorName: 'Alice Archer', slug: 'bobs-post', title: 'Bob writes', tags: [] }),
    );
    await drained();
    const claim = JSON.parse((await page('/_handles/alice.json')).text);
    expect(claim.authorId).toBe(ALICE);
    const bobHandle = defaultHandle(BOB);
    const bobPage = new JSDOM((await page(`/@${bobHandle}/bobs-post`)).text).window.document;
    // Who wrote it comes from the key: Bob's item claiming Alice's name shows Bob's profile name.
    expect(bobPage.querySelector('a[rel=author]')?.textContent).toBe('Bob Baker');
    expect(bobPage.querySelector('a[rel=author]')?.getAttribute('href')).toBe(`/@${bobHandle}`);

    // Bob picks a free handle: his pages move, the old URLs redirect.
    await putProfile(BOB, 'bobby', 'Bob Baker', '2026-11-04T10:00:00.000Z');
    await drained();
    expect((await page('/@bobby/bobs-post')).status).toBe(200);
    expect((await page(`/@${bobHandle}/bobs-post`)).text).toContain('url=/@bobby/bobs-post');
  });

  it('an author who deletes their profile and every post loses every page; their handle stays reserved', async () => {
    const CAROL = 'us-east-1:00000000-0000-4000-8000-0000000ca201';
    await putProfile(CAROL, 'carol-gone', 'Carol Chen', '2026-11-05T09:00:00.000Z');
    const carols = post({
      authorId: CAROL,
      authorName: 'Carol Chen',
      slug: 'carols-post',
      title: 'Carol was here',
      tags: ['static'],
    });
    await putPublished(carols);
    await drained();
    const paths = [
      '/@carol-gone',
      '/@carol-gone/carols-post',
      '/@carol-gone/feed.atom',
      `/@${defaultHandle(CAROL)}`,
      `/authors/${CAROL}`,
    ];
    for (const path of paths) expect((await page(path)).status, path).toBe(200);
    expect((await page('/sitemap.xml')).text).toContain('/@carol-gone/carols-post');

    // "Delete my account data" deletes the items by key; the publisher sees it on the stream.
    for (const item of [publishedItem(carols), ...tagItems(carols), keys.profile(CAROL)]) {
      await admin.documents.send(
        new DeleteCommand({ TableName: stack.tableName, Key: { PK: item.PK, SK: item.SK } }),
      );
    }
    await drained();
    for (const path of paths) expect((await page(path)).status, path).not.toBe(200);
    expect((await page('/sitemap.xml')).text).not.toContain('carol');
    expect((await page('/feed.atom')).text).not.toContain('Carol was here');
    expect((await page('/tags/static')).text).not.toContain('Carol was here');
    expect(JSON.parse((await page('/_handles/carol-gone.json')).text)).toEqual({
      handle: 'carol-gone',
      authorId: CAROL,
    });
    // Nobody else gets it.
    await putProfile(BOB, 'carol-gone', 'Bob Baker', '2026-11-05T10:00:00.000Z');
    await drained();
    expect((await page('/@carol-gone')).status).not.toBe(200);
    expect(JSON.parse((await page('/_handles/carol-gone.json')).text).authorId).toBe(CAROL);
  });
});

describe('delivery', () => {
  const event = (records: DynamoDBRecord[]) => ({ Records: records });
  const record = (pk: string, sk: string, seq: string): DynamoDBRecord => ({
    eventID: seq,
    eventName: 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { PK: { S: pk }, SK: { S: sk } },
      SequenceNumber: seq,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('a duplicated and a reordered batch write nothing new: the pages are the same', async () => {
    const deps = publisherDeps();
    const records = [
      record(keys.publicPartition(ALICE), 'P#second-post', '1'),
      record(keys.publicPartition(ALICE), 'PROFILE', '2'),
      record(keys.publicPartition(BOB), `C#${ALICE}#second-post#2026#x`, '3'),
    ];
    const before = await deps.store.loadManifest();
    expect((await handleStreamEvent(event(records), deps, silentLog)).batchItemFailures).toEqual([]);
    expect(
      (await handleStreamEvent(event([...records].reverse()), deps, silentLog)).batchItemFailures,
    ).toEqual([]);
    expect(
      (await handleStreamEvent(event([...records, ...records]), deps, silentLog)).batchItemFailures,
    ).toEqual([]);
    const after = await deps.store.loadManifest();
    expect(after.objects).toEqual(before.objects);
    deps.destroy();
  });

  it('a record that cannot be rendered is reported, and the records before it are done', async () => {
    const deps = publisherDeps();
    // Reading Bob's post fails (as a throttled or refused read would): only its record is reported.
    const documents = deps.reader.documents;
    const send = ((command: { input?: { Key?: { SK?: string } } }) => {
      if (command.input?.Key?.SK === 'P#bobs-post') return Promise.reject(new Error('read refused'));
      return (documents.send as (c: unknown) => Promise<unknown>)(command);
    }) as typeof documents.send;
    const failing = { ...deps, reader: { ...deps.reader, documents: { send } as typeof documents } };
    const response = await handleStreamEvent(
      event([
        record(keys.publicPartition(ALICE), 'P#second-post', '10'),
        record(keys.publicPartition(BOB), 'P#bobs-post', '11'),
        record(keys.publicPartition(ALICE), 'PROFILE', '12'),
      ]),
      failing as never,
      silentLog,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '11' }]);
    deps.destroy();
  });

  it('the runner sends a record that keeps failing to its failure file, goes on, and resumes from its checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inkwell-runner-'));
    const seen: string[] = [];
    const options = {
      endpoint: `http://127.0.0.1:${stack.ports.dynamodb}`,
      region: 'us-east-1',
      credentials: LOCAL_ADMIN_CREDENTIALS,
      tableName: stack.tableName,
      checkpointFile: join(dir, 'checkpoint.json'),
      failureFile: join(dir, 'failed.jsonl'),
      maxAttempts: 2,
      handler: async (e: { Records: DynamoDBRecord[] }) => {
        for (const r of e.Records) {
          const sk = r.dynamodb?.Keys?.SK?.S ?? '';
          if (sk === 'P#poison')
            return { batchItemFailures: [{ itemIdentifier: r.dynamodb!.SequenceNumber! }] };
          seen.push(sk);
        }
        return { batchItemFailures: [] };
      },
    };
    let runner = await startStreamRunner(options);
    await runner.drained(60_000);
    await runner.stop();
    const before = seen.length;
    expect(before).toBeGreaterThan(0);

    for (const sk of ['P#poison', 'P#after-poison']) {
      await admin.documents.send(
        new PutCommand({ TableName: stack.tableName, Item: { PK: 'D#runner', SK: sk } }),
      );
    }
    seen.length = 0;
    runner = await startStreamRunner(options);
    await runner.drained(60_000);
    // Only what came after the checkpoint, and past the poison record.
    expect(seen).toEqual(['P#after-poison']);
    expect(runner.stats().failed).toBe(1);
    const failed = (await readFile(options.failureFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failed.map((f) => f.record.dynamodb.Keys.SK.S)).toEqual(['P#poison']);
    await runner.stop();
    await rm(dir, { recursive: true, force: true });
  });
});
