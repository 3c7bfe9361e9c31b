/**
 * "Your data" on /profile, in real Chromium against the real stack and publisher: a writer with posts,
 * a draft, comments and a like on another author's post, and uploaded images downloads the zip (its
 * contents checked), then deletes everything with their own credentials. Afterwards their pages are
 * gone (404), the other author's post and card count only the comments that are left, their S3 prefix
 * is empty, and the other author's data is as it was.
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import AxeBuilder from '@axe-core/playwright';
import { unzipSync } from 'fflate';
import { defaultHandle } from '../src/core/site/site-model.ts';
import { likeComment, postComment } from '../src/data/comments.ts';
import { createPost, type NewPost, publishPost } from '../src/data/posts.ts';
import { saveProfile } from '../src/data/profiles.ts';
import { signInFromNode } from './support/aws-users.ts';
import { expect, test } from './support/fixtures.ts';
import { authorItems, bucketKeys } from './support/table.ts';

const run = Date.now().toString(36);
const post = (authorId: string, slug: string, title: string): NewPost => ({
  authorId,
  authorName: title,
  slug,
  title,
  body: `Words of ${title}.`,
  excerpt: '',
  tags: [],
  clientToken: `token-${slug}`,
});

test('@write-path a writer downloads all their data, then deletes it; their pages go, others’ counts stay right', async ({
  page,
  stack,
}) => {
  test.setTimeout(240_000);
  const name = `Dana Leaving ${run}`;
  const other = await signInFromNode(stack, `Olga Staying ${run}`);
  const dana = await signInFromNode(stack, name);
  const olgaSlug = `olga-${run}`;
  const olgaRef = { authorId: other.id, slug: olgaSlug };
  await publishPost(other.store, await createPost(other.store, post(other.id, olgaSlug, `Olga ${run}`)));
  const olgaComment = await postComment(other.store, {
    post: olgaRef,
    commenterId: other.id,
    commenterName: 'Olga',
    body: 'Olga’s own comment stays.',
  });
  const handle = `dl-${run}`;
  await saveProfile(
    { ...dana.store, assetBaseUrl: stack.config.assetBaseUrl, siteOrigin: stack.appUrl },
    dana.id,
    { handle, displayName: `Dana ${run}`, bio: 'Leaving soon.', avatar: '' },
  );
  const danaSlug = `dana-${run}`;
  await publishPost(dana.store, await createPost(dana.store, post(dana.id, danaSlug, `Dana ${run}`)));
  await createPost(dana.store, post(dana.id, `dana-draft-${run}`, `Dana draft ${run}`));
  for (const body of ['Dana was here.', 'Dana again.'])
    await postComment(dana.store, { post: olgaRef, commenterId: dana.id, commenterName: 'Dana', body });
  await likeComment(dana.store, dana.id, olgaRef, olgaComment);
  const prefix = `public/${dana.id}/`;
  for (const file of ['assets/photo.png', 'assets/photo-640w.webp'])
    await dana.clients.s3.send(
      new PutObjectCommand({
        Bucket: stack.config.bucketName,
        Key: `${prefix}${file}`,
        Body: new Uint8Array([137, 80, 78, 71, file.length]),
        ContentType: 'image/png',
      }),
    );
  const olgaItemsBefore = await authorItems(stack, other.id);

  const danaPage = `${stack.appUrl}/@${handle}/${danaSlug}`;
  const danaAuthor = `${stack.appUrl}/@${handle}`;
  const olgaPage = `${stack.appUrl}/@${defaultHandle(other.id)}/${olgaSlug}`;
  const olgaAuthor = `${stack.appUrl}/@${defaultHandle(other.id)}`;
  const text = async (url: string) => (await page.request.get(url)).text();
  await expect.poll(() => text(danaPage), { timeout: 60_000 }).toContain(`Words of Dana ${run}`);
  expect((await bucketKeys(stack, `pages/@${handle}`)).length).toBeGreaterThan(0);
  const claim = `pages/_handles/${handle}.json`;
  await expect.poll(() => bucketKeys(stack, claim), { timeout: 60_000 }).toEqual([claim]);
  await expect.poll(() => text(olgaPage), { timeout: 60_000 }).toContain('3 comments');
  await expect.poll(() => text(olgaAuthor), { timeout: 60_000 }).toContain('3 comments');

  // Dana signs in in the browser (the same name, so the same account) and opens "Your data".
  await page.goto(`${stack.appUrl}/profile`);
  const login = page.getByRole('banner').locator('ink-login');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.getByRole('menuitem', { name: 'Local test accounts' }).click();
  await page.getByLabel('Or sign in with any name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible({ timeout: 30_000 });

  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  await expect(page.getByText(/Your download is ready: \d+ items and 2 files\./)).toBeVisible();
  expect(download.suggestedFilename()).toMatch(/^inkwell-data-\d{4}-\d\d-\d\d\.zip$/);
  const zip = unzipSync(new Uint8Array(await readFile(await download.path())));
  const json = (entry: string) => JSON.parse(new TextDecoder().decode(zip[entry]));
  expect(
    json('posts.json')
      .map((p: { slug: string; status: string }) => `${p.slug} ${p.status}`)
      .sort(),
  ).toEqual([`dana-draft-${run} draft`, `dana-${run} published`]);
  expect(
    json('comments.json')
      .map((c: { body: string }) => c.body)
      .sort(),
  ).toEqual(['Dana again.', 'Dana was here.']);
  expect(
    Object.keys(zip)
      .filter((entry) => entry.startsWith('files/'))
      .sort(),
  ).toEqual(['files/assets/photo-640w.webp', 'files/assets/photo.png']);
  expect([...(zip['files/assets/photo.png'] ?? [])]).toEqual([137, 80, 78, 71, 'assets/photo.png'.length]);
  const readme = new TextDecoder().decode(zip['README.txt']);
  expect(readme).toContain('2 posts (1 published, 1 drafts)');
  expect(readme).toContain('2 comments you wrote (2 on other people');
  expect(JSON.stringify(json('items.json'))).toContain('"type":"reaction"');

  // Delete: the summary first, then the typed confirmation.
  await page.getByRole('button', { name: 'Delete my account data…' }).click();
  const summary = page.locator('#delete-summary');
  await expect(summary).toContainText('2 posts (1 published, 1 draft)');
  await expect(summary).toContainText('2 comments you wrote, 2 of them on other people’s posts');
  await expect(summary).toContainText('1 like');
  await expect(summary).toContainText('2 uploaded files');
  await expect(summary).toContainText('your profile and your author page');
  await expect(summary).toContainText('Replies other people wrote to your comments stay');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const confirm = page.getByRole('button', { name: 'Delete my account data', exact: true });
  await expect(confirm).toBeDisabled();
  await page.getByLabel('Type DELETE to confirm').fill('delete');
  await expect(confirm).toBeDisabled();
  await page.getByLabel('Type DELETE to confirm').fill('DELETE');
  // The first try is cut short: DynamoDB fails every transaction (an uncount) past the SDK's retries.
  let failing = true;
  await page.route(`${stack.gatewayUrl}/**`, (route) => {
    const target = route.request().headers()['x-amz-target'] ?? '';
    if (!failing || !target.endsWith('.TransactWriteItems')) return route.continue();
    return route.continue({ headers: { ...route.request().headers(), 'x-inkwell-fault': 'error5xx' } });
  });
  await confirm.click();
  await expect(page.locator('#delete-status')).toContainText('The delete stopped', { timeout: 60_000 });
  await expect(page.locator('#delete-status')).toContainText('delete again to finish the rest');
  expect((await authorItems(stack, dana.id)).length).toBeGreaterThan(0);
  failing = false;
  await page.getByRole('button', { name: 'Delete what is left' }).click();
  await expect(page.locator('#account-deleted')).toContainText(
    'Your account data is deleted and you are signed out',
    {
      timeout: 60_000,
    },
  );
  await expect(login.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(
    await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('ink.auth.'))),
  ).toEqual([]);

  // Everything of Dana's is gone: table, bucket, and the published pages.
  expect(await authorItems(stack, dana.id)).toEqual([]);
  expect(await bucketKeys(stack, prefix)).toEqual([]);
  // The local server answers a missing page with the app shell (CloudFront answers 404): what must be
  // gone is every object the publisher rendered for Dana, and her post from what the URL serves.
  await expect.poll(() => bucketKeys(stack, `pages/@${handle}`), { timeout: 60_000 }).toEqual([]);
  expect(await bucketKeys(stack, `pages/@${defaultHandle(dana.id)}`)).toEqual([]);
  expect(await bucketKeys(stack, `pages/authors/${dana.id}`)).toEqual([]);
  // The handle stays reserved (docs/security.md): its claim still names Dana, so nobody takes over her links.
  expect(JSON.parse(await text(`${stack.appUrl}/_handles/${handle}.json`))).toEqual({
    handle,
    authorId: dana.id,
  });
  expect(await text(danaPage)).not.toContain(`Words of Dana ${run}`);
  expect(await text(danaAuthor)).not.toContain(`Dana ${run}`);
  await expect.poll(() => text(`${stack.appUrl}/sitemap.xml`), { timeout: 60_000 }).not.toContain(danaSlug);
  expect(await text(`${stack.appUrl}/feed.atom`)).not.toContain(danaSlug);
  // Olga's post keeps her comment; its page and card count it alone.
  await expect.poll(() => text(olgaPage), { timeout: 60_000 }).toContain('1 comment');
  const olgaHtml = await text(olgaPage);
  expect(olgaHtml).toContain('Olga’s own comment stays.');
  expect(olgaHtml).not.toContain('Dana was here.');
  await expect.poll(() => text(olgaAuthor), { timeout: 60_000 }).toContain('1 comment');
  expect(await authorItems(stack, other.id)).toEqual(olgaItemsBefore);
});
