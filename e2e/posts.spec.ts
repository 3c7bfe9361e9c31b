/**
 * Writing, publishing and reading posts in real Chromium against the real local stack: IAM decides what
 * each browser may do, with the temporary credentials that browser received.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { seedDemoContent } from '../scripts/lib/seed-demo.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { keys } from '../src/core/model.ts';
import { publishedItem } from '../src/core/post-items.ts';
import {
  deletePost,
  getDraft,
  getPublishedPost,
  type PostStore,
  publishPost,
  saveDraft,
} from '../src/data/posts.ts';
import { cardTitles, editor, newSignedInPage, type TemporaryCredentials } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { authorItems, publishedCount } from './support/table.ts';

/** The items of one post in the table (its working copy, published copy and tag entries). */
const itemsOfPost = async (stack: Parameters<typeof authorItems>[0], authorId: string, postSlug: string) =>
  (await authorItems(stack, authorId)).filter((item) => item.endsWith(`#${postSlug}`));

test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const title = `Notes from the e2e run ${run}`;
const slug = `notes-from-the-e2e-run-${run}`;
const tag = `e2e-${run}`;
const draftTitle = `Secret draft ${run}`;
const draftSlug = `secret-draft-${run}`;

let alice: { context: BrowserContext; page: Page; credentials: TemporaryCredentials };
let bob: { context: BrowserContext; page: Page; credentials: TemporaryCredentials };
let aliceId = '';

function storeWith(
  stack: { gatewayUrl: string; config: { region: string; tableName: string } },
  credentials: TemporaryCredentials,
): PostStore {
  const clients = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 1,
  });
  return { documents: clients.documents, tableName: stack.config.tableName };
}

/** A post published behind the app's back (operator credentials), dated now. */
async function publishAsAdmin(
  stack: { gatewayUrl: string; config: { region: string; tableName: string } },
  postSlug: string,
  postTitle: string,
) {
  const admin = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const now = new Date().toISOString();
  await admin.documents.send(
    new PutCommand({
      TableName: stack.config.tableName,
      Item: publishedItem({
        authorId: aliceId,
        authorName: 'Alice Archer',
        slug: postSlug,
        title: postTitle,
        body: 'New.',
        excerpt: '',
        tags: [],
        status: 'published',
        version: 1,
        createdAt: now,
        updatedAt: now,
        publishedAt: now,
      }),
    }),
  );
  admin.destroy();
}

async function guestPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test.beforeAll(async ({ browser, stack }) => {
  test.setTimeout(180_000);
  // 3 authors × 70 posts, one a day back from now: over 200 posts across three or four month partitions.
  await seedDemoContent({ config: stack.config, postsPerAuthor: 70 });
  alice = await newSignedInPage(browser, stack.appUrl, 'Alice Archer');
  bob = await newSignedInPage(browser, stack.appUrl, 'Bob Baker');
  aliceId = alice.credentials.identityId;
});

test.afterAll(async () => {
  await alice?.context.close();
  await bob?.context.close();
});

test('alice writes, previews and publishes; a guest and bob read it in the feed, on the tag page and its own page @write-path', async ({
  browser,
  stack,
}) => {
  test.setTimeout(120_000);
  const { page } = alice;
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await ed.title.fill(title);
  await expect(ed.slug).toHaveValue(slug);
  await ed.tags.fill(`${tag}, Web Components`);
  await ed.excerpt.fill('What an end-to-end run taught me.');
  await ed.typeInBody('## Hello readers\n\nThis is **bold** and a [link](https://example.com).');
  await expect(ed.status).toHaveText(/^Saved/);
  await expect(page).toHaveURL(`${stack.appUrl}/write/${slug}`);
  await expect(page).toHaveTitle(`Editing “${title}” · Inkwell`);

  await ed.button('Preview').click();
  const preview = ed.root.getByRole('article', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Hello readers' })).toBeVisible();
  await expect(preview.locator('strong')).toHaveText('bold');
  await expect(preview.getByRole('link', { name: 'link' })).toHaveAttribute(
    'rel',
    'noopener noreferrer nofollow',
  );
  await ed.button('Write').click();

  await ed.button('Publish').click();
  await expect(ed.status).toHaveText('Saved · published');
  await expect(ed.root.getByRole('link', { name: 'View post' })).toBeVisible();
  await expect(page.locator('ink-write-page').getByRole('listitem').filter({ hasText: title })).toContainText(
    'Published',
  );

  const guest = await guestPage(browser);
  for (const reader of [guest.page, bob.page]) {
    await reader.goto(stack.appUrl);
    const card = reader.getByRole('link', { name: title });
    await expect(card).toBeVisible();
    await card.click();
    await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(reader).toHaveTitle(`${title} · Inkwell`);
    await expect(reader.locator('meta[name="description"]')).toHaveAttribute(
      'content',
      'What an end-to-end run taught me.',
    );
    await expect(reader.locator('article strong')).toHaveText('bold');
    // Nobody but the author is offered the editor.
    await expect(reader.getByRole('link', { name: 'Edit' })).toHaveCount(0);
    await reader.getByRole('link', { name: `#${tag}` }).click();
    await expect(reader).toHaveURL(`${stack.appUrl}/tags/${tag}`);
    await expect(reader.getByRole('heading', { level: 1, name: `#${tag}` })).toBeVisible();
    await expect(reader.locator('ink-post-card h2')).toHaveText([title]);
    await reader.goto(`${stack.appUrl}/tags/web-components`);
    await expect(reader.locator('ink-post-card h2').filter({ hasText: title })).toBeVisible();
    await reader.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}`);
    await expect(reader.getByRole('heading', { level: 1, name: 'Alice Archer' })).toBeVisible();
    await expect(reader.getByText('71 posts')).toBeVisible();
    await expect(reader.locator('ink-post-card h2').first()).toHaveText(title);
  }
  // The tag within a date range: today has it, a day in 2000 has nothing.
  const today = new Date().toISOString().slice(0, 10);
  await guest.page.goto(`${stack.appUrl}/tags/${tag}`);
  await guest.page.getByLabel('From').fill(today);
  await guest.page.getByLabel('To').fill(today);
  await guest.page.getByRole('button', { name: 'Show' }).click();
  await expect(guest.page).toHaveURL(`${stack.appUrl}/tags/${tag}?from=${today}&to=${today}`);
  await expect(guest.page.locator('ink-post-card h2')).toHaveText([title]);
  await guest.page.goto(`${stack.appUrl}/tags/${tag}?from=2000-01-01&to=2000-01-02`);
  await expect(guest.page.getByText('No posts with this tag.')).toBeVisible();
  // The author sees "Edit" on her own post.
  await page.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}/posts/${slug}`);
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveAttribute('href', `/write/${slug}`);
  // The Atom feed was written to the bucket on publish, publicly readable.
  const feed = await guest.page.request.get(
    `${stack.config.assetBaseUrl}public/${encodeURIComponent(aliceId)}/feed.atom`,
  );
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toMatch(/^application\/atom\+xml/);
  expect(await feed.text()).toContain(`<title type="text">${title}</title>`);
  await guest.context.close();
  expect(errors).toEqual([]);
  // Exactly one of each item, however many replies were lost and re-sent on the way.
  expect(await itemsOfPost(stack, aliceId, slug)).toEqual([
    `D#P#${slug}`,
    `U#P#${slug}`,
    `U#T#${tag}#${slug}`,
    `U#T#web-components#${slug}`,
  ]);
  expect(await publishedCount(stack, aliceId)).toBe(71);
});

test('bob cannot edit or delete alice’s post: not through the UI, not with his browser’s own AWS credentials', async ({
  stack,
}) => {
  const { page } = bob;
  // The editor only ever opens the signed-in writer's own partition: alice's slug is not bob's post.
  await page.goto(`${stack.appUrl}/write/${slug}`);
  await expect(page.getByRole('alert')).toHaveText(/Nothing here/);
  await expect(page.locator('ink-editor')).toHaveCount(0);

  // The credentials Bob's browser received, used directly: the gateway's IAM check refuses every write.
  const asBob = storeWith(stack, bob.credentials);
  const published = await getPublishedPost(asBob.documents, asBob.tableName, aliceId, slug);
  const forged = { ...published, title: 'Bob was here', version: published.version };
  await expect(saveDraft(asBob, forged)).rejects.toMatchObject({ code: 'access-denied' });
  await expect(publishPost(asBob, forged)).rejects.toMatchObject({ code: 'access-denied' });
  await expect(deletePost(asBob, forged)).rejects.toMatchObject({ code: 'access-denied' });
  await expect(
    asBob.documents.send(
      new PutCommand({
        TableName: asBob.tableName,
        Item: { ...keys.published(aliceId, slug), title: 'Bob was here' },
      }),
    ),
  ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  await page.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}/posts/${slug}`);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
});

test('alice’s drafts never appear to anyone else @write-path', async ({ browser, stack }) => {
  test.setTimeout(120_000);
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await ed.title.fill(draftTitle);
  await ed.tags.fill(tag);
  await ed.typeInBody('Nobody may read this yet.');
  await expect(ed.status).toHaveText('Saved · draft');
  await expect(page).toHaveURL(`${stack.appUrl}/write/${draftSlug}`);
  expect(await itemsOfPost(stack, aliceId, draftSlug)).toEqual([`D#P#${draftSlug}`]);

  const guest = await guestPage(browser);
  for (const reader of [guest.page, bob.page]) {
    await reader.goto(stack.appUrl);
    await expect(reader.getByRole('link', { name: title })).toBeVisible();
    await expect(reader.getByText(draftTitle)).toHaveCount(0);
    await reader.goto(`${stack.appUrl}/tags/${tag}`);
    await expect(reader.getByRole('link', { name: title })).toBeVisible();
    await expect(reader.getByText(draftTitle)).toHaveCount(0);
    await reader.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}`);
    await expect(reader.getByRole('link', { name: title })).toBeVisible();
    await expect(reader.getByText(draftTitle)).toHaveCount(0);
    await reader.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}/posts/${draftSlug}`);
    await expect(reader.getByRole('alert')).toHaveText(/Nothing here/);
  }
  await bob.page.goto(`${stack.appUrl}/write`);
  await expect(bob.page.getByRole('heading', { name: 'My posts' })).toBeVisible();
  await expect(bob.page.getByText(draftTitle)).toHaveCount(0);
  // Bob's own credentials cannot read the draft's item either.
  await expect(getDraft(storeWith(stack, bob.credentials), aliceId, draftSlug)).rejects.toMatchObject({
    code: 'access-denied',
  });
  await guest.context.close();
});

test('two windows editing the same post get a conflict, not a lost update @write-path', async ({
  browser,
  stack,
}) => {
  test.setTimeout(120_000);
  const one = alice.page;
  const two = await newSignedInPage(browser, stack.appUrl, 'Alice Archer', `/write/${draftSlug}`);
  await one.goto(`${stack.appUrl}/write/${draftSlug}`);
  const first = editor(one);
  const second = editor(two.page);
  await expect(second.status).toHaveText('Saved · draft');
  await expect(first.status).toHaveText('Saved · draft');

  await first.typeInBody(' Window one was here.');
  await expect(first.status).toHaveText('Saved · draft');
  await second.typeInBody(' Window two was here.');
  await expect(second.status).toHaveText('Conflict');
  const conflict = second.root.getByRole('alert').filter({ hasText: 'changed in another window' });
  await expect(conflict.getByRole('region', { name: 'Theirs' })).toContainText('Window one was here.');
  await expect(conflict.getByRole('region', { name: 'Yours' })).toContainText('Window two was here.');
  await expect(second.button('Publish')).toBeDisabled();

  // Keep mine: window two saves over window one, knowingly.
  await conflict.getByRole('button', { name: 'Keep mine' }).click();
  await expect(second.status).toHaveText('Saved · draft');
  expect(await second.bodyText()).toBe('Nobody may read this yet. Window two was here.');

  // Window one, still on the older version, now gets the conflict; it takes theirs.
  await first.typeInBody(' One again.');
  await expect(first.status).toHaveText('Conflict');
  await first.root.getByRole('button', { name: 'Take theirs' }).click();
  await expect(first.status).toHaveText('Saved · draft');
  expect(await first.bodyText()).toBe('Nobody may read this yet. Window two was here.');
  await one.reload();
  await expect(editor(one).status).toHaveText('Saved · draft');
  expect(await editor(one).bodyText()).toBe('Nobody may read this yet. Window two was here.');
  await two.context.close();
});

test('a draft survives losing the network, and a reload', async ({ stack }) => {
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write/${draftSlug}`);
  const ed = editor(page);
  await expect(ed.status).toHaveText('Saved · draft');
  await page.route(`${stack.gatewayUrl}/**`, (route) => route.abort('internetdisconnected'));
  await ed.typeInBody(' Typed offline.');
  await expect(ed.status).toHaveText('Offline – kept on this device');
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await page.reload();
  const restored = editor(page);
  await expect(restored.root.getByRole('note')).toContainText('Restored changes kept on this device');
  await expect(restored.status).toHaveText('Saved · draft');
  expect(await restored.bodyText()).toContain('Typed offline.');
});

test('the feed pages through 200+ posts with stable cursors, even while new posts arrive', async ({
  browser,
  stack,
}) => {
  test.setTimeout(120_000);
  const guest = await guestPage(browser);
  const { page } = guest;
  await page.goto(stack.appUrl);
  const pages: { url: string; titles: string[]; links: string[] }[] = [];
  for (;;) {
    await expect(page.locator('ink-post-list')).toBeVisible();
    const links = await page
      .locator('ink-post-card h2 a')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
    if (links.length === 0) break;
    pages.push({ url: page.url(), titles: await cardTitles(page), links });
    if (pages.length === 2)
      await publishAsAdmin(stack, `arrived-while-paging-${run}`, `Arrived while paging ${run}`);
    const older = page.getByRole('link', { name: 'Older posts →' });
    if ((await older.count()) === 0) break;
    await older.click();
    await expect(page).not.toHaveURL(pages.at(-1)!.url);
  }
  const all = pages.flatMap((p) => p.links);
  expect(all.length).toBeGreaterThanOrEqual(211);
  expect(new Set(all).size).toBe(all.length);
  expect(pages.slice(0, -1).every((p) => p.links.length === 20)).toBe(true);
  expect(pages.flatMap((p) => p.titles)).not.toContain(`Arrived while paging ${run}`);
  // A page link shows the same posts when opened again (and bookmarked, shared, reloaded).
  for (const index of [1, 5, pages.length - 1]) {
    await page.goto(pages[index]!.url);
    await expect(page.locator('ink-post-card').first()).toBeVisible();
    expect(await cardTitles(page)).toEqual(pages[index]!.titles);
  }
  await page.goto(stack.appUrl);
  await expect(page.locator('ink-post-card').first()).toContainText(`Arrived while paging ${run}`);
  // A damaged cursor is a clear message, not a crash.
  await page.goto(`${stack.appUrl}/?page=not-a-cursor`);
  await expect(page.getByRole('alert')).toHaveText(/not valid any more/);
  await guest.context.close();
});

test('alice unpublishes and deletes, with a confirmation she can cancel @write-path', async ({
  browser,
  stack,
}) => {
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write/${slug}`);
  const ed = editor(page);
  await expect(ed.status).toHaveText('Saved · published');
  await expect(ed.slug).toHaveAttribute('readonly', '');
  await ed.button('Unpublish').click();
  await expect(ed.status).toHaveText('Saved · draft');
  const guest = await guestPage(browser);
  await guest.page.goto(`${stack.appUrl}/authors/${encodeURIComponent(aliceId)}/posts/${slug}`);
  await expect(guest.page.getByRole('alert')).toHaveText(/Nothing here/);
  await guest.page.goto(`${stack.appUrl}/tags/${tag}`);
  await expect(guest.page.getByText('No posts with this tag.')).toBeVisible();

  await ed.button('Delete').click();
  const dialog = ed.root.getByRole('dialog', { name: 'Delete this post?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(ed.status).toHaveText('Saved · draft');
  await ed.button('Delete').click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(`${stack.appUrl}/write`);
  const mine = page.getByRole('region', { name: 'My posts' });
  await expect(mine.getByText(draftTitle)).toBeVisible();
  await expect(mine.getByText(title)).toHaveCount(0);
  await guest.context.close();
  expect(await itemsOfPost(stack, aliceId, slug)).toEqual([]);
  expect(await itemsOfPost(stack, aliceId, draftSlug)).toEqual([`D#P#${draftSlug}`]);
  expect(await publishedCount(stack, aliceId)).toBe(70);
});
