import { expect, test } from './support/fixtures.ts';
import { type RunningStack, startStackProcess } from './support/local-stack-process.ts';
import { signIn } from './support/sign-in.ts';

/** The other way AWS offers: STS AssumeRoleWithWebIdentity with the ID token (identity.mode "sts"). */
let stsStack: RunningStack;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  stsStack = await startStackProcess({ app: 'dist', identityMode: 'sts' });
});

test.afterAll(async () => {
  await stsStack?.stop();
});

test('with identity mode "sts" the browser assumes the writer role with its ID token', async ({ page }) => {
  expect(stsStack.config.identity.mode).toBe('sts');
  const operations: string[] = [];
  page.on('console', (message) => {
    const match = /^\[aws\] (\w+\.\w+)(?:.*failed: (\S+))?/.exec(message.text());
    if (match) operations.push(match[2] ? `${match[1]} failed ${match[2]}` : match[1]!);
  });
  await page.goto(stsStack.appUrl);
  await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();
  await signIn(page, 'Bob Baker');
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();
  await expect.poll(() => operations).toContain('STS.AssumeRoleWithWebIdentity');
  await expect.poll(() => operations.filter((op) => op.startsWith('DynamoDB.')).length).toBeGreaterThan(1);
  expect(operations.filter((op) => op.includes('failed'))).toEqual([]);
});
