/**
 * Uploads left unfinished by a reload or a closed tab, as the journal (IndexedDB) remembers them: listed
 * for the writer with how far they got, resumed when the writer picks the same file again (the browser
 * cannot reopen a file by itself), or discarded (AbortMultipartUpload, then forgotten).
 */
import { bytesDone, type FileIdentity } from '../aws/multipart-plan.ts';
import { abortUpload } from '../aws/multipart-upload.ts';
import { AssetError } from './asset-errors.ts';
import type { AssetStore } from './assets.ts';

export interface UnfinishedUpload {
  id: string;
  file: FileIdentity;
  /** Bytes S3 acknowledged, as far as this browser knows. */
  sentBytes: number;
  createdAt: string;
}

/** The current writer's unfinished uploads, oldest first. */
export async function listUnfinishedUploads(store: AssetStore): Promise<UnfinishedUpload[]> {
  const owner = await store.identityId();
  return (await store.journal.list())
    .filter(([, entry]) => entry.owner === owner)
    .map(([id, entry]) => ({
      id,
      file: entry.file,
      sentBytes: Math.min(bytesDone(entry.parts), entry.file.size),
      createdAt: entry.createdAt,
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The file picked to resume is the one the upload started with (name, size, last modified). */
export function isSameFile(upload: Pick<UnfinishedUpload, 'file'>, file: FileIdentity): boolean {
  return (
    upload.file.name === file.name &&
    upload.file.size === file.size &&
    upload.file.lastModified === file.lastModified
  );
}

/** Aborts the upload in S3 and forgets it. Rejects with `AssetError` `asset-upload-failed` when S3 could not be reached. */
export async function discardUpload(store: AssetStore, id: string): Promise<void> {
  const entry = await store.journal.get(id);
  if (!entry) return;
  if (!(await abortUpload(store.s3, entry))) {
    throw new AssetError(
      'asset-upload-failed',
      `The upload of "${entry.file.name}" could not be discarded. Check your connection and try again.`,
    );
  }
  await store.journal.delete(id);
}
