import { expect, test } from './support/fixtures.ts';
import { type RunningStack, startStackProcess } from './support/local-stack-process.ts';

/**
 * Plain OAuth 2.0 sign-in (how Facebook and Login with Amazon work on the web) against the local fake
 * provider: code + PKCE, the access token goes to Cognito under `Logins['oauth2.local']`, and Cognito
 * checks it by asking the provider.
 */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.describe('with identity mode "cognito" (the default stack offers both providers)', () => {
  test('a guest signs in through the OAuth 2.0 provider and reads DynamoDB with those credentials', async ({
    page,
    stack: oauth2Stack,
  }) => {
    expect(oauth2Stack.oauth2Url).toBeTruthy();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(oauth2Stack.appUrl);
    await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();

    const login = page.locator('ink-login');
    await login.getByRole('button', { name: 'Sign in' }).click();
    // Both local providers are offered, as a real deployment offers its several.
    await expect(login.getByRole('menuitem')).toHaveText(['Local test accounts', 'Local OAuth 2.0 accounts']);
    await login.getByRole('menuitem', { name: /OAuth 2\.0/ }).click();

    await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(oauth2Stack.oauth2Url ?? '')}/ap/oa\\?`));
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    await page.getByRole('button', { name: 'Continue as Dora Diaz' }).click();

    await expect(login.getByText('Dora Diaz')).toBeVisible();
    await expect(page).toHaveURL(`${oauth2Stack.appUrl}/`);
    expect(page.url()).not.toMatch(/[?&#](code|state|access_token)=/);
    await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();

    const panel = page.locator('ink-activity-panel');
    await panel.getByText(/AWS activity/).click();
    const exchange = panel.locator('tr[data-operation="GetCredentialsForIdentity"]').last();
    await expect(exchange).toBeVisible();
    await expect(exchange.locator('td').nth(6)).toHaveText('');
    const query = panel.locator('tr[data-service="DynamoDB"][data-operation="Query"]').last();
    await expect(query).toBeVisible();
    await expect(query.locator('td').nth(6)).toHaveText('');
    expect(errors).toEqual([]);
  });

  test('the OAuth 2.0 sign-in also works in a popup', async ({ page, stack: oauth2Stack }) => {
    await page.goto(oauth2Stack.appUrl);
    const login = page.locator('ink-login');
    await login.evaluate((element) => element.setAttribute('popup', ''));
    await login.getByRole('button', { name: 'Sign in' }).click();
    const popupOpened = page.waitForEvent('popup');
    await login.getByRole('menuitem', { name: /OAuth 2\.0/ }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Continue as Evan Ellis' }).click();
    await popup.waitForEvent('close');
    await expect(login.getByText('Evan Ellis')).toBeVisible();
  });

  test('without a token endpoint the implicit grant is used: the token comes back in the fragment', async ({
    page,
    stack: oauth2Stack,
  }) => {
    const operations: string[] = [];
    page.on('console', (message) => {
      const match = /^\[aws\] (\w+\.\w+)(?:.*failed: (\S+))?/.exec(message.text());
      if (match) operations.push(match[2] ? `${match[1]} failed ${match[2]}` : match[1]!);
    });
    const exchanges = () =>
      operations.filter((op) => op === 'CognitoIdentity.GetCredentialsForIdentity').length;
    // The same stack, configured as Facebook is by default: no token endpoint, so response_type=token.
    await page.route('**/config.json', async (route) => {
      const response = await route.fetch();
      const config = (await response.json()) as { providers: { id: string; tokenEndpoint?: string }[] };
      for (const provider of config.providers) if (provider.id === 'oauth2') delete provider.tokenEndpoint;
      await route.fulfill({ response, json: config });
    });
    await page.goto(oauth2Stack.appUrl);
    // The guest reads with basic-flow keys (STS), never GetCredentialsForIdentity (docs/security.md).
    await expect.poll(() => operations).toContain('STS.AssumeRoleWithWebIdentity');
    expect(exchanges()).toBe(0);

    const login = page.locator('ink-login');
    await login.evaluate((element) => element.setAttribute('popup', ''));
    await login.getByRole('button', { name: 'Sign in' }).click();
    const popupOpened = page.waitForEvent('popup');
    await login.getByRole('menuitem', { name: /OAuth 2\.0/ }).click();
    const popup = await popupOpened;
    await expect(popup).toHaveURL(/response_type=token/);
    await popup.getByRole('button', { name: 'Continue as Dora Diaz' }).click();
    await popup.waitForEvent('close');
    await expect(login.getByText('Dora Diaz')).toBeVisible();

    // The access token is kept in this tab: a reload signs her in from it, and the feed is read as Dora.
    await page.reload();
    await expect(login.getByText('Dora Diaz')).toBeVisible();
    await expect.poll(exchanges).toBe(1);
    await expect.poll(() => operations.at(-1)).toMatch(/^DynamoDB\./);
    expect(operations.filter((op) => op.includes('failed'))).toEqual([]);
  });
});

test.describe('with identity mode "sts"', () => {
  let stsStack: RunningStack;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    stsStack = await startStackProcess({ app: 'dist', identityMode: 'sts' });
  });

  test.afterAll(async () => {
    await stsStack?.stop();
  });

  test('the access token assumes the OAuth 2.0 role with ProviderId', async ({ page }) => {
    const operations: string[] = [];
    page.on('console', (message) => {
      const match = /^\[aws\] (\w+\.\w+)(?:.*failed: (\S+))?/.exec(message.text());
      if (match) operations.push(match[2] ? `${match[1]} failed ${match[2]}` : match[1]!);
    });
    await page.goto(stsStack.appUrl);
    const login = page.locator('ink-login');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByRole('menuitem', { name: /OAuth 2\.0/ }).click();
    await page.getByRole('button', { name: 'Continue as Dora Diaz' }).click();
    await expect(login.getByText('Dora Diaz')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();
    await expect.poll(() => operations).toContain('STS.AssumeRoleWithWebIdentity');
    await expect.poll(() => operations.filter((op) => op.startsWith('DynamoDB.')).length).toBeGreaterThan(0);
    expect(operations.filter((op) => op.includes('failed'))).toEqual([]);
  });
});
