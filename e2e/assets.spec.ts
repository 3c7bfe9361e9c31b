/**
 * Images from the browser to S3, in real Chromium against the real local stack: paste and drop into the
 * editor, progress, a published post readers load them from, an upload that survives a cut connection
 * and a reload without resending parts, files refused before any byte is sent, and IAM and CORS keeping
 * everyone else out.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BrowserContext, Page, Request } from '@playwright/test';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { keys } from '../src/core/model.ts';
import { editor, newSignedInPage, type TemporaryCredentials } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { noisePng } from './support/images.ts';
import { authorItems, bucketKeys } from './support/table.ts';

test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const title = `Pictures from the e2e run ${run}`;
const slug = `pictures-from-the-e2e-run-${run}`;
const small = noisePng(64, 48);
/** 2000 × 2000 noise: 12 MB, three parts of 5, 5 and 2 MiB. */
const large = noisePng(2000, 2000);

let alice: { context: BrowserContext; page: Page; credentials: TemporaryCredentials };
let bob: { context: BrowserContext; page: Page; credentials: TemporaryCredentials };
let aliceAssetKey = '';
let otherOrigin: Server;
let otherOriginUrl: string;

type Stack = {
  appUrl: string;
  gatewayUrl: string;
  config: { region: string; bucketName: string; tableName: string; assetBaseUrl: string };
};

function clientsWith(stack: Stack, credentials: TemporaryCredentials | typeof LOCAL_ADMIN_CREDENTIALS) {
  return createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...('sessionToken' in credentials ? { sessionToken: credentials.sessionToken } : {}),
    },
    maxAttempts: 1,
  });
}

/** Every UploadPart the page sends, and how each answered. */
function watchParts(page: Page) {
  const sent: number[] = [];
  const succeeded: number[] = [];
  const otherS3: string[] = [];
  let listParts = 0;
  const partOf = (request: Request) => {
    const url = new URL(request.url());
    return request.method() === 'PUT' && url.searchParams.has('uploadId')
      ? Number(url.searchParams.get('partNumber'))
      : undefined;
  };
  page.on('request', (request) => {
    const part = partOf(request);
    if (part !== undefined) sent.push(part);
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.searchParams.has('uploadId')) listParts += 1;
    if (part === undefined && request.method() !== 'OPTIONS')
      otherS3.push(`${request.method()} ${request.url()}`);
  });
  page.on('response', (response) => {
    const part = partOf(response.request());
    if (part !== undefined && response.status() === 200) succeeded.push(part);
  });
  return {
    sent,
    succeeded,
    otherS3,
    listParts: () => listParts,
    count: (part: number) => sent.filter((n) => n === part).length,
    /** A part S3 acknowledged was never sent again. */
    expectNoResends() {
      for (const part of new Set(succeeded)) {
        expect(
          succeeded.filter((n) => n === part),
          `part ${part} acknowledged once`,
        ).toHaveLength(1);
      }
    },
  };
}

/** Requests to the bucket (any S3 call), for checking that refused files send nothing. */
function watchBucket(page: Page, stack: Stack) {
  const calls: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${stack.gatewayUrl}/${stack.config.bucketName}`)) {
      calls.push(`${request.method()} ${request.url()}`);
    }
  });
  return calls;
}

async function serveFixture(page: Page, stack: Stack, name: string, body: Buffer) {
  await page.route(`${stack.appUrl}/__e2e__/${name}`, (route) =>
    route.fulfill({ status: 200, body, contentType: 'image/png' }),
  );
}

/** Drops a file onto the editor's body, as dragging it from the desktop does. */
async function dropOnEditor(
  page: Page,
  stack: Stack,
  name: string,
  body: Buffer,
  lastModified = 1_700_000_000_000,
) {
  await serveFixture(page, stack, name, body);
  await editor(page).body.evaluate(
    async (element, { url, name, lastModified }) => {
      const blob = await (await fetch(url)).blob();
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], name, { type: 'image/png', lastModified }));
      element.dispatchEvent(
        new DragEvent('dragover', {
          dataTransfer: transfer,
          bubbles: true,
          composed: true,
          cancelable: true,
        }),
      );
      element.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }),
      );
    },
    { url: `${stack.appUrl}/__e2e__/${name}`, name, lastModified },
  );
}

/** Pastes an image into the editor's body, as a screenshot from the clipboard. */
async function pasteIntoEditor(page: Page, body: Buffer) {
  await editor(page).body.evaluate(
    (element, bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      element.querySelector('textarea')?.dispatchEvent(
        new ClipboardEvent('paste', {
          clipboardData: transfer,
          bubbles: true,
          composed: true,
          cancelable: true,
        }),
      );
    },
    [...body],
  );
}

/** The upload journal's keys, read in the page (IndexedDB `inkwell-uploads` / `multipart`). */
function readJournalKeys(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('inkwell-uploads');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('multipart').objectStore('multipart').getAllKeys();
      request.onsuccess = () => resolve(request.result.map(String));
    };
  });
}

function writeJournal(entries: { id: string; value: unknown }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('inkwell-uploads');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const transaction = open.result.transaction('multipart', 'readwrite');
      for (const { id, value } of entries) transaction.objectStore('multipart').put(value, id);
      transaction.oncomplete = () => resolve();
    };
  });
}

const uploads = (page: Page) => page.locator('ink-asset-uploader');
const uploadItem = (page: Page, name: string) => uploads(page).getByRole('listitem', { name }).last();

test.beforeAll(async ({ browser, stack }) => {
  alice = await newSignedInPage(browser, stack.appUrl, 'Alice Archer');
  bob = await newSignedInPage(browser, stack.appUrl, 'Bob Baker');
  otherOrigin = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
  otherOriginUrl = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await alice?.context.close();
  await bob?.context.close();
  otherOrigin?.close();
});

test('alice pastes an image and drops a 12 MB one, sees progress, and a guest sees both in the published post @write-path', async ({
  browser,
  stack,
  faults,
}) => {
  test.setTimeout(120_000);
  const { page } = alice;
  const aliceId = alice.credentials.identityId;
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await ed.title.fill(title);
  await ed.excerpt.fill('Two images, one of them large.');
  // Images take the post's tags, for the media library's tag search.
  await ed.tags.fill('harbours');
  await ed.typeInBody('Here are my pictures.\n');
  await expect(ed.status).toHaveText(/^Saved/);
  const parts = watchParts(page);

  await pasteIntoEditor(page, small);
  await expect(uploadItem(page, 'image.png').getByRole('status')).toHaveText('Uploaded.');
  const prefix = `${stack.config.assetBaseUrl}public/${encodeURIComponent(aliceId)}/assets/`;
  await expect.poll(() => ed.bodyText()).toContain(`](${prefix}`);

  // Parts 2 and 3 are held a moment, so the bar is seen between empty and full.
  await page.route(/[?&]partNumber=[23](&|$)/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.continue();
  });
  await dropOnEditor(page, stack, 'harbour.png', large);
  const item = uploadItem(page, 'harbour.png');
  // Between empty and full: the status and the bar both show the parts S3 acknowledged so far.
  await expect
    .poll(() =>
      item.evaluate((li) => {
        const text = li.querySelector('[role="status"]')?.textContent ?? '';
        const position = li.querySelector('progress')?.position ?? -1;
        return (
          /^Uploading: (?!0\.0 |11\.4 )\d+\.\d MB of 11\.4 MB$/.test(text) && position > 0 && position < 1
        );
      }),
    )
    .toBe(true);
  await expect(item.getByRole('status')).toHaveText('Uploaded.', { timeout: 30_000 });
  await page.unroute(/[?&]partNumber=[23](&|$)/);
  // Each part once; in the fault lane a part whose reply was lost or refused is sent again.
  if (faults) expect([...new Set(parts.sent)].sort()).toEqual([1, 2, 3]);
  else expect(parts.sent.sort()).toEqual([1, 2, 3]);

  const body = await ed.bodyText();
  const urls = [...body.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
  expect(urls).toHaveLength(2);
  for (const url of urls) expect(url.startsWith(prefix)).toBe(true);
  expect(urls[1]).toMatch(/\/assets\/[0-9a-f-]{36}-harbour\.png$/);
  aliceAssetKey = decodeURIComponent(urls[0]!.slice(stack.config.assetBaseUrl.length));

  await expect(ed.status).toHaveText(/^Saved/);
  await ed.button('Publish').click();
  await expect(ed.status).toHaveText('Saved · published');

  // A guest, signed in nowhere, reads the post and its images load.
  const guest = await browser.newContext();
  const reader = await guest.newPage();
  await reader.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}/posts/${slug}`);
  await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const images = reader.locator('article img');
  await expect(images).toHaveCount(2);
  await expect
    .poll(() => images.evaluateAll((all) => all.map((img) => (img as HTMLImageElement).naturalWidth)))
    .toEqual([64, 2000]);
  await guest.close();
  expect(errors).toEqual([]);
});

test('a connection cut mid-upload: the upload waits, then completes without resending acknowledged parts', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const { page, context } = alice;
  await page.goto(`${stack.appUrl}/write`);
  await expect(editor(page).body).toBeVisible();
  const parts = watchParts(page);
  let cut = true;
  await page.route(/[?&]partNumber=[23](&|$)/, (route) =>
    cut && route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue(),
  );
  await dropOnEditor(page, stack, 'cut.png', large);
  const item = uploadItem(page, 'cut.png');
  await expect.poll(() => parts.succeeded.includes(1)).toBe(true);
  await expect(item.getByRole('status')).toHaveText(/Connection lost, retrying: 5\.0 MB/);
  await context.setOffline(true);
  await page.waitForTimeout(2000);
  const failedWhileCut = parts.count(2);
  cut = false;
  await context.setOffline(false);
  await expect(item.getByRole('status')).toHaveText('Uploaded.', { timeout: 60_000 });
  await page.unroute(/[?&]partNumber=[23](&|$)/);

  expect(failedWhileCut).toBeGreaterThan(1);
  expect(parts.count(1)).toBe(1);
  parts.expectNoResends();
  expect([...new Set(parts.succeeded)].sort()).toEqual([1, 2, 3]);
});

test('a reload mid-upload: selecting the same file again resumes from the parts S3 has', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const { page } = alice;
  const dir = mkdtempSync(join(tmpdir(), 'inkwell-e2e-'));
  const path = join(dir, 'reloaded.png');
  writeFileSync(path, large);
  utimesSync(path, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  await page.goto(`${stack.appUrl}/write`);
  await expect(editor(page).body).toBeVisible();
  const parts = watchParts(page);
  // Parts 2 and 3 never leave the browser: they are held until the reload cancels them.
  await page.route(/[?&]partNumber=[23](&|$)/, () => {});
  await uploads(page).locator('input[type="file"]').setInputFiles(path);
  const item = uploadItem(page, 'reloaded.png');
  await expect(item.getByRole('status')).toHaveText(/Uploading: 5\.0 MB of 11\.4 MB/, { timeout: 30_000 });
  const beforeReload = { part1: parts.count(1), part2: parts.count(2) };
  expect(beforeReload).toEqual({ part1: 1, part2: 1 });
  await page.unroute(/[?&]partNumber=[23](&|$)/);

  await page.reload();
  await expect(editor(page).body).toBeVisible();
  const journal = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('inkwell-uploads');
        open.onsuccess = () => {
          const count = open.result.transaction('multipart').objectStore('multipart').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  expect(journal).toBeGreaterThan(0);
  await uploads(page).locator('input[type="file"]').setInputFiles(path);
  const resumed = uploadItem(page, 'reloaded.png');
  await expect(resumed.getByRole('status')).toHaveText('Uploaded.', { timeout: 60_000 });

  expect(parts.count(1)).toBe(1);
  expect(parts.count(2)).toBe(2);
  expect(parts.count(3)).toBe(2);
  expect(parts.listParts()).toBeGreaterThan(0);
  parts.expectNoResends();
  const markdown = await editor(page).bodyText();
  const url = /!\[reloaded\]\(([^)]+)\)/.exec(markdown)?.[1];
  expect(url).toBeTruthy();
  const admin = clientsWith(stack, LOCAL_ADMIN_CREDENTIALS);
  const head = await admin.s3.send(
    new HeadObjectCommand({
      Bucket: stack.config.bucketName,
      Key: decodeURIComponent(url!.slice(stack.config.assetBaseUrl.length)),
    }),
  );
  expect(head.ContentLength).toBe(large.length);
  expect(head.ContentType).toBe('image/png');
  admin.destroy();
});

test('cancel aborts the multipart upload in S3 and forgets it', async ({ stack }) => {
  test.setTimeout(90_000);
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write`);
  await expect(editor(page).body).toBeVisible();
  const parts = watchParts(page);
  const aborts: number[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.request().method() === 'DELETE' && url.searchParams.has('uploadId'))
      aborts.push(response.status());
  });
  // Parts 2 and 3 are held (never sent) until the cancel; their URL names the upload.
  const held = { uploadId: '', key: '' };
  await page.route(/[?&]partNumber=[23](&|$)/, (route) => {
    const url = new URL(route.request().url());
    held.uploadId = url.searchParams.get('uploadId') ?? '';
    held.key = decodeURIComponent(url.pathname.slice(`/${stack.config.bucketName}/`.length));
  });
  await dropOnEditor(page, stack, 'cancelled.png', large);
  const item = uploadItem(page, 'cancelled.png');
  await expect(item.getByRole('status')).toHaveText(/Uploading: 5\.0 MB of 11\.4 MB/, { timeout: 30_000 });
  await item.getByRole('button', { name: 'Cancel' }).click();
  await expect(item.getByRole('status')).toHaveText('Cancelled.');
  await page.unroute(/[?&]partNumber=[23](&|$)/);
  await expect.poll(() => aborts).toEqual([204]);
  expect(parts.count(1)).toBe(1);
  expect((await page.evaluate(readJournalKeys)).filter((k) => k.includes('cancelled.png'))).toEqual([]);
  const asAlice = clientsWith(stack, alice.credentials);
  expect(held.key).toMatch(/\/assets\/[0-9a-f-]{36}-cancelled\.png$/);
  await expect(
    asAlice.s3.send(
      new ListPartsCommand({ Bucket: stack.config.bucketName, Key: held.key, UploadId: held.uploadId }),
    ),
  ).rejects.toMatchObject({ name: 'NoSuchUpload' });
  asAlice.destroy();
});

test('opening the editor aborts uploads abandoned for more than a day, and keeps recent ones', async ({
  stack,
}) => {
  const { page } = alice;
  const aliceId = alice.credentials.identityId;
  const asAlice = clientsWith(stack, alice.credentials);
  const Bucket = stack.config.bucketName;
  const start = async (name: string) => {
    const Key = `public/${aliceId}/assets/${run}-${name}`;
    const { UploadId } = await asAlice.s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'image/png' }),
    );
    return { Bucket, Key, UploadId: UploadId! };
  };
  const stale = await start('stale.png');
  const recent = await start('recent.png');
  await page.goto(`${stack.appUrl}/write`);
  await expect(editor(page).body).toBeVisible();
  const entry = (upload: typeof stale, name: string, createdAt: string) => ({
    id: JSON.stringify([aliceId, name, 6_000_000, 1]),
    value: {
      owner: aliceId,
      bucket: Bucket,
      key: upload.Key,
      uploadId: upload.UploadId,
      partSize: 5 * 1024 * 1024,
      contentType: 'image/png',
      file: { name, size: 6_000_000, lastModified: 1 },
      parts: [],
      createdAt,
      meta: { assetId: name },
    },
  });
  const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000).toISOString();
  await page.evaluate(writeJournal, [
    entry(stale, 'stale.png', twoDaysAgo),
    entry(recent, 'recent.png', new Date().toISOString()),
  ]);
  await page.reload();
  await expect(editor(page).body).toBeVisible();
  await expect
    .poll(() =>
      asAlice.s3.send(new ListPartsCommand(stale)).then(
        () => 'alive',
        (error: Error) => error.name,
      ),
    )
    .toBe('NoSuchUpload');
  await expect
    .poll(() => page.evaluate(readJournalKeys))
    .not.toContainEqual(expect.stringContaining('stale.png'));
  expect(await page.evaluate(readJournalKeys)).toContainEqual(expect.stringContaining('recent.png'));
  await asAlice.s3.send(new ListPartsCommand(recent));
  await asAlice.s3.send(new AbortMultipartUploadCommand(recent));
  asAlice.destroy();
});

test('bad files are refused with a clear message before any request is made', async ({ stack }) => {
  test.setTimeout(90_000);
  const { page } = alice;
  // Over the limit: from disk, as a writer would pick it (26 MB through the protocol would be slow).
  const huge = join(mkdtempSync(join(tmpdir(), 'inkwell-e2e-')), 'huge.png');
  writeFileSync(huge, Buffer.concat([small, Buffer.alloc(26 * 1024 * 1024)]));
  await page.goto(`${stack.appUrl}/write`);
  await expect(editor(page).body).toBeVisible();
  const calls = watchBucket(page, stack);
  const input = uploads(page).locator('input[type="file"]');
  await input.setInputFiles([
    {
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    },
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
    {
      name: 'page.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
    },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    {
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1]),
    },
  ]);
  await input.setInputFiles(huge);
  const message = (name: string) => uploadItem(page, name).getByRole('alert');
  await expect(message('logo.svg')).toContainText('SVG files can contain scripts');
  await expect(message('empty.png')).toContainText('is empty');
  await expect(message('page.png')).toContainText('its content is not an image');
  await expect(message('notes.txt')).toContainText('not an image Inkwell accepts');
  await expect(message('photo.png')).toContainText('labelled PNG but is really JPEG');
  await expect(message('huge.png')).toContainText('at most 25 MB');
  await page.waitForTimeout(500);
  expect(calls).toEqual([]);
});

test("bob cannot overwrite, delete or list alice's assets, nor touch her uploads", async ({ stack }) => {
  expect(aliceAssetKey).toMatch(/^public\/.+\/assets\//);
  const aliceId = alice.credentials.identityId;
  const bucket = stack.config.bucketName;
  const asBob = clientsWith(stack, bob.credentials);
  const asAlice = clientsWith(stack, alice.credentials);
  const denied = { name: 'AccessDenied' };

  await expect(
    asBob.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: aliceAssetKey, Body: 'defaced', ContentType: 'image/png' }),
    ),
  ).rejects.toMatchObject(denied);
  await expect(
    asBob.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: aliceAssetKey })),
  ).rejects.toMatchObject(denied);
  await expect(
    asBob.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `public/${aliceId}/` })),
  ).rejects.toMatchObject(denied);
  await expect(
    asBob.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/' })),
  ).rejects.toMatchObject(denied);
  await expect(
    asBob.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: `public/${aliceId}/assets/bob.png` }),
    ),
  ).rejects.toMatchObject(denied);

  // An upload of alice's in progress: bob can neither list it, abort it, nor smuggle parts into it
  // through a key of his own (the upload id belongs to alice's key).
  const upload = await asAlice.s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: `public/${aliceId}/assets/e2e-${run}.png`,
      ContentType: 'image/png',
    }),
  );
  const aliceUpload = {
    Bucket: bucket,
    Key: `public/${aliceId}/assets/e2e-${run}.png`,
    UploadId: upload.UploadId!,
  };
  await expect(asBob.s3.send(new ListPartsCommand(aliceUpload))).rejects.toMatchObject(denied);
  await expect(asBob.s3.send(new AbortMultipartUploadCommand(aliceUpload))).rejects.toMatchObject(denied);
  await expect(
    asBob.s3.send(
      new UploadPartCommand({
        ...aliceUpload,
        Key: `public/${bob.credentials.identityId}/assets/mine.png`,
        PartNumber: 1,
        Body: 'x',
      }),
    ),
  ).rejects.toMatchObject({ name: 'NoSuchUpload' });
  await asAlice.s3.send(new AbortMultipartUploadCommand(aliceUpload));
  await expect(asAlice.s3.send(new ListPartsCommand(aliceUpload))).rejects.toMatchObject({
    name: 'NoSuchUpload',
  });

  // The library entry: bob can neither delete nor forge one in alice's partition.
  const assetId = /assets\/([0-9a-f-]{36})-/.exec(aliceAssetKey)![1]!;
  await expect(
    asBob.documents.send(
      new DeleteCommand({ TableName: stack.config.tableName, Key: keys.asset(aliceId, assetId) }),
    ),
  ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  await expect(
    asBob.documents.send(
      new PutCommand({
        TableName: stack.config.tableName,
        Item: { ...keys.asset(aliceId, 'forged'), key: aliceAssetKey },
      }),
    ),
  ).rejects.toMatchObject({ name: 'AccessDeniedException' });

  // In bob's own browser: his library lists his images only, and unsigned writes to alice's object fail.
  await bob.page.goto(`${stack.appUrl}/write`);
  await expect(editor(bob.page).body).toBeVisible();
  await editor(bob.page).root.getByRole('button', { name: 'Media library' }).click();
  const library = bob.page.locator('ink-media-library');
  // Bob may have images of his own (the demo seed gives the demo authors some): none is alice's.
  await expect(library.getByText(/No images yet/).or(library.locator('img').first())).toBeVisible();
  expect(await library.locator(`img[src*="${encodeURIComponent(aliceId)}"]`).count()).toBe(0);
  const statuses = await bob.page.evaluate(
    async (url) => {
      const put = await fetch(url, {
        method: 'PUT',
        body: 'defaced',
        headers: { 'content-type': 'image/png' },
      });
      const del = await fetch(url, { method: 'DELETE' });
      return [put.status, del.status];
    },
    `${stack.config.assetBaseUrl}${aliceAssetKey.split('/').map(encodeURIComponent).join('/')}`,
  );
  expect(statuses).toEqual([403, 403]);
  const still = await fetch(
    `${stack.config.assetBaseUrl}${aliceAssetKey.split('/').map(encodeURIComponent).join('/')}`,
  );
  expect(still.status).toBe(200);
  asBob.destroy();
  asAlice.destroy();
});

test('a page on another origin cannot start an upload: the preflight is refused', async ({ page, stack }) => {
  const aliceId = alice.credentials.identityId;
  const target = `${stack.gatewayUrl}/${stack.config.bucketName}/public/${encodeURIComponent(aliceId)}/assets/elsewhere.png`;
  const preflight = (origin: string, method: string, url: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers':
          'authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-user-agent',
      },
    });
  for (const [method, url] of [
    ['POST', `${target}?uploads`],
    ['PUT', `${target}?partNumber=1&uploadId=0123456789abcdef0123456789abcdef`],
    ['PUT', target],
  ] as const) {
    expect((await preflight(otherOriginUrl, method, url)).status, `${method} ${url} from elsewhere`).toBe(
      403,
    );
    const allowed = await preflight(stack.appUrl, method, url);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(stack.appUrl);
  }

  // The browser enforces it: the other site's page cannot even send the request.
  await page.goto(otherOriginUrl);
  const outcome = await page.evaluate(async (url) => {
    try {
      await fetch(`${url}?uploads`, {
        method: 'POST',
        headers: { authorization: 'AWS4-HMAC-SHA256 forged' },
      });
      return 'sent';
    } catch (error) {
      return `blocked: ${(error as Error).name}`;
    }
  }, target);
  expect(outcome).toBe('blocked: TypeError');
});

test('the media library lists alice’s images by date and tag, inserts one, and deletes one with its entry', async ({
  stack,
}) => {
  test.setTimeout(90_000);
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await expect(ed.body).toBeVisible();
  await ed.root.getByRole('button', { name: 'Media library' }).click();
  const library = page.locator('ink-media-library');
  const items = library.getByRole('list', { name: 'Images' }).getByRole('listitem');
  await expect(items.first()).toBeVisible();
  const names = await items.evaluateAll((all) => all.map((li) => li.getAttribute('aria-label')));
  // Newest first: the reload test's file, then the cut one, then the two from the post.
  expect(names.slice(0, 4)).toEqual(['reloaded.png', 'cut.png', 'harbour.png', 'image.png']);

  const search = async (tag: string) => {
    await library.getByRole('searchbox', { name: 'Search by tag' }).fill(tag);
    await library.getByRole('button', { name: 'Search', exact: true }).click();
  };
  const shownNames = () => items.evaluateAll((all) => all.map((li) => li.getAttribute('aria-label')));
  await search('nothing-tagged-so');
  await expect(library.getByText('No images tagged #nothing-tagged-so.')).toBeVisible();
  await search('harbours');
  await expect.poll(shownNames).toEqual(['harbour.png', 'image.png']);
  await library.getByRole('button', { name: 'All images' }).click();

  // Tagging an image afterwards.
  const reloaded = items.filter({ hasText: 'reloaded.png' });
  await reloaded.getByRole('button', { name: 'Tags' }).click();
  await reloaded.getByRole('textbox', { name: 'Tags of reloaded.png' }).fill('Boats, harbours');
  await reloaded.getByRole('button', { name: 'Save tags' }).click();
  await search('boats');
  await expect.poll(shownNames).toEqual(['reloaded.png']);
  await library.getByRole('button', { name: 'All images' }).click();

  await items.filter({ hasText: 'harbour.png' }).getByRole('button', { name: 'Insert' }).click();
  await expect.poll(() => ed.bodyText()).toMatch(/!\[harbour\]\([^)]+harbour\.png\)/);

  // Deleting: the object and the library entries (by date and by tag) go together.
  await ed.root.getByRole('button', { name: 'Media library' }).click();
  const doomed = items.filter({ hasText: 'image.png' });
  const url = await doomed.locator('img').getAttribute('src');
  expect((await fetch(url!)).status).toBe(200);
  await doomed.getByRole('button', { name: 'Delete' }).click();
  await doomed.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(items.filter({ hasText: 'image.png' })).toHaveCount(0);
  expect((await fetch(url!)).status).toBe(404);
  await search('harbours');
  await expect.poll(shownNames).toEqual(['reloaded.png', 'harbour.png']);
});

test('the bucket and the media library agree: every image object has one complete entry, and every entry its object @write-path', async ({
  stack,
}) => {
  const aliceId = alice.credentials.identityId;
  const objects = await bucketKeys(stack, `public/${aliceId}/assets/`);
  const items = await authorItems(stack, aliceId);
  const entries = items.filter((item) => /^U#A#[^#]+$/.test(item) || item.endsWith('(pending)'));
  expect(objects.length).toBeGreaterThanOrEqual(2);
  expect(items.filter((item) => item.endsWith('(pending)'))).toEqual([]);
  // One entry per object: the asset id is the object key's first segment after assets/.
  const idOf = (key: string) => /assets\/([0-9a-f-]{36})-/.exec(key)?.[1];
  // Uploads made in the browser (uuid ids under assets/); the demo seed's images live under seed/.
  const uploaded = entries.map((entry) => entry.slice('U#A#'.length)).filter((id) => !id.startsWith('seed-'));
  expect(uploaded.sort()).toEqual(objects.map(idOf).sort());
});
