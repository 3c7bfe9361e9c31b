/**
 * Dark mode: the system's scheme by default, a header toggle that is remembered and applies before the
 * app's code runs (no light flash), code blocks coloured in both schemes, and the comments widget on the
 * theme its host page asks for.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { seedDemoContent } from '../scripts/lib/seed-demo.ts';
import { signIn } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';

const LIGHT_BACKGROUND = 'rgb(247, 246, 243)';
const DARK_BACKGROUND = 'rgb(20, 20, 24)';
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test.beforeAll(async ({ stack }) => {
  await seedDemoContent({ config: stack.config, postsPerAuthor: 1 });
});

test('follows the system scheme, and the toggle is remembered from the first paint on', async ({
  browser,
  stack,
}) => {
  const dark = await browser.newContext({ colorScheme: 'dark' });
  const darkPage = await dark.newPage();
  await darkPage.goto(stack.appUrl);
  const darkToggle = darkPage.getByRole('button', { name: 'Dark mode' });
  await expect(darkToggle).toHaveAttribute('aria-pressed', 'true');
  expect(await background(darkPage)).toBe(DARK_BACKGROUND);
  await dark.close();

  const context = await browser.newContext({ colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(stack.appUrl);
  const toggle = page.getByRole('button', { name: 'Dark mode' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await background(page)).toBe(LIGHT_BACKGROUND);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await background(page)).toBe(DARK_BACKGROUND);

  // With the app's code held back, the page is already dark: the choice applies before first paint.
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.reload();
  await expect(page.getByText('Loading Inkwell…')).toBeVisible();
  expect(await background(page)).toBe(DARK_BACKGROUND);
  await page.unrouteAll();
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  // Back to light, the system's own: the app follows the system again.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await background(page)).toBe(LIGHT_BACKGROUND);
  expect(await page.evaluate(() => localStorage.getItem('inkwell:theme'))).toBeNull();
  await context.close();
});

test('code blocks are coloured in both schemes, and the dark write page has no contrast problems', async ({
  browser,
  stack,
}) => {
  const colours: Record<string, { keyword: string; string: string; text: string }> = {};
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(stack.appUrl);
    await page.getByRole('link', { name: 'Web components in practice' }).first().click();
    const code = page.locator('.prose pre code').first();
    await expect(code).toContainText('await posts.get');
    colours[scheme] = await code.evaluate((element) => {
      const colour = (selector: string) => getComputedStyle(element.querySelector(selector)!).color;
      return {
        keyword: colour('.hljs-keyword'),
        string: colour('.hljs-string'),
        text: getComputedStyle(element).color,
      };
    });
    if (scheme === 'dark') {
      await signIn(page, stack.appUrl, 'Bob Baker');
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
        [],
      );
    }
    await context.close();
  }
  expect(colours.light).toEqual({
    keyword: 'rgb(160, 17, 74)',
    string: 'rgb(10, 90, 42)',
    text: 'rgb(36, 41, 47)',
  });
  expect(colours.dark).toEqual({
    keyword: 'rgb(255, 143, 177)',
    string: 'rgb(155, 227, 159)',
    text: 'rgb(230, 230, 230)',
  });
});

test('the comments widget keeps the theme its host asks for, whatever the system scheme', async ({
  browser,
  stack,
}) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  const textColour = () => page.evaluate(() => getComputedStyle(document.body).color);
  await page.goto(`${stack.appUrl}/comments.html?post=someone%2Fsome-post&theme=light`);
  await expect(page.getByRole('main')).toBeAttached();
  expect(await textColour()).toBe('rgb(29, 29, 31)');
  await page.goto(`${stack.appUrl}/comments.html?post=someone%2Fsome-post&theme=dark`);
  await expect(page.getByRole('main')).toBeAttached();
  expect(await textColour()).toBe('rgb(236, 235, 232)');
  await context.close();
});
