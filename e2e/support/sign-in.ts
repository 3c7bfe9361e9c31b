import { expect, type Page } from '@playwright/test';

export type DemoAccount = 'Alice Archer' | 'Bob Baker' | 'Carol Chen';

/** Signs in through the real flow: the app's menu, the provider's own login page, back to the app. */
export async function signIn(page: Page, account: DemoAccount): Promise<void> {
  const login = page.getByRole('banner').locator('ink-login');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();
  await page.getByRole('button', { name: `Sign in as ${account}` }).click();
  await expect(login.getByText(account)).toBeVisible();
}
