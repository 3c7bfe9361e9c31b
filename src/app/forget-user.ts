/**
 * What the app keeps on a device for a signed-in writer, found and forgotten at sign-out, so the next
 * person at a shared computer reads none of it: the drafts' device copies (localStorage), the tokens and
 * the Cognito identity cache (sessionStorage), the unfinished uploads' journal (IndexedDB). What belongs
 * to nobody in particular stays: the colour scheme, the guest identity.
 */
import type { KeyValueStorage } from '../auth/token-store.ts';
import type { UploadJournal } from '../aws/upload-journal.ts';
import { deviceDraftPrefix } from '../pages/ink-write-page/draft-controller.ts';

/** Keys of sessionStorage that hold a sign-in: the OpenID tokens, logins in flight, Cognito's id cache. */
const SIGN_IN_PREFIXES = ['ink.auth.', 'aws:cognito-identity-credentials:'];

export interface DeviceDraft {
  key: string;
  title: string;
  /** DynamoDB does not have this text. */
  unsaved: boolean;
}

export interface UserDevice {
  local: KeyValueStorage;
  session: KeyValueStorage;
  journal?: UploadJournal;
}

function keysOf(storage: KeyValueStorage): string[] {
  if (storage.length === undefined || !storage.key) return [];
  const found: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key !== null) found.push(key);
  }
  return found;
}

/** The device copies of this writer's posts, each with whether DynamoDB lacks its text. */
export function deviceDrafts(storage: KeyValueStorage, authorId: string): DeviceDraft[] {
  const prefix = deviceDraftPrefix(authorId);
  return keysOf(storage)
    .filter((key) => key.startsWith(prefix))
    .map((key) => {
      try {
        const copy = JSON.parse(storage.getItem(key) ?? '{}') as {
          unsaved?: boolean;
          fields?: { title?: string };
        };
        return { key, title: copy.fields?.title || 'Untitled', unsaved: copy.unsaved === true };
      } catch {
        return { key, title: 'Untitled', unsaved: false };
      }
    });
}

/** Forgets everything kept for this writer on this device. */
export async function forgetUser(device: UserDevice, authorId: string): Promise<void> {
  for (const { key } of deviceDrafts(device.local, authorId)) device.local.removeItem(key);
  for (const storage of [device.session, device.local]) {
    for (const key of keysOf(storage)) {
      if (SIGN_IN_PREFIXES.some((prefix) => key.startsWith(prefix))) storage.removeItem(key);
    }
  }
  if (!device.journal) return;
  try {
    for (const [id, entry] of await device.journal.list()) {
      if (entry.owner === authorId) await device.journal.delete(id);
    }
  } catch {
    // IndexedDB refused (private mode): it then never held anything either.
  }
}
