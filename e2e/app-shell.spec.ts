import { seedDemoContent } from '../scripts/lib/seed-demo.ts';
import { expect, test } from './support/fixtures.ts';

test.beforeAll(async ({ stack }) => {
  await seedDemoContent({ config: stack.config, postsPerAuthor: 2 });
});

test('a guest opens the app and reads the seeded feed and a post with its image', async ({ page, stack }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(stack.appUrl);
  await expect(page.getByRole('link', { name: 'Inkwell', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();
  await expect(page).toHaveTitle(/Latest posts/);
  const card = page.getByRole('link', { name: 'Web components in practice' }).first();
  await expect(card).toBeVisible();
  await card.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Web components in practice' })).toBeVisible();
  await expect(page).toHaveTitle('Web components in practice · Inkwell');
  // The cover image is loaded from the bucket through the gateway, anonymously (public read).
  const image = page.locator('article img').first();
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('unknown URLs get a not-found page, not a blank screen', async ({ page, stack }) => {
  await page.goto(`${stack.appUrl}/no/such/page`);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
