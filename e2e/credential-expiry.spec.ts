import { seedDemoContent } from '../scripts/lib/seed-demo.ts';
import { editor } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { type RunningStack, startStackProcess } from './support/local-stack-process.ts';
import { signIn } from './support/sign-in.ts';

/**
 * Temporary AWS keys that last a minute and ID tokens that last 90 s: a session of several minutes
 * must keep working across every expiry without a single failed call, because credentials are refreshed
 * ahead of expiry (and the ID token renewed before it is presented to Cognito again).
 */
const CREDENTIALS_TTL_SECONDS = 60;
const TOKEN_TTL_SECONDS = 90;
const SESSION_MINUTES = 3.5;

let shortLived: RunningStack;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  shortLived = await startStackProcess({
    app: 'dist',
    credentialsTtlSeconds: CREDENTIALS_TTL_SECONDS,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
  });
  await seedDemoContent({ config: shortLived.config, postsPerAuthor: 2 });
});

test.afterAll(async () => {
  await shortLived?.stop();
});

test('a signed-in session keeps working for minutes across credential and token expiries', async ({
  page,
}) => {
  test.setTimeout((SESSION_MINUTES * 60 + 120) * 1000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Every AWS call the app makes is logged by the SDK plugin as "[aws] Service.Operation · … [failed: Code]".
  const calls: { operation: string; error: string }[] = [];
  page.on('console', (message) => {
    const match = /^\[aws\] \w+\.(\w+)(?:.*failed: (\S+))?/.exec(message.text());
    if (match) calls.push({ operation: match[1]!, error: match[2] ?? '' });
  });
  await page.goto(shortLived.appUrl);
  await signIn(page, 'Alice Archer');

  const deadline = Date.now() + SESSION_MINUTES * 60_000;
  let actions = 0;
  while (Date.now() < deadline) {
    // Each navigation reads DynamoDB with Alice's current keys: the feed, then a post, then back.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Latest posts' })).toBeVisible();
    await page.locator('ink-post-card').first().getByRole('link').first().click();
    await expect(page.locator('article h1')).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    // And a write: a new draft, saved to DynamoDB by the editor's autosave with the same keys.
    await page.getByRole('link', { name: 'Write', exact: true }).click();
    const ed = editor(page);
    await ed.title.fill(`Long session note ${actions + 1}`);
    await expect(ed.status).toHaveText('Saved · draft', { timeout: 20_000 });
    actions++;
    await page.waitForTimeout(10_000);
  }

  const failedBadge = page.locator('ink-activity-panel').locator('.badge');
  await expect(failedBadge).toHaveCount(0);
  const failed = calls.filter((call) => call.error);
  expect(failed, `failed calls: ${JSON.stringify(failed)}`).toEqual([]);
  // Keys were replaced several times during the session, and reads kept flowing throughout.
  const exchanges = calls.filter((call) => call.operation === 'GetCredentialsForIdentity').length;
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  const byOperation = JSON.stringify(Object.fromEntries(counts));
  expect(exchanges, byOperation).toBeGreaterThanOrEqual(
    Math.floor((SESSION_MINUTES * 60) / CREDENTIALS_TTL_SECONDS),
  );
  expect(
    calls.filter((call) => call.operation === 'Query' || call.operation === 'GetItem').length,
  ).toBeGreaterThan(actions);
  // Every draft was written (created, then saved) with whichever keys were current at the time.
  const writes = calls.filter((call) =>
    ['PutItem', 'UpdateItem', 'TransactWriteItems'].includes(call.operation),
  );
  expect(writes.length).toBeGreaterThanOrEqual(actions);
  expect(errors).toEqual([]);
  await expect(page.getByRole('banner').locator('ink-login').getByText('Alice Archer')).toBeVisible();
});
