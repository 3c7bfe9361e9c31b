import { expect, test } from './support/fixtures.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a guest signs in with the local provider by redirect and the app calls AWS as Alice', async ({
  page,
  stack,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(stack.appUrl);

  const login = page.locator('ink-login');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();

  // The provider's own login page, on its own origin.
  await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(stack.oidcIssuer)}/`));
  await page.getByRole('button', { name: 'Sign in as Alice Archer' }).click();

  // Back in the app, signed in, with the authorization code gone from the address bar.
  await expect(login.getByText('Alice Archer')).toBeVisible();
  await expect(login.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL(`${stack.appUrl}/`);
  expect(page.url()).not.toMatch(/[?&](code|state)=/);

  // Tokens live in this tab's sessionStorage only: no cookie of the app's origin carries them.
  const kept = await page.evaluate(() => ({
    session: Object.keys(sessionStorage),
    local: Object.entries(localStorage).map(([key, value]) => `${key}=${value}`),
    cookie: document.cookie,
  }));
  expect(kept.session).toContain('ink.auth.tokens');
  expect(kept.cookie).toBe('');
  expect(kept.local.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ/);

  // The feed was read with Alice's credentials: the activity panel lists the Cognito exchange and the Query.
  const panel = page.locator('ink-activity-panel');
  await panel.getByText(/AWS activity/).click();
  await expect(panel.locator('tr[data-operation="GetCredentialsForIdentity"]').first()).toBeVisible();
  await expect(panel.locator('tr[data-service="DynamoDB"][data-operation="Query"]').first()).toBeVisible();
  const query = panel.locator('tr[data-operation="Query"]').first();
  await expect(query.locator('td').nth(6)).toHaveText(''); // no error code
  expect(errors).toEqual([]);
});

test('signing in in a popup keeps the page and hands the result back to it', async ({ page, stack }) => {
  await page.goto(stack.appUrl);
  const login = page.locator('ink-login');
  await login.evaluate((element) => element.setAttribute('popup', ''));
  await login.getByRole('button', { name: 'Sign in' }).click();

  const popupOpened = page.waitForEvent('popup');
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Sign in as Bob Baker' }).click();
  await popup.waitForEvent('close');

  await expect(login.getByText('Bob Baker')).toBeVisible();
  await expect(page).toHaveURL(`${stack.appUrl}/`);
});

test('signing out returns to guest and ends the provider session', async ({ page, stack }) => {
  await page.goto(stack.appUrl);
  const login = page.getByRole('banner').locator('ink-login');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();
  await page.getByRole('button', { name: 'Sign in as Carol Chen' }).click();
  await expect(login.getByText('Carol Chen')).toBeVisible();

  // RP-initiated logout: through the provider's end-session endpoint and back to the app's home.
  // Both navigations are awaited as they happen: the app shows "Sign in" before it leaves for the
  // provider, so checking the page in between would race the navigation.
  const leftForProvider = page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
  await login.getByRole('button', { name: 'Sign out' }).click();
  await leftForProvider;
  await page.waitForURL(`${stack.appUrl}/`);
  await expect(login.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('ink.auth.tokens'))).toBeNull();

  // The provider forgot the session too: signing in again asks who you are.
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();
  await expect(page.getByRole('button', { name: 'Sign in as Alice Archer' })).toBeVisible();
});
