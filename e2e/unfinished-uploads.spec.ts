/**
 * An upload a reload interrupted is not lost from sight: after the reload it is listed with how far it
 * got; Resume takes the same file again (another file is refused) and sends only what S3 lacks; Discard
 * aborts the multipart upload in S3.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import type { Page } from '@playwright/test';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { editor, signIn } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';
import { noisePng } from './support/images.ts';

const HELD_PARTS = /[?&]partNumber=[23](&|$)/;

function fileOnDisk(name: string, body: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'inkwell-e2e-')), name);
  writeFileSync(path, body);
  utimesSync(path, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  return path;
}

/** Starts uploading `path` and reloads once the first part is in S3 (the others held back). */
async function interruptedUpload(page: Page, path: string, name: string): Promise<URL> {
  const parts: URL[] = [];
  const onRequest = (request: { url(): string; method(): string }) => {
    const url = new URL(request.url());
    if (request.method() === 'PUT' && url.searchParams.has('uploadId')) parts.push(url);
  };
  page.on('request', onRequest);
  // Parts 2 and 3 never reach S3 (the connection drops each time) until after the reload.
  await page.route(HELD_PARTS, (route) => route.abort('internetdisconnected'));
  await page.locator('ink-asset-uploader input[type="file"]').setInputFiles(path);
  const item = page.locator('ink-asset-uploader').getByRole('listitem', { name });
  await expect(item.getByRole('status')).toHaveText(/5\.0 MB of 11\.4 MB/, { timeout: 30_000 });
  await page.reload();
  await expect(editor(page).body).toBeVisible();
  await page.unroute(HELD_PARTS);
  page.off('request', onRequest);
  return parts[0]!;
}

test('after a reload: unfinished uploads are listed, resumed with the same file, or discarded', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000);
  const large = noisePng(2000, 2000);
  const first = fileOnDisk('harbour.png', large);
  const second = fileOnDisk('cliffs.png', noisePng(2000, 2000));
  const impostor = fileOnDisk('harbour.png', noisePng(2000, 1999));
  await signIn(page, stack.appUrl, 'Carol Chen');
  await expect(editor(page).body).toBeVisible();

  await interruptedUpload(page, first, 'harbour.png');
  const unfinished = page.getByRole('list', { name: 'Unfinished uploads' });
  const harbour = unfinished.getByRole('listitem', { name: 'harbour.png' });
  await expect(harbour).toContainText('5.0 MB of 11.4 MB uploaded');

  // Resume asks for the file again; a different one (same name, other size) is refused.
  let chooser = page.waitForEvent('filechooser');
  await harbour.getByRole('button', { name: 'Resume' }).click();
  await (await chooser).setFiles(impostor);
  await expect(page.getByRole('alert')).toContainText('is not the file this upload started with');
  const resent: number[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'PUT' && url.searchParams.has('uploadId'))
      resent.push(Number(url.searchParams.get('partNumber')));
  });
  chooser = page.waitForEvent('filechooser');
  await harbour.getByRole('button', { name: 'Resume' }).click();
  await (await chooser).setFiles(first);
  const resumed = page
    .locator('ink-asset-uploader')
    .getByRole('list', { name: 'Uploads' })
    .getByRole('listitem', {
      name: 'harbour.png',
    });
  await expect(resumed.getByRole('status')).toHaveText('Uploaded.', { timeout: 60_000 });
  // Only what S3 lacked went up: part 1, acknowledged before the reload, was not sent again.
  expect(resent.sort()).toEqual([2, 3]);
  await expect(harbour).toBeHidden();
  expect(await editor(page).bodyText()).toMatch(/!\[harbour\]\(/);

  // Discard: the next interrupted upload is aborted in S3 and no longer listed, even after a reload.
  const cliffsPart = await interruptedUpload(page, second, 'cliffs.png');
  const cliffs = unfinished.getByRole('listitem', { name: 'cliffs.png' });
  await expect(cliffs).toContainText('5.0 MB of 11.4 MB uploaded');
  await cliffs.getByRole('button', { name: 'Discard' }).click();
  await expect(cliffs).toBeHidden();
  await page.reload();
  await expect(editor(page).body).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Unfinished uploads' })).toBeHidden();
  const admin = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const listParts = admin.s3.send(
    new ListPartsCommand({
      Bucket: stack.config.bucketName,
      Key: decodeURIComponent(cliffsPart.pathname.slice(`/${stack.config.bucketName}/`.length)),
      UploadId: cliffsPart.searchParams.get('uploadId')!,
    }),
  );
  await expect(listParts).rejects.toMatchObject({ name: 'NoSuchUpload' });
  admin.destroy();
});
