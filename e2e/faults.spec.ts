/**
 * The editor when AWS fails the way it does, one fault at a time (asked of the gateway for the next
 * matching call: local-aws/gateway/faults-admin.ts), in real Chromium through the real sign-in: a save
 * whose reply is lost, throttling the SDK rides out, throttling that outlasts it, and a neighbour
 * window that saved last. Each case is one of issue 12's measurements.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { clearFaults, faultReport, queueFaults } from '../local-aws/gateway/faults-admin.ts';
import { editor, newSignedInPage, type TemporaryCredentials } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { authorItems } from './support/table.ts';

test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const title = `Faults ${run}`;
const slug = `faults-${run}`;

let alice: { context: BrowserContext; page: Page; credentials: TemporaryCredentials };

test.beforeAll(async ({ browser, stack }) => {
  alice = await newSignedInPage(browser, stack.appUrl, 'Alice Archer');
});

test.afterEach(async ({ stack }) => {
  await clearFaults(stack.gatewayUrl);
});

test.afterAll(async () => {
  await alice?.context.close();
});

test('a save whose reply is lost is re-sent and recognised as saved, not shown as a conflict', async ({
  stack,
}) => {
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write`);
  const ed = editor(page);
  await ed.title.fill(title);
  await ed.typeInBody('First words.');
  await expect(ed.status).toHaveText('Saved · draft');
  await expect(page).toHaveURL(`${stack.appUrl}/write/${slug}`);

  const before = (await faultReport(stack.gatewayUrl)).injected.drop;
  await queueFaults(stack.gatewayUrl, { service: 'dynamodb', operation: 'UpdateItem', fault: 'drop' });
  await ed.typeInBody(' Saved through a lost reply.');
  await expect(ed.status).toHaveText('Saved · draft');
  expect((await faultReport(stack.gatewayUrl)).injected.drop).toBe(before + 1);
  await expect(ed.root.getByRole('alert').filter({ hasText: 'changed in another window' })).toHaveCount(0);
  await page.reload();
  await expect(editor(page).status).toHaveText('Saved · draft');
  expect(await editor(page).bodyText()).toBe('First words. Saved through a lost reply.');
  const items = (await authorItems(stack, alice.credentials.identityId)).filter((i) => i.endsWith(slug));
  expect(items).toEqual([`D#P#${slug}`]);
});

test('throttling the SDK rides out is visible in the activity panel; the save goes through', async ({
  stack,
}) => {
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write/${slug}`);
  const ed = editor(page);
  await expect(ed.status).toHaveText('Saved · draft');
  await queueFaults(stack.gatewayUrl, { service: 'dynamodb', operation: 'UpdateItem', fault: 'throttle' });
  await ed.typeInBody(' Throttled once.');
  await expect(ed.status).toHaveText('Saved · draft');
  const panel = page.locator('ink-activity-panel');
  await expect(panel.locator('summary')).toContainText('1 throttled');
  await panel.getByText(/AWS activity/).click();
  const row = panel.locator('tr.throttled[data-operation="UpdateItem"]');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td.attempts')).toHaveText('2 ⚠');
  await expect(row.locator('td.attempts')).toHaveAttribute('title', /throttled/);
});

test('throttling that outlasts every retry: a clear message, the text kept, and saved once AWS recovers', async ({
  stack,
}) => {
  const { page } = alice;
  await page.goto(`${stack.appUrl}/write/${slug}`);
  const ed = editor(page);
  await expect(ed.status).toHaveText('Saved · draft');
  await queueFaults(stack.gatewayUrl, {
    service: 'dynamodb',
    operation: 'UpdateItem',
    fault: 'throttle',
    times: 100,
  });
  await ed.typeInBody(' Typed while AWS was busy.');
  await expect(ed.status).toHaveText(/^Not saved – kept on this device: AWS is busy right now/);
  await clearFaults(stack.gatewayUrl);
  // The controller tries again by itself; nothing was lost meanwhile.
  await expect(ed.status).toHaveText('Saved · draft', { timeout: 30_000 });
  await page.reload();
  expect(await editor(page).bodyText()).toContain('Typed while AWS was busy.');
});

test('a window whose neighbour saved last shows the newer text when it comes back, not "Saved" over older text', async ({
  browser,
  stack,
}) => {
  const one = alice.page;
  await one.goto(`${stack.appUrl}/write/${slug}`);
  const first = editor(one);
  await expect(first.status).toHaveText('Saved · draft');
  const two = await newSignedInPage(browser, stack.appUrl, 'Alice Archer', `/write/${slug}`);
  const second = editor(two.page);
  await expect(second.status).toHaveText('Saved · draft');
  await second.typeInBody(' The neighbour wrote last.');
  await expect(second.status).toHaveText('Saved · draft');

  // The writer switches back to window one: what the browser fires then.
  await one.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect.poll(() => first.bodyText()).toContain('The neighbour wrote last.');
  await expect(first.status).toHaveText('Saved · draft');
  await expect(first.root.getByRole('note')).toContainText('changed in another window');
  // And it edits on from the newest version: no conflict.
  await first.typeInBody(' Window one continues.');
  await expect(first.status).toHaveText('Saved · draft');
  await two.context.close();
});
