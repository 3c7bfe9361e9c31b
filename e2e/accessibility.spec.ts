/**
 * axe-core (WCAG 2.x A/AA and best practices) on every page and dialog the writer's app has, in real
 * Chromium against the real stack: 0 violations of any impact. The reader pages (home, post) are
 * checked too while the app still renders them.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { seedDemoContent } from '../scripts/lib/seed-demo.ts';
import { signIn } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';

async function violations(page: Page, include?: string) {
  const builder = new AxeBuilder({ page });
  const { violations: found } = await (include ? builder.include(include) : builder).analyze();
  return found.map((v) => `[${v.impact}] ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.beforeAll(async ({ stack }) => {
  await seedDemoContent({ config: stack.config, postsPerAuthor: 1 });
});

test('home, a post and its comments widget: no violations, no missing files (favicon)', async ({
  page,
  stack,
}) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await page.goto(stack.appUrl);
  await expect(page.locator('ink-post-card').first()).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Web components in practice' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Web components in practice' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
  const [, author, slug] = /\/authors\/([^/]+)\/posts\/([^/?]+)/.exec(page.url())!;

  await page.goto(`${stack.appUrl}/comments.html?post=${author}%2F${slug}`);
  await expect(page.getByRole('heading', { name: /comment/i }).first()).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();
  expect(await violations(page)).toEqual([]);

  expect(missing).toEqual([]);
  const favicon = await page.request.get(`${stack.appUrl}/favicon.svg`);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toContain('image/svg+xml');
});

test('the sign-in menu and the write page, and the media library dialog with the seeded images', async ({
  page,
  stack,
}) => {
  await page.goto(`${stack.appUrl}/write`);
  const login = page.getByRole('banner').locator('ink-login');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByRole('menuitem', { name: 'Local test accounts' })).toBeFocused();
  expect(await violations(page)).toEqual([]);
  await page.keyboard.press('Escape');

  await signIn(page, stack.appUrl, 'Alice Archer');
  await expect(page.locator('ink-editor .CodeMirror')).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.locator('ink-editor').getByRole('button', { name: 'Media library' }).click();
  const library = page.getByRole('dialog', { name: 'Media library' });
  await expect(library).toBeVisible();
  // The demo images the seed put in Alice's posts are in her library, as if she had uploaded them.
  const images = library.getByRole('list', { name: 'Images' }).getByRole('listitem');
  await expect(images.first()).toBeVisible();
  await expect(library.getByRole('img', { name: 'What I learned moving a blog to DynamoDB' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
