/**
 * A writer who uses only the keyboard: from signing in to publishing, through the markdown body (where
 * Tab indents, and Esc then Tab moves on), and a conflict panel that takes focus when it appears.
 */
import { editor, newSignedInPage } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { focusedName, tabTo } from './support/keyboard.ts';

const run = Date.now().toString(36);

test('keyboard only: sign in, write, leave the body with Esc then Tab, publish', async ({ page, stack }) => {
  await page.goto(`${stack.appUrl}/write`);
  await expect(page.getByText('Sign in to write.')).toBeVisible();

  await tabTo(page, 'Sign in');
  await page.keyboard.press('Enter');
  // The menu takes focus on its first provider; arrows move between them.
  expect(await focusedName(page)).toBe('Local test accounts');
  await page.keyboard.press('ArrowDown');
  expect(await focusedName(page)).toBe('Local OAuth 2.0 accounts');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
  await tabTo(page, 'Sign in as Alice Archer');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('banner').getByRole('button', { name: 'Sign out' })).toBeVisible();

  const ed = editor(page);
  await expect(ed.title).toBeVisible();
  await tabTo(page, 'Title');
  await page.keyboard.type(`Typed without a mouse ${run}`);
  await tabTo(page, 'Tags');
  await page.keyboard.type('keyboard');
  await tabTo(page, 'Body');
  await expect(ed.root.getByText('press Esc, then Tab')).toBeVisible();
  await page.keyboard.type('- a list item');
  await page.keyboard.press('Enter');
  // Inside the body, Tab indents (markdown lists need it) and focus stays.
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Body');
  await page.keyboard.type('nested');
  expect(await ed.bodyText()).toBe('- a list item\n\t- nested');
  await expect(ed.status).toHaveText('Saved · draft');

  // Esc, then Tab: out of the body, on to the post's actions.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Delete');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Publish');
  await page.keyboard.press('Enter');
  await expect(ed.status).toHaveText('Saved · published');
  await expect(ed.root.getByRole('link', { name: 'View post' })).toBeVisible();

  // Esc, then Shift+Tab, leaves upwards: to the toolbar, one Tab stop whose buttons the arrows reach.
  await tabTo(page, 'Body');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  expect(await focusedName(page)).toBe('Bold');
  await page.keyboard.press('ArrowLeft');
  expect(await focusedName(page)).toBe('Media library');
  await page.keyboard.press('Enter');
  const library = page.getByRole('dialog', { name: 'Media library' });
  await expect(library).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(library).toBeHidden();
});

test('a conflict takes focus, is announced, and shows the writer’s own text where they were typing', async ({
  browser,
  stack,
}) => {
  test.setTimeout(120_000);
  const one = await newSignedInPage(browser, stack.appUrl, 'Bob Baker');
  const first = editor(one.page);
  await first.title.fill(`Two windows ${run}`);
  // A long body, so the writer types far below the panel.
  await first.typeInBody(`Written in window one.${'\nA paragraph.'.repeat(30)}`);
  await expect(first.status).toHaveText('Saved · draft');
  const address = new URL(one.page.url()).pathname;
  expect(address).toMatch(/^\/write\/two-windows-/);

  const two = await newSignedInPage(browser, stack.appUrl, 'Bob Baker', address);
  const second = editor(two.page);
  await expect(second.status).toHaveText('Saved · draft');

  await first.typeInBody(' One again.');
  await expect(first.status).toHaveText('Saved · draft');
  await second.typeInBody(' The last words of window two.');
  await expect(second.status).toHaveText('Conflict');

  const panel = second.root.getByRole('alert').filter({ hasText: 'changed in another window' });
  await expect(panel).toBeFocused();
  await expect(panel).toBeInViewport();
  const yours = panel.getByRole('region', { name: 'Yours' });
  await expect(yours.getByText('The last words of window two.')).toBeInViewport();

  // By keyboard from the panel: Keep mine, and focus goes back to the body.
  await tabTo(two.page, 'Keep mine');
  await two.page.keyboard.press('Enter');
  await expect(second.status).toHaveText('Saved · draft');
  expect(await focusedName(two.page)).toBe('Body');
  await one.context.close();
  await two.context.close();
});
