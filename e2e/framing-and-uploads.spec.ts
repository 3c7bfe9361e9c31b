/**
 * Clickjacking and hostile uploads (issue 15, items 5 and 7), in real Chromium against the production
 * build: a page on another origin cannot frame the editor or a post page, but can frame the comments
 * widget; an uploaded HTML page or SVG with script never runs when opened.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { links } from '../src/app/routes.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { signInFromNode } from './support/aws-users.ts';
import { expect, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

/** Another origin: serves whatever page a test sets, and counts beacons from payloads that ran. */
let foreign: { server: Server; url: string; page: string; beacons: string[] };

test.beforeAll(async () => {
  const state = { page: '', beacons: [] as string[] };
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/ran')) {
      state.beacons.push(req.url);
      res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(state.page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  foreign = {
    server,
    url,
    get page() {
      return state.page;
    },
    set page(html: string) {
      state.page = html;
    },
    beacons: state.beacons,
  };
});

test.afterAll(async () => {
  await new Promise((resolve) => foreign.server.close(resolve));
});

test('a foreign page cannot frame /write or a post page, but can frame /comments.html', async ({
  page,
  stack,
}) => {
  const targets = {
    write: `${stack.appUrl}${links.write()}`,
    post: `${stack.appUrl}${links.post('us-east-1:someone', 'a-post')}`,
    home: `${stack.appUrl}/`,
    comments: `${stack.appUrl}/comments.html?post=${encodeURIComponent('us-east-1:someone/a-post')}`,
  };
  foreign.page = `<!doctype html><title>evil</title>${Object.entries(targets)
    .map(([name, src]) => `<iframe name="${name}" src="${src}" width="400" height="300"></iframe>`)
    .join('')}`;
  const headers = new Map<string, Record<string, string>>();
  page.on('response', (response) => headers.set(response.url(), response.headers()));
  await page.goto(foreign.url, { waitUntil: 'load' });
  expect(foreign.url).not.toContain(new URL(stack.appUrl).port);

  for (const name of ['write', 'post', 'home'] as const) {
    const sent = headers.get(targets[name]);
    expect(sent?.['content-security-policy'], name).toContain("frame-ancestors 'none'");
    expect(sent?.['x-frame-options'], name).toBe('DENY');
    expect(sent?.['x-content-type-options'], name).toBe('nosniff');
    // Chromium replaces a frame refused by frame-ancestors with its error page: the app never loads.
    const frame = page.frame({ name });
    await expect.poll(() => frame?.url(), { message: name }).toMatch(/^chrome-error:/);
  }
  const widget = page.frame({ name: 'comments' })!;
  expect(headers.get(targets.comments)?.['content-security-policy']).toContain('frame-ancestors *');
  expect(headers.get(targets.comments)).not.toHaveProperty('x-frame-options');
  expect(widget.url()).toBe(targets.comments);
  await expect(widget.locator('script[type="module"]')).not.toHaveCount(0);
});

test('an uploaded HTML page or SVG with script does not run when opened', async ({ page, stack }) => {
  const alice = await signInFromNode(stack, 'alice');
  const beacon = (label: string) => `fetch('${foreign.url}/ran?${label}')`;
  const html = (label: string) => `<!doctype html><script>${beacon(label)}</script><h1>hi</h1>`;
  const svg = (label: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg"><script>${beacon(label)}</script><circle r="9"/></svg>`;

  // Control: the same payload served by an ordinary page does run, so silence below means something.
  foreign.page = html('control');
  await page.goto(foreign.url);
  await expect.poll(() => foreign.beacons).toContain('/ran?control');

  const bucket = stack.config.bucketName;
  const url = (key: string) =>
    `${stack.gatewayUrl}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  // A writer's upload, declared as HTML: stored as a download (the gateway's local content check).
  const writerKey = `public/${alice.id}/evil.html`;
  await alice.clients.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: writerKey, Body: html('writer'), ContentType: 'text/html' }),
  );
  // What S3 on AWS would hold (it cannot sniff): HTML and SVG with their own types, stored unchanged.
  const admin = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const storedKeys = { html: `public/${alice.id}/as-aws.html`, svg: `public/${alice.id}/as-aws.svg` };
  await admin.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: storedKeys.html,
      Body: html('stored-html'),
      ContentType: 'text/html',
    }),
  );
  await admin.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: storedKeys.svg,
      Body: svg('stored-svg'),
      ContentType: 'image/svg+xml',
    }),
  );
  admin.destroy();

  // The same bytes as the first part of a multipart upload: refused, and the upload is gone.
  const multipart = { Bucket: bucket, Key: `public/${alice.id}/evil-multipart.png` };
  const { UploadId } = await alice.clients.s3.send(
    new CreateMultipartUploadCommand({ ...multipart, ContentType: 'image/png' }),
  );
  await expect(
    alice.clients.s3.send(
      new UploadPartCommand({ ...multipart, UploadId, PartNumber: 1, Body: html('part') }),
    ),
  ).rejects.toMatchObject({ name: 'InvalidArgument' });
  await expect(alice.clients.s3.send(new ListPartsCommand({ ...multipart, UploadId }))).rejects.toMatchObject(
    {
      name: 'NoSuchUpload',
    },
  );

  alice.clients.destroy();
  const writer = await fetch(url(writerKey));
  expect(writer.headers.get('content-type')).toBe('application/octet-stream');
  for (const key of [writerKey, storedKeys.html, storedKeys.svg]) {
    const response = await fetch(url(key));
    expect(response.headers.get('x-content-type-options'), key).toBe('nosniff');
    expect(response.headers.get('content-security-policy'), key).toBe("default-src 'none'; sandbox");
    expect(response.headers.get('content-disposition'), key).toBe('attachment');

    // Opened directly: the browser downloads it instead of rendering it.
    const download = page.waitForEvent('download');
    await page.goto(url(key)).catch(() => {});
    await (await download).cancel();
  }
  // Framed by another site as a document, the SVG is a download too, never a live document.
  foreign.page = `<iframe src="${url(storedKeys.svg)}"></iframe><object data="${url(storedKeys.svg)}"></object>`;
  await page.goto(foreign.url, { waitUntil: 'load' });
  // An end marker after every attempt: beacons arrive in order on one connection-less server, and this
  // one is sent only once the page above has loaded.
  await page.evaluate(() => fetch(`${location.origin}/ran?end`));
  await expect.poll(() => foreign.beacons).toContain('/ran?end');
  expect(foreign.beacons.filter((b) => b !== '/ran?control' && b !== '/ran?end')).toEqual([]);
});
