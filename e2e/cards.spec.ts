/**
 * Post cards on the index pages (home, tag, author), read as a person reads them: who wrote the post,
 * and how many comments it has. In real Chromium against the real local stack, as a guest.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Locator, Page } from '@playwright/test';
import { links } from '../src/app/routes.ts';
import { keys } from '../src/core/model.ts';
import { type PublishedPost, publishedItem, tagItems } from '../src/core/post-items.ts';
import { postComment } from '../src/data/comments.ts';
import { type NodeUser, signInFromNode } from './support/aws-users.ts';
import { expect, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const stamp = Date.now().toString(36);
const tag = `cards-${stamp}`;
let alice: NodeUser;
let bob: NodeUser;
let carol: NodeUser;

function post(authorId: string, over: Partial<PublishedPost>): PublishedPost {
  const now = new Date().toISOString();
  return {
    authorId,
    authorName: 'Alice Archer',
    slug: `card-${stamp}`,
    title: 'A card to count',
    body: 'Words.',
    excerpt: 'Counted on every index page.',
    tags: [tag],
    status: 'published',
    version: 1,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
    ...over,
  };
}

/** The published copy and its tag entries, written as the publish transaction writes them. */
async function publish(user: NodeUser, items: Record<string, unknown>[]): Promise<void> {
  for (const Item of items) {
    await user.clients.documents.send(new PutCommand({ TableName: user.store.tableName, Item }));
  }
}

function card(page: Page, title: string): Locator {
  return page.locator('ink-post-card', { has: page.getByRole('heading', { name: title }) });
}

async function hrefs(locator: Locator): Promise<string[]> {
  return locator.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
}

test.beforeAll(async ({ stack }) => {
  [alice, bob, carol] = await Promise.all([
    signInFromNode(stack, 'alice'),
    signInFromNode(stack, 'bob'),
    signInFromNode(stack, 'carol'),
  ]);
  const genuine = post(alice.id, {});
  await publish(alice, [publishedItem(genuine), ...tagItems(genuine)]);
  for (let index = 1; index <= 5; index++) {
    await postComment(carol.store, {
      post: { authorId: alice.id, slug: genuine.slug },
      commenterId: carol.id,
      commenterName: 'Carol Chen',
      body: `Comment ${index} of 5.`,
    });
  }
});

test('cards on the home, tag and author pages say how many comments a post has', async ({ page, stack }) => {
  for (const path of ['/', links.tag(tag), links.author(alice.id)]) {
    await page.goto(`${stack.appUrl}${path}`);
    const genuine = card(page, 'A card to count');
    await expect(genuine.getByText('5 comments'), path).toBeVisible();
    // The legitimate twin of the attack below: alice's own post is shown as hers.
    await expect(genuine.getByRole('link', { name: 'Alice Archer' })).toHaveAttribute(
      'href',
      links.author(alice.id),
    );
  }
});

test('a post bob writes into his own partition naming alice as its author is not shown as hers', async ({
  page,
  stack,
}) => {
  // IAM lets bob put any item into his own partition, with alice's id and name in its attributes and
  // in its index keys (the feed and by-tag sort keys).
  const forged = post(alice.id, { slug: `forged-${stamp}`, title: 'Totally by Alice' });
  await publish(bob, [
    { ...publishedItem(forged), ...keys.published(bob.id, forged.slug) },
    ...tagItems(forged).map((item) => ({ ...item, ...keys.tagEntry(bob.id, tag, forged.slug) })),
  ]);
  for (const path of ['/', links.tag(tag)]) {
    await page.goto(`${stack.appUrl}${path}`);
    const shown = card(page, 'Totally by Alice');
    await expect(shown, path).toBeVisible();
    await expect(shown).not.toContainText('Alice Archer');
    const targets = await hrefs(shown);
    expect(
      targets.filter((href) => href.includes(encodeURIComponent(alice.id))),
      path,
    ).toEqual([]);
    // It is bob's post, in bob's partition, and it links there.
    expect(targets).toContain(links.author(bob.id));
    expect(targets).toContain(links.post(bob.id, forged.slug));
  }
});
