/**
 * Long comment threads in the embedded widget: the list comes in pages ("More comments"), a long
 * thread's replies in pages of their own ("More replies"), each read only when asked for, in order and
 * without repeats; guests read; signing in from the widget still works. Real Chromium, real local stack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FrameLocator, Page } from '@playwright/test';
import { commentItem } from '../src/core/comment-items.ts';
import { COMMENT_PAGE_ITEMS, formatPostRef, type PostRef } from '../src/data/comments.ts';
import { type NodeUser, signInFromNode } from './support/aws-users.ts';
import { expect, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const TOP_LEVEL = 61;
const REPLIES = 30;

let host: Server;
let hostUrl: string;
let bob: NodeUser;
let carol: NodeUser;
let post: PostRef;
/** Every comment's text, in the order a reader should see them. */
const expected: string[] = [];

const label = (n: number) => String(n).padStart(3, '0');

test.beforeAll(async ({ stack }) => {
  [bob, carol] = await Promise.all([signInFromNode(stack, 'bob'), signInFromNode(stack, 'carol')]);
  const alice = await signInFromNode(stack, 'alice');
  post = { authorId: alice.id, slug: `long-thread-${Date.now().toString(36)}` };
  const start = Date.now() - 3_600_000;
  const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
  const items: { user: NodeUser; item: Record<string, unknown> }[] = [];
  const firstId = 'first0000comment';
  for (let n = 1; n <= TOP_LEVEL; n++) {
    const commentId = n === 1 ? firstId : `top${label(n)}comment`;
    items.push({
      user: carol,
      item: commentItem({
        post,
        commenterId: carol.id,
        commenterName: 'Carol Chen',
        body: `Comment ${label(n)}`,
        createdAt: at(n * 10),
        commentId,
      }),
    });
    expected.push(`Comment ${label(n)}`);
    if (n !== 1) continue;
    // The first thread's replies are written over the time later comments were: they still read as
    // one thread, right after it.
    for (let r = 1; r <= REPLIES; r++) {
      items.push({
        user: bob,
        item: commentItem({
          post,
          commenterId: bob.id,
          commenterName: 'Bob Baker',
          body: `Reply ${label(r)}`,
          parentRef: `${carol.id}/${firstId}`,
          parentCreatedAt: at(10),
          createdAt: at(10 + r * 7),
          commentId: `reply${label(r)}byb`,
        }),
      });
      expected.push(`Reply ${label(r)}`);
    }
  }
  for (let i = 0; i < items.length; i += 10) {
    await Promise.all(
      items
        .slice(i, i + 10)
        .map(({ user, item }) =>
          user.clients.documents.send(new PutCommand({ TableName: user.store.tableName, Item: item })),
        ),
    );
  }
  host = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog</title></head>
  <body><h1>A much-discussed post</h1>
    <script src="${stack.appUrl}/embed.js" data-post="${formatPostRef(post)}" data-lazy="false" async></script>
  </body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/post.html`;
});

test.afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

function widget(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Comments"]');
}

function heading(frame: FrameLocator) {
  return frame.getByRole('region', { name: 'Comments' }).getByRole('heading', { level: 2 });
}

async function shownBodies(frame: FrameLocator): Promise<string[]> {
  return (await frame.locator('article.comment .body').allTextContents()).map((text) => text.trim());
}

test('a guest reads a long thread page by page, in order, without repeats', async ({ page }) => {
  const reads: string[] = [];
  page.on('request', (request) => {
    if (request.headers()['x-amz-target'] === 'DynamoDB_20120810.Query') reads.push(request.url());
  });
  await page.goto(hostUrl);
  const frame = widget(page);
  await expect(frame.getByText('Comment 001', { exact: true })).toBeVisible({ timeout: 30_000 });
  // The first page: the first thread and as many of its replies as fit; the rest is not read yet.
  const first = await shownBodies(frame);
  expect(first).toEqual(expected.slice(0, COMMENT_PAGE_ITEMS));
  await expect(frame.getByText('Comment 002', { exact: true })).toHaveCount(0);
  // The count is not guessed while pages are unread.
  await expect(heading(frame)).toHaveText('Comments');

  const queriesBefore = reads.length;
  await frame.getByRole('button', { name: 'More replies' }).click();
  await expect(frame.getByText(`Reply ${label(REPLIES)}`, { exact: true })).toBeVisible();
  // Only that thread's next replies: the next thread is still unread, and it took one Query.
  await expect(frame.getByText('Comment 002', { exact: true })).toHaveCount(0);
  expect(await shownBodies(frame)).toEqual(expected.slice(0, 1 + REPLIES));
  expect(reads.length - queriesBefore).toBe(1);
  await expect(frame.getByRole('button', { name: 'More replies' })).toHaveCount(0);

  for (let guard = 0; guard < 10; guard++) {
    const more = frame.getByRole('button', { name: 'More comments' });
    if ((await more.count()) === 0) break;
    const shown = (await shownBodies(frame)).length;
    const before = reads.length;
    await more.click();
    await expect.poll(async () => (await shownBodies(frame)).length, { timeout: 20_000 }).not.toBe(shown);
    expect(reads.length - before).toBe(1);
  }
  // Everything, once each, in thread order; the count is exact once all of it is shown.
  expect(await shownBodies(frame)).toEqual(expected);
  await expect(heading(frame)).toHaveText(`${TOP_LEVEL + REPLIES} comments`);
});

test('signing in from the widget of a long thread still works, and a reply lands in its thread @write-path', async ({
  context,
  page,
}) => {
  await page.goto(hostUrl);
  const frame = widget(page);
  await expect(frame.getByText('Comment 001', { exact: true })).toBeVisible({ timeout: 30_000 });
  await frame.getByRole('button', { name: 'Sign in' }).click();
  const popupOpened = context.waitForEvent('page');
  await frame.getByRole('menuitem', { name: 'Local test accounts' }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Sign in as Carol Chen' }).click();
  if (!popup.isClosed()) await popup.waitForEvent('close');
  await expect(frame.locator('ink-login').getByText('Carol Chen')).toBeVisible();
  await expect(frame.getByRole('textbox', { name: 'Write a comment' })).toBeVisible();

  const thread = frame.locator('li.thread').first();
  await thread.getByRole('button', { name: 'Reply' }).first().click();
  await frame.getByRole('textbox', { name: 'Write a reply' }).fill('A late reply to the first thread');
  await frame.getByRole('button', { name: 'Post reply' }).click();
  await expect(thread.getByText('A late reply to the first thread')).toBeVisible();

  // Read afresh, the reply is part of the first thread: it comes with that thread's replies.
  await page.reload();
  await expect(frame.getByText('Comment 001', { exact: true })).toBeVisible({ timeout: 30_000 });
  await frame.getByRole('button', { name: 'More replies' }).click();
  await expect(
    frame.locator('li.thread').first().getByText('A late reply to the first thread'),
  ).toBeVisible();
  await expect(frame.getByText('Comment 002', { exact: true })).toHaveCount(0);
});
