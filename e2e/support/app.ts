/**
 * What the posts and XSS specs do through the app as a person would: sign in on the local provider's
 * page, write in the editor, read lists of cards.
 */
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { expect } from './fixtures.ts';
import { signIn as signInThroughProvider } from './sign-in.ts';

export type DemoUser = 'Alice Archer' | 'Bob Baker' | 'Carol Chen';

export interface TemporaryCredentials {
  identityId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * Signs in through <ink-login> and the local OpenID provider's page, and comes back to `path`. Resolves
 * with the temporary AWS credentials the page itself received (read off its Cognito response), so a spec
 * can check what those very credentials may do.
 */
export async function signIn(
  page: Page,
  appUrl: string,
  user: DemoUser,
  path = '/write',
): Promise<TemporaryCredentials> {
  const received: TemporaryCredentials[] = [];
  page.on('response', async (response) => {
    const target = response.request().headers()['x-amz-target'] ?? '';
    if (!target.endsWith('GetCredentialsForIdentity') || !response.ok()) return;
    const body = (await response.json().catch(() => undefined)) as
      | { IdentityId: string; Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string } }
      | undefined;
    if (body?.Credentials) {
      received.push({
        identityId: body.IdentityId,
        accessKeyId: body.Credentials.AccessKeyId,
        secretAccessKey: body.Credentials.SecretKey,
        sessionToken: body.Credentials.SessionToken,
      });
    }
  });
  await page.goto(`${appUrl}${path}`);
  await signInThroughProvider(page, user);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // The signed-in identity's credentials arrive with the first AWS call the page makes as that user.
  await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.waitForLoadState('networkidle');
  return received.at(-1)!;
}

export async function newSignedInPage(browser: Browser, appUrl: string, user: DemoUser, path = '/write') {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  const credentials = await signIn(page, appUrl, user, path);
  return { context, page, credentials };
}

export function editor(page: Page) {
  const root = page.locator('ink-editor');
  return {
    root,
    title: root.getByLabel('Title', { exact: true }),
    slug: root.getByLabel('Address', { exact: true }),
    tags: root.getByLabel('Tags', { exact: true }),
    excerpt: root.getByLabel('Excerpt', { exact: true }),
    status: root.locator('[part="status"]'),
    body: root.locator('.CodeMirror'),
    /** Appends text at the end of the markdown body, typed as keys. */
    async typeInBody(text: string) {
      await root.locator('.CodeMirror').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type(text);
    },
    async bodyText(): Promise<string> {
      return root
        .locator('.CodeMirror')
        .evaluate((element) =>
          (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
        );
    },
    button: (name: string) => root.getByRole('button', { name, exact: true }),
  };
}

/** The titles of the post cards on the page, in order. */
export async function cardTitles(page: Page | Locator): Promise<string[]> {
  return page.locator('ink-post-card h2').allInnerTexts();
}
