/**
 * The comments widget embedded on another site: a host page on a different site (localhost vs
 * 127.0.0.1) with the one script tag, in real Chromium against the real local stack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BrowserContext, FrameLocator, Page } from '@playwright/test';
import { commentItem, hideMarkerItem } from '../src/core/comment-items.ts';
import { INDEX, keys } from '../src/core/model.ts';
import { publishedItem } from '../src/core/post-items.ts';
import {
  commentRef,
  formatPostRef,
  getCommentCounts,
  likeComment,
  listComments,
  type PostRef,
  postComment,
} from '../src/data/comments.ts';
import { isResizeMessage } from '../src/embed/protocol.ts';
import { signIn } from './support/app.ts';
import { type NodeUser, signInFromNode, signInMany } from './support/aws-users.ts';
import { expect, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

let host: Server;
let hostUrl: string;
let alice: NodeUser;
let bob: NodeUser;
let carol: NodeUser;
let post: PostRef;

const XSS = [
  '<img src=x onerror="window.__xss = 1">',
  '<script>window.__xss = 2</script>',
  '[click me](javascript:window.__xss=3)',
  '<svg><animate onbegin="window.__xss=4" attributeName="x" dur="1s"></svg>',
  '<iframe src="javascript:parent.__xss=5"></iframe>',
  '<a href="https://example.com" onclick="window.__xss=6">site</a>',
].join('\n\n');

function hostPage(appUrl: string, postRef: string, lazy = true): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Someone's blog</title></head>
  <body>
    <h1>A post on another site</h1>
    <script>
      window.received = [];
      addEventListener('message', (event) => received.push({ origin: event.origin, data: event.data }));
    </script>
    <div id="spacer" style="height: 3000px">Read on…</div>
    <p id="end">Comments:</p>
    <script src="${appUrl}/embed.js" data-post="${postRef}" data-theme="light" data-lazy="${lazy}" async></script>
  </body>
</html>`;
}

test.beforeAll(async ({ stack }) => {
  [alice, bob, carol] = await Promise.all([
    signInFromNode(stack, 'alice'),
    signInFromNode(stack, 'bob'),
    signInFromNode(stack, 'carol'),
  ]);
  post = { authorId: alice.id, slug: `embedded-${Date.now().toString(36)}` };
  await postComment(carol.store, {
    post,
    commenterId: carol.id,
    commenterName: 'Carol Chen',
    body: 'First! **Lovely** post.',
  });
  await postComment(carol.store, { post, commenterId: carol.id, commenterName: 'Carol Chen', body: XSS });
  host = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(hostPage(stack.appUrl, url.searchParams.get('post') ?? formatPostRef(post)));
  });
  await new Promise<void>((resolve) => host.listen(0, resolve));
  // localhost is another site than 127.0.0.1: the widget is genuinely third-party here.
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/blog/post.html`;
});

test.afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

function widget(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Comments"]');
}

async function openHostPage(page: Page): Promise<FrameLocator> {
  await page.goto(hostUrl);
  await page.locator('#end').scrollIntoViewIfNeeded();
  return widget(page);
}

async function signInInWidget(context: BrowserContext, page: Page, frame: FrameLocator, who: string) {
  await frame.getByRole('button', { name: 'Sign in' }).click();
  const popupOpened = context.waitForEvent('page');
  await frame.getByRole('menuitem', { name: 'Local test accounts' }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: `Sign in as ${who}` }).click();
  // The popup hands the code to the iframe that opened it and closes itself.
  if (!popup.isClosed()) await popup.waitForEvent('close');
  await expect(frame.locator('ink-login').getByText(who)).toBeVisible();
  expect(page.url()).toBe(hostUrl);
}

test('the widget loads lazily, and a guest reads comments rendered inertly', async ({ page, stack }) => {
  const framed: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/comments.html')) framed.push(request.url());
  });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(hostUrl);
  await expect(page.locator('.inkwell-comments')).toHaveCount(1);
  await page.waitForTimeout(1000);
  // Not before it is scrolled into view.
  await expect(page.locator('iframe')).toHaveCount(0);
  expect(framed).toEqual([]);

  await page.locator('#end').scrollIntoViewIfNeeded();
  await expect(page.locator('iframe[title="Comments"]')).toHaveCount(1);
  expect(framed).toHaveLength(1);
  const url = new URL(framed[0]!);
  expect(url.origin).toBe(stack.appUrl);
  expect(url.searchParams.get('parent')).toBe(new URL(hostUrl).origin);

  const frame = widget(page);
  await expect(frame.getByText('Lovely')).toBeVisible();
  await expect(frame.locator('strong', { hasText: 'Lovely' })).toBeVisible();
  await expect(frame.getByRole('heading', { name: '2 comments' })).toBeVisible();
  await expect(frame.getByText('Sign in to comment.')).toBeVisible();

  // XSS payloads arrive as inert markup: no handlers, no scripts, no javascript: links.
  const xss = frame.locator('article', { hasText: 'click me' });
  await expect(xss).toBeVisible();
  const inert = await xss.evaluate((article) => ({
    handlers: [...article.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name),
    ),
    scripts: article.querySelectorAll('script, iframe, animate').length,
    jsLinks: [...article.querySelectorAll('a')].filter((a) =>
      /^javascript:/i.test(a.getAttribute('href') ?? ''),
    ).length,
    xss: (window as unknown as { __xss?: number }).__xss ?? null,
  }));
  expect(inert).toEqual({ handlers: [], scripts: 0, jsLinks: 0, xss: null });
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBeNull();
  expect(dialogs).toEqual([]);

  // The frame grew to its content: the loader applied the height the iframe reported.
  await expect
    .poll(() => page.locator('iframe[title="Comments"]').evaluate((el) => (el as HTMLElement).offsetHeight))
    .toBeGreaterThan(250);
});

test('@write-path bob signs in through the popup from the third-party iframe, comments, edits, likes; the host learns nothing', async ({
  context,
  page,
}) => {
  const frame = await openHostPage(page);
  await expect(frame.getByText('Lovely')).toBeVisible();
  await signInInWidget(context, page, frame, 'Bob Baker');

  await frame
    .getByRole('textbox', { name: 'Write a comment' })
    .fill('Hello from **Bob** <img src=x onerror=alert(1)>');
  await frame.getByRole('button', { name: 'Post comment' }).click();
  const mine = frame.locator('article', { hasText: 'Hello from' });
  await expect(mine.locator('strong', { hasText: 'Bob' })).toBeVisible();
  await expect(frame.getByRole('heading', { name: '3 comments' })).toBeVisible();

  await mine.getByRole('button', { name: 'Edit' }).click();
  await frame.getByRole('textbox', { name: 'Edit your comment' }).fill('Hello from **Bob**, edited');
  await frame.getByRole('button', { name: 'Save' }).click();
  await expect(frame.locator('article', { hasText: 'edited' }).getByText('(edited)')).toBeVisible();

  const first = frame.locator('article', { hasText: 'Lovely' });
  await first.getByRole('button', { name: 'Reply' }).click();
  await frame.getByRole('textbox', { name: 'Write a reply' }).fill('Agreed, Carol.');
  await frame.getByRole('button', { name: 'Post reply' }).click();
  await expect(frame.locator('.replies article', { hasText: 'Agreed, Carol.' })).toBeVisible();

  await frame.getByRole('textbox', { name: 'Write a comment' }).fill('A comment to regret');
  await frame.getByRole('button', { name: 'Post comment' }).click();
  const regret = frame.locator('article', { hasText: 'A comment to regret' });
  await regret.getByRole('button', { name: 'Delete' }).click();
  await regret.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(regret).toHaveCount(0);
  expect((await getCommentCounts(carol.store, [post])).get(formatPostRef(post))).toBe(4);

  await first.locator('button.like').click();
  await expect(first.locator('button.like')).toHaveAttribute('aria-pressed', 'true');
  await expect(first.locator('button.like .count')).toHaveText('1');

  // The host page cannot reach into the widget's origin...
  const reach = await page.evaluate(() => {
    const iframe = document.querySelector('iframe')!;
    const attempt = (read: () => unknown) => {
      try {
        read();
        return 'readable';
      } catch (error) {
        return (error as Error).name;
      }
    };
    return {
      sessionStorage: attempt(() => iframe.contentWindow!.sessionStorage.length),
      localStorage: attempt(() => iframe.contentWindow!.localStorage.length),
      document: attempt(() => iframe.contentWindow!.document.body),
      contentDocument: iframe.contentDocument === null,
    };
  });
  expect(reach).toEqual({
    sessionStorage: 'SecurityError',
    localStorage: 'SecurityError',
    document: 'SecurityError',
    contentDocument: true,
  });

  // ...and probing it with messages gets nothing back but its height.
  await page.evaluate(() => {
    const target = document.querySelector('iframe')!.contentWindow!;
    (window as unknown as { received: unknown[] }).received.length = 0;
    for (const probe of [
      'tokens?',
      { type: 'inkwell-comments:get-tokens' },
      { type: 'ink-auth-popup-callback', url: 'http://evil.example/?code=x' },
      { type: 'inkwell-comments:theme', theme: 'dark', reply: true },
      { type: 'getCredentials', id: 1 },
    ]) {
      target.postMessage(probe, '*');
    }
  });
  await page.waitForTimeout(1500);
  const received = await page.evaluate(
    () => (window as unknown as { received: { origin: string; data: unknown }[] }).received,
  );
  for (const message of received) expect(isResizeMessage(message.data), JSON.stringify(message)).toBe(true);
  expect(JSON.stringify(received)).not.toMatch(/eyJ|ASIA|AKIA|secret/i);
  // The probe with an extra field did not switch the theme either.
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'light');

  // The theme switches when the host page asks, through the loader.
  await page.evaluate(() => window.InkwellComments!.setTheme('dark'));
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.evaluate(() =>
    window.postMessage({ type: 'inkwell-comments:theme', theme: 'light' }, location.origin),
  );
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'light');

  // Bob's tokens live in the iframe origin's storage, not the host's.
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
});

test('@write-path alice hides bob’s comment on her post, for everyone', async ({ browser, page }) => {
  const aliceContext = await browser.newContext();
  const alicePage = await aliceContext.newPage();
  const aliceFrame = await openHostPage(alicePage);
  await signInInWidget(aliceContext, alicePage, aliceFrame, 'Alice Archer');
  const bobs = aliceFrame.locator('article', { hasText: 'Hello from' });
  await bobs.getByRole('button', { name: 'Hide' }).click();
  await expect(bobs.locator('.badge', { hasText: 'Hidden' })).toBeVisible();
  await expect(bobs.getByRole('button', { name: 'Unhide' })).toBeVisible();
  await aliceContext.close();

  // A guest no longer sees it; the other comments stay.
  const frame = await openHostPage(page);
  await expect(frame.getByText('Lovely')).toBeVisible();
  await expect(frame.getByText('Hello from')).toHaveCount(0);

  // The marker is in alice's partition, and only there does it count.
  const seen = await listComments(carol.store, post);
  expect(seen.hidden.size).toBe(1);
});

test('50 concurrent likes add exactly 50, and comments posted at once are all kept', async ({ stack }) => {
  const target = await postComment(bob.store, {
    post,
    commenterId: bob.id,
    commenterName: 'Bob Baker',
    body: 'Like me',
  });
  const readers = await signInMany(
    stack,
    Array.from({ length: 50 }, (_, index) => `Reader ${index + 1}`),
  );
  const counts = await Promise.all(
    readers.map((reader) => likeComment(reader.store, reader.id, post, target)),
  );
  expect(Math.max(...counts.map((count) => count ?? 0))).toBe(50);
  const after = await listComments(carol.store, post);
  expect(after.likes.get(commentRef(target))).toBe(50);

  const before = (await getCommentCounts(carol.store, [post])).get(formatPostRef(post)) ?? 0;
  const writers = readers.slice(0, 10);
  await Promise.all(
    writers.map((writer, index) =>
      postComment(writer.store, {
        post,
        commenterId: writer.id,
        commenterName: writer.name,
        body: `at once ${index}`,
      }),
    ),
  );
  const listed = await listComments(carol.store, post);
  const atOnce = listed.comments.filter((comment) => comment.body.startsWith('at once '));
  expect(new Set(atOnce.map((comment) => comment.body)).size).toBe(10);
  expect(new Set(atOnce.map((comment) => comment.commenterId))).toEqual(new Set(writers.map((w) => w.id)));
  expect((await getCommentCounts(carol.store, [post])).get(formatPostRef(post))).toBe(before + 10);
});

test('IAM keeps commenters to their own items and counters to the counter attributes', async () => {
  const bobsComment = (await listComments(carol.store, post)).comments.find(
    (c) => c.commenterId === bob.id && c.body.startsWith('Hello from'),
  )!;
  const carolsComment = (await listComments(carol.store, post)).comments.find(
    (c) => c.commenterId === carol.id,
  )!;
  const denied = async (attempt: Promise<unknown>) =>
    expect(attempt).rejects.toMatchObject({ name: 'AccessDeniedException' });
  const { tableName } = bob.store;

  // A hide marker in alice's partition: only alice may write there.
  await denied(
    bob.clients.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: hideMarkerItem(post, carolsComment, new Date().toISOString()),
      }),
    ),
  );
  // Someone else's comment: neither rewritten nor deleted.
  const carolsKey = keys.comment(
    carol.id,
    post.authorId,
    post.slug,
    carolsComment.createdAt,
    carolsComment.id,
  );
  await denied(
    bob.clients.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: carolsKey,
        UpdateExpression: 'SET body = :b',
        ExpressionAttributeValues: { ':b': 'pwned' },
      }),
    ),
  );
  await denied(bob.clients.documents.send(new DeleteCommand({ TableName: tableName, Key: carolsKey })));
  // Counters: only likes/comments, and nothing read back beyond the new values.
  const counter = keys.commentCounters(carol.id, carolsComment.id);
  await denied(
    bob.clients.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counter,
        UpdateExpression: 'SET body = :b',
        ExpressionAttributeValues: { ':b': 'pwned' },
      }),
    ),
  );
  await denied(
    bob.clients.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counter,
        UpdateExpression: 'ADD likes :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );

  // A marker bob writes in his own partition (IAM allows it) carries no weight: readers ignore it.
  await bob.clients.documents.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...hideMarkerItem(post, carolsComment, new Date().toISOString()),
        PK: keys.publicPartition(bob.id),
      },
    }),
  );
  const seen = await listComments(carol.store, post);
  expect(seen.hidden.has(commentRef(carolsComment))).toBe(false);
  expect(seen.hidden.has(commentRef(bobsComment))).toBe(true);
});

/** A published post of alice's, for the in-app post page (publishing itself is the posts spec's subject). */
async function publishForComments(slug: string, title: string): Promise<PostRef> {
  const now = new Date().toISOString();
  // A transaction conflict in the fault lane is sent again by the Node users' clients (support/aws-users.ts).
  await alice.clients.documents.send(
    new PutCommand({
      TableName: alice.store.tableName,
      Item: publishedItem({
        authorId: alice.id,
        authorName: 'Alice Archer',
        slug,
        title,
        body: 'Comment below.',
        excerpt: 'Comment below.',
        tags: [],
        status: 'published',
        version: 1,
        createdAt: now,
        updatedAt: now,
        publishedAt: now,
      }),
    }),
  );
  return { authorId: alice.id, slug };
}

/** Every comment item stored under a post, as the table holds them (no parsing by the app). */
async function storedComments(reader: NodeUser, target: PostRef): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await reader.clients.documents.send(
    new QueryCommand({
      TableName: reader.store.tableName,
      IndexName: INDEX.byPost.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': INDEX.byPost.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.postRef(target.authorId, target.slug) },
    }),
  );
  return Items.filter((item) => item.type === 'comment');
}

const postPath = (target: PostRef) =>
  `/authors/${encodeURIComponent(target.authorId)}/posts/${encodeURIComponent(target.slug)}`;

test('@write-path a comment reusing carol’s id suppresses nothing, and hiding it hides only it', async ({
  browser,
  page,
  stack,
}) => {
  const target = await publishForComments(`id-reuse-${Date.now().toString(36)}`, 'Ids per commenter');
  const carols = await postComment(carol.store, {
    post: target,
    commenterId: carol.id,
    commenterName: 'Carol Chen',
    body: 'Carol’s own words.',
  });
  // IAM lets bob write any comment into his own partition, with carol's id and a later time.
  await bob.clients.documents.send(
    new PutCommand({
      TableName: bob.store.tableName,
      Item: commentItem({
        post: target,
        commenterId: bob.id,
        commenterName: 'Bob Baker',
        body: 'Bob’s comment under Carol’s id.',
        createdAt: new Date(Date.now() + 1000).toISOString(),
        commentId: carols.id,
      }),
    }),
  );
  await page.goto(`${stack.appUrl}${postPath(target)}`);
  const comments = page.locator('ink-comments');
  await expect(comments.getByText('Carol’s own words.')).toBeVisible();
  await expect(comments.getByText('Bob’s comment under Carol’s id.')).toBeVisible();
  await expect(comments.getByRole('heading', { name: '2 comments' })).toBeVisible();

  // Alice hides bob's comment through the widget.
  const aliceContext = await browser.newContext();
  const alicePage = await aliceContext.newPage();
  await signIn(alicePage, stack.appUrl, 'Alice Archer', postPath(target));
  const bobs = alicePage.locator('ink-comments article', { hasText: 'Bob’s comment' });
  await bobs.getByRole('button', { name: 'Hide' }).click();
  await expect(bobs.locator('.badge', { hasText: 'Hidden' })).toBeVisible();
  await expect(
    alicePage.locator('ink-comments article', { hasText: 'Carol’s own words.' }).locator('.badge'),
  ).toHaveCount(0);
  await aliceContext.close();

  // Readers still see carol's, and only bob's is gone.
  await page.reload();
  await expect(comments.getByText('Carol’s own words.')).toBeVisible();
  await expect(comments.getByRole('heading', { name: '1 comment' })).toBeVisible();
  await expect(comments.getByText('Bob’s comment under Carol’s id.')).toHaveCount(0);
});

test('@write-path with the post’s counters set to a string, an honest comment posts, says so once, stores once', async ({
  page,
  stack,
}) => {
  const target = await publishForComments(`broken-counter-${Date.now().toString(36)}`, 'Broken counters');
  // Anyone signed in may do this: the counter statement allows the counter attributes, any value.
  await carol.clients.documents.send(
    new UpdateCommand({
      TableName: carol.store.tableName,
      Key: keys.counters(target.authorId, target.slug),
      UpdateExpression: 'SET likes = :s, comments = :s',
      ExpressionAttributeValues: { ':s': 'x' },
    }),
  );
  await signIn(page, stack.appUrl, 'Bob Baker', postPath(target));
  const comments = page.locator('ink-comments');
  await comments.getByRole('textbox', { name: 'Write a comment' }).fill('Counted or not, I am here.');
  await comments.getByRole('button', { name: 'Post comment' }).click();
  await expect(comments.getByRole('heading', { name: '1 comment' })).toBeVisible();
  await expect(comments.locator('article', { hasText: 'Counted or not, I am here.' })).toHaveCount(1);
  await expect(comments.getByRole('alert')).toHaveCount(0);
  await expect(comments.getByRole('textbox', { name: 'Write a comment' })).toHaveValue('');
  expect(await storedComments(carol, target)).toHaveLength(1);
  // A broken counter is no count: the author's page shows none for it (and "x" or NaN nowhere), while a
  // post with a sound counter, fetched in the same request, shows its own.
  expect((await getCommentCounts(carol.store, [target])).get(formatPostRef(target))).toBeUndefined();
  const sound = await publishForComments(`sound-counter-${Date.now().toString(36)}`, 'Sound counters');
  await postComment(carol.store, {
    post: sound,
    commenterId: carol.id,
    commenterName: 'Carol',
    body: 'One.',
  });
  await page.goto(`${stack.appUrl}/authors/${encodeURIComponent(alice.id)}`);
  await expect(
    page.locator('ink-post-card', { hasText: 'Sound counters' }).getByText('1 comment'),
  ).toBeVisible();
  const broken = page.locator('ink-post-card', { hasText: 'Broken counters' });
  await expect(broken).toBeVisible();
  await expect(broken.getByText(/comments?$/)).toHaveCount(0);
  await expect(broken).not.toContainText(/NaN|x comments/);
});

test('inside Inkwell, a post page shows the same comments', async ({ page, stack }) => {
  const slug = `with-comments-${Date.now().toString(36)}`;
  // The published copy alone is what a post page reads (publishing itself is the posts spec's subject).
  const inApp = await publishForComments(slug, 'A post with comments');
  await postComment(carol.store, {
    post: inApp,
    commenterId: carol.id,
    commenterName: 'Carol Chen',
    body: 'Seen *inside* Inkwell.',
  });

  await page.goto(`${stack.appUrl}/authors/${encodeURIComponent(alice.id)}/posts/${slug}`);
  const comments = page.locator('ink-comments');
  await expect(comments.locator('em', { hasText: 'inside' })).toBeVisible();
  await expect(comments.getByText('Sign in to comment.')).toBeVisible();
});
