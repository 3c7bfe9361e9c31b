/**
 * Profiles and handles, as writers and readers meet them: alice picks a handle, name, bio and an
 * uploaded avatar, and her author page is live at `/@handle` for a reader with JavaScript OFF; her
 * editor's "View post" goes to the readable URL. bob then asks for alice's handle: the publisher
 * grants handles first-come, so he is told it is taken, and his pages stay at his own handle.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { editor, newSignedInPage } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { noisePng } from './support/images.ts';

const stamp = Date.now().toString(36);
const aliceHandle = `alice-${stamp}`;
const bobHandle = `bob-${stamp}`;
const aliceBio = `Writes about static pages (${stamp}).`;

let alice: { context: BrowserContext; page: Page };
let bob: { context: BrowserContext; page: Page };
let reader: BrowserContext;
let avatarUrl = '';

const form = (page: Page) => {
  const root = page.locator('ink-profile-page');
  return {
    handle: root.getByLabel('Handle', { exact: true }),
    displayName: root.getByLabel('Display name', { exact: true }),
    bio: root.getByLabel('Bio', { exact: true }),
    avatar: root.getByRole('img', { name: 'Your avatar' }),
    outcome: root.locator('#outcome'),
    save: root.getByRole('button', { name: 'Save profile' }),
    root,
  };
};

/** Saves the profile and waits, polling, for the publisher's verdict in the live region. */
async function saveAndAwait(page: Page, expected: string | RegExp) {
  const f = form(page);
  await f.save.click();
  await expect(async () => {
    await expect(f.outcome).toHaveText(expected, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

test.beforeAll(async ({ browser, stack }) => {
  alice = await newSignedInPage(browser, stack.appUrl, 'Alice Archer', '/profile');
  bob = await newSignedInPage(browser, stack.appUrl, 'Bob Baker', '/profile');
  reader = await browser.newContext({ javaScriptEnabled: false });
});

test.afterAll(async () => {
  await alice?.context.close();
  await bob?.context.close();
  await reader?.close();
});

test('alice sets handle, name, bio and avatar; her page is live at /@handle with JavaScript off', async ({
  stack,
}) => {
  test.setTimeout(150_000);
  const { page } = alice;
  const f = form(page);
  await expect(f.handle).toBeVisible();
  // Validation before any request, associated with its field.
  await f.handle.fill('u-mine');
  await f.save.click();
  await expect(f.handle).toHaveAttribute('aria-invalid', 'true');
  await expect(f.handle).toHaveAccessibleDescription(/reserved/);
  await expect(f.handle).toBeFocused();

  await f.handle.fill(aliceHandle);
  await f.displayName.fill('Alice Archer');
  await f.bio.fill(aliceBio);
  const chooser = page.waitForEvent('filechooser');
  await f.root.getByRole('button', { name: 'Upload avatar' }).click();
  await (await chooser).setFiles({ name: 'me.png', mimeType: 'image/png', buffer: noisePng(96, 96) });
  await expect(f.avatar).toBeVisible({ timeout: 30_000 });
  avatarUrl = (await f.avatar.getAttribute('src')) ?? '';
  expect(avatarUrl).toMatch(/\/public\/[^/]+\/assets\/[^/]+-me\.png$/);

  await saveAndAwait(page, `Your page is live at /@${aliceHandle}`);
  await expect(f.outcome.getByRole('link', { name: `/@${aliceHandle}` })).toHaveAttribute(
    'href',
    `/@${aliceHandle}`,
  );

  // A reader without JavaScript: the author page the publisher rendered, on the app's origin.
  const tab = await reader.newPage();
  await expect(async () => {
    const response = await tab.goto(`${stack.appUrl}/@${aliceHandle}`);
    expect(response?.status()).toBe(200);
    await expect(tab.getByText(aliceBio)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(tab.getByRole('heading', { level: 1, name: 'Alice Archer' })).toBeVisible();
  await expect(tab.getByText(`@${aliceHandle}`, { exact: false }).first()).toBeVisible();
  const avatar = tab.locator('img.avatar');
  await expect(avatar).toHaveAttribute('src', avatarUrl);
  const image = await tab.request.get(avatarUrl);
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/png');
  await tab.close();
});

test('the editor’s "View post" points at the readable URL /@handle/slug', async ({ stack }) => {
  test.setTimeout(120_000);
  test.skip(!avatarUrl, 'needs alice’s granted handle from the test before');
  const { page } = alice;
  const slug = `profile-post-${stamp}`;
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await ed.title.fill(`Profile post ${stamp}`);
  await expect(ed.slug).toHaveValue(slug);
  await ed.typeInBody('Hello from my new handle.');
  await expect(ed.status).toHaveText(/^Saved/);
  await ed.button('Publish').click();
  await expect(ed.status).toHaveText('Saved · published');
  const view = ed.root.getByRole('link', { name: 'View post' });
  await expect(view).toHaveAttribute('href', `/@${aliceHandle}/${slug}`);
  // The link leaves the app for the rendered page (the router does not claim it).
  await expect(async () => {
    await page.goto(`${stack.appUrl}/write/${slug}`);
    await ed.root.getByRole('link', { name: 'View post' }).click();
    await expect(page).toHaveURL(`${stack.appUrl}/@${aliceHandle}/${slug}`, { timeout: 1_000 });
    await expect(page.getByRole('article').getByRole('heading', { level: 1 })).toHaveText(
      `Profile post ${stamp}`,
      { timeout: 1_000 },
    );
  }).toPass({ timeout: 30_000 });
});

test('bob asks for alice’s handle: he is told it is taken and his pages stay at his own', async ({
  stack,
}) => {
  test.setTimeout(150_000);
  test.skip(!avatarUrl, 'needs alice’s granted handle from the first test');
  const { page } = bob;
  const f = form(page);
  await page.reload();
  await f.handle.fill(bobHandle);
  await f.displayName.fill('Bob Baker');
  await f.bio.fill('Bakes bread, writes code.');
  await saveAndAwait(page, `Your page is live at /@${bobHandle}`);

  await f.handle.fill(aliceHandle);
  await saveAndAwait(page, /That handle is taken: pick another/);
  await expect(f.outcome).toContainText(`Your pages stay at /@${bobHandle}`);
  await expect(f.handle).toHaveAttribute('aria-invalid', 'true');
  await expect(f.handle).toHaveAccessibleDescription(/That handle is taken: pick another/);

  const tab = await reader.newPage();
  // Alice's page is still hers, and bob's is where it was.
  await tab.goto(`${stack.appUrl}/@${aliceHandle}`);
  await expect(tab.getByRole('heading', { level: 1, name: 'Alice Archer' })).toBeVisible();
  await expect(tab.getByText(aliceBio)).toBeVisible();
  await tab.goto(`${stack.appUrl}/@${bobHandle}`);
  await expect(tab.getByRole('heading', { level: 1, name: 'Bob Baker' })).toBeVisible();
  expect(tab.url()).toBe(`${stack.appUrl}/@${bobHandle}`);
  const claim = await (await tab.request.get(`${stack.appUrl}/_handles/${aliceHandle}.json`)).json();
  expect(claim.handle).toBe(aliceHandle);
  await tab.close();

  // The stored profile names the handle he holds again: the form opens on it, granted.
  await expect(async () => {
    await page.reload();
    await expect(f.handle).toHaveValue(bobHandle, { timeout: 2_000 });
    await expect(f.outcome).toHaveText(`Your page is live at /@${bobHandle}`, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
});
