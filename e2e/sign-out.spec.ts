/**
 * Signing out on a shared computer: drafts are saved first, or discarded only when the writer says so,
 * and then nothing the app kept for that writer is left in localStorage, sessionStorage or IndexedDB.
 */
import type { Page } from '@playwright/test';
import { editor, signIn } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';

const run = Date.now().toString(36);

/** Everything the page's origin keeps, as a person with the browser's dev tools would find it. */
async function deviceStorage(page: Page) {
  return page.evaluate(async () => {
    const journal = await new Promise<{ owner: string }[]>((resolve) => {
      const open = indexedDB.open('inkwell-uploads');
      open.onupgradeneeded = () => open.result.createObjectStore('multipart');
      open.onsuccess = () => {
        const request = open.result.transaction('multipart').objectStore('multipart').getAll();
        request.onsuccess = () => {
          open.result.close();
          resolve(request.result as { owner: string }[]);
        };
      };
    });
    return {
      local: Object.entries(localStorage).map(([key, value]) => `${key}=${value}`),
      session: Object.entries(sessionStorage).map(([key, value]) => `${key}=${value}`),
      journalOwners: journal.map((entry) => entry.owner),
    };
  });
}

/** An unfinished upload as the uploader journals it (the page itself writes it, in its IndexedDB). */
async function journalUpload(page: Page, owner: string) {
  await page.evaluate(async (owner) => {
    await new Promise<void>((resolve) => {
      const open = indexedDB.open('inkwell-uploads');
      open.onupgradeneeded = () => open.result.createObjectStore('multipart');
      open.onsuccess = () => {
        const tx = open.result.transaction('multipart', 'readwrite');
        tx.objectStore('multipart').put(
          {
            owner,
            bucket: 'inkwell-assets',
            key: `public/${owner}/assets/x-big.png`,
            uploadId: 'u',
            partSize: 5242880,
            contentType: 'image/png',
            file: { name: 'big.png', size: 9000000, lastModified: 1 },
            parts: [],
            createdAt: new Date().toISOString(),
            meta: { assetId: 'x' },
          },
          `${owner}:big.png`,
        );
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
      };
    });
  }, owner);
}

async function signOutThroughProvider(
  page: Page,
  stack: { oidcIssuer: string; appUrl: string },
  click: () => Promise<void>,
) {
  const leftForProvider = page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
  await click();
  await leftForProvider;
  await page.waitForURL(`${stack.appUrl}/`);
  await expect(page.getByRole('banner').getByRole('button', { name: 'Sign in' })).toBeVisible();
}

test('signing out saves the draft being typed, then leaves nothing of the writer on the device', async ({
  page,
  stack,
}) => {
  const { identityId } = await signIn(page, stack.appUrl, 'Carol Chen');
  const ed = editor(page);
  await ed.title.fill(`Saved on the way out ${run}`);
  await expect(ed.status).toHaveText('Saved · draft');
  await journalUpload(page, identityId);
  await journalUpload(page, 'us-east-1:someone-else');
  await ed.typeInBody('Typed a moment before signing out.');

  const before = await deviceStorage(page);
  expect(before.local.join('\n')).toContain(`inkwell:draft:${identityId}:`);
  expect(before.session.join('\n')).toContain('ink.auth.tokens=');
  expect(before.session.join('\n')).toContain('aws:cognito-identity-credentials:');
  expect(before.journalOwners).toContain(identityId);

  await signOutThroughProvider(page, stack, () =>
    page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click(),
  );
  const after = await deviceStorage(page);
  expect(after.local.join('\n')).not.toContain('inkwell:draft:');
  expect(after.local.join('\n')).not.toContain('Typed a moment');
  expect(after.session.join('\n')).not.toMatch(/ink\.auth\.|aws:cognito-identity-credentials:|Carol/);
  expect(after.journalOwners).toEqual(['us-east-1:someone-else']);

  // The text was saved to her account before it left the device.
  await signIn(page, stack.appUrl, 'Carol Chen');
  await page.getByRole('link', { name: `Saved on the way out ${run}` }).click();
  await expect(editor(page).status).toHaveText('Saved · draft');
  expect(await editor(page).bodyText()).toBe('Typed a moment before signing out.');
});

test('drafts that cannot be saved: the writer chooses to stay, or to discard them and sign out', async ({
  page,
  stack,
}) => {
  const { identityId } = await signIn(page, stack.appUrl, 'Bob Baker');
  const ed = editor(page);
  await page.route(`${stack.gatewayUrl}/**`, (route) => route.abort('internetdisconnected'));
  await ed.title.fill(`Offline thoughts ${run}`);
  await ed.typeInBody('Nobody must read this after me.');
  await expect(ed.status).toHaveText('Offline – kept on this device');

  const signOut = page.getByRole('banner').getByRole('button', { name: 'Sign out' });
  await signOut.click();
  const dialog = page.getByRole('dialog', { name: 'Changes not saved to your account' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText([`Offline thoughts ${run}`]);
  await dialog.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(dialog).toBeHidden();
  await expect(signOut).toBeVisible();
  expect((await deviceStorage(page)).local.join('\n')).toContain('Nobody must read this after me.');

  await signOut.click();
  await signOutThroughProvider(page, stack, () =>
    dialog.getByRole('button', { name: 'Discard and sign out' }).click(),
  );
  const after = await deviceStorage(page);
  expect(after.local.join('\n')).not.toContain(identityId);
  expect(after.local.join('\n')).not.toContain('Nobody must read this');
  expect(after.session.join('\n')).not.toMatch(/ink\.auth\.|aws:cognito-identity-credentials:/);
});
