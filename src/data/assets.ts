/**
 * A writer's images: uploading them (validated first, then straight to S3 under the writer's own
 * prefix, resumably when large), their metadata in DynamoDB for the media library, listing by date and
 * by tag, and deleting them.
 *
 * Keys: the object is `public/<identityId>/assets/<assetId>-<safe-name>`, which the writer's IAM policy
 * alone may write or list; the metadata is `U#<identityId>` / `A#<assetId>` (by date: `A#<uploadedAt>`)
 * plus one entry per tag, `AT#<tag>#<assetId>` (by date: `AT#<tag>#<uploadedAt>`), each a full copy so
 * one Query fills a library page. See docs/data-model.md.
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsSession } from '../aws/aws-session.ts';
import { PART_SIZE } from '../aws/multipart-plan.ts';
import {
  browserNetwork,
  type MultipartProgress,
  type NetworkStatus,
  resumableUpload,
  retrying,
  type S3Sender,
  sweepStaleUploads,
} from '../aws/multipart-upload.ts';
import { indexedDbJournal, memoryJournal, type UploadJournal } from '../aws/upload-journal.ts';
import { INDEX, keys } from '../core/model.ts';
import { AssetError } from './asset-errors.ts';
import { safeAssetName, validateImageFile } from './asset-validation.ts';
import { decodeKeyCursor, encodeKeyCursor } from './cursor.ts';
import { retryingConflicts } from './write-retry.ts';

export const ASSET_KEY_FOLDER = 'assets';
export const MAX_ASSET_TAGS = 10;

export interface Asset {
  assetId: string;
  ownerId: string;
  /** The S3 key. */
  key: string;
  /** Where readers load it from. */
  url: string;
  /** The writer's file name, as selected. */
  name: string;
  alt: string;
  contentType: string;
  size: number;
  tags: string[];
  uploadedAt: string;
  /**
   * True while the upload has not finished: the entry was written before the first byte went to S3,
   * so no public object is ever without an entry. The library completes it when the object turns out
   * to be there (the page closed after S3 had it), and offers to delete it otherwise.
   */
  pending?: boolean;
}

export interface AssetStore {
  s3: S3Sender;
  documents: DynamoDBDocumentClient;
  bucketName: string;
  tableName: string;
  assetBaseUrl: string;
  identityId: () => Promise<string>;
  journal: UploadJournal;
  network: NetworkStatus;
}

/** The store for the session's current identity (take it again after the session's `change`). */
export function assetStoreFor(session: AwsSession): AssetStore {
  const clients = session.clients();
  return {
    s3: clients.s3,
    documents: clients.documents,
    bucketName: session.config.bucketName,
    tableName: session.config.tableName,
    assetBaseUrl: session.config.assetBaseUrl,
    identityId: () => session.identityId(),
    journal: typeof indexedDB === 'undefined' ? memoryJournal() : indexedDbJournal(),
    network: browserNetwork(),
  };
}

export function assetUrl(assetBaseUrl: string, key: string): string {
  return `${assetBaseUrl}${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The markdown that shows the asset in a post. */
export function assetMarkdown(asset: Pick<Asset, 'alt' | 'url'>): string {
  const alt = asset.alt
    .replace(/[[\]\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return `![${alt}](${asset.url})`;
}

/** Tags as the library stores them: lower case letters, digits and dashes, at most ten. */
export function assetTags(tags: readonly string[]): string[] {
  const clean = tags
    .map((tag) =>
      tag
        .trim()
        .toLowerCase()
        .replace(/\s+/g, '-')
        .replace(/[^a-z0-9-]/g, '')
        .slice(0, 40),
    )
    .filter(Boolean);
  return [...new Set(clean)].slice(0, MAX_ASSET_TAGS);
}

/** The default alt text: the file name without extension and separators. */
export function altFromName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).replace(/[-_]+/g, ' ').trim() || 'image';
}

export type UploadPhase = 'checking' | 'uploading' | 'waiting' | 'saving';

export interface UploadProgress extends Omit<MultipartProgress, 'waiting'> {
  phase: UploadPhase;
}

export interface UploadAssetOptions {
  alt?: string;
  tags?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}

const cancelled = () => new AssetError('asset-upload-cancelled', 'The upload was cancelled.');

/**
 * Validates `file` (before any request: see asset-validation.ts), uploads it and records it in the
 * library. Files over one part (5 MiB) go up in parts, several at a time, and resume: selecting the same
 * file again after a failure or a reload sends only the parts S3 does not have.
 *
 * Order, so that a failure at any point (a closed page included) leaves no public object without a
 * library entry: a pending entry first, then the object, then the complete entry and its tag entries.
 *
 * Rejects with `AssetError`: a validation code, `asset-upload-cancelled`, `asset-upload-failed` (the
 * upload can be resumed) or `asset-save-failed` (the image is in S3, and in the library as pending).
 */
export async function uploadAsset(
  store: AssetStore,
  file: File,
  options: UploadAssetOptions = {},
): Promise<Asset> {
  const report = (phase: UploadPhase, sentBytes = 0, resumedParts = 0) =>
    options.onProgress?.({ phase, sentBytes, totalBytes: file.size, resumedParts });
  report('checking');
  const image = await validateImageFile(file);
  const signal = options.signal ?? new AbortController().signal;
  const ownerId = await store.identityId();
  const tags = assetTags(options.tags ?? []);
  const alt = options.alt ?? altFromName(file.name);
  const record = (assetId: string, key: string): Asset => ({
    assetId,
    ownerId,
    key,
    url: assetUrl(store.assetBaseUrl, key),
    name: file.name,
    alt,
    contentType: image.contentType,
    size: file.size,
    tags,
    uploadedAt: new Date().toISOString(),
  });
  let pending: Asset | undefined;
  const newUpload = async () => {
    const assetId = crypto.randomUUID();
    const key = `public/${ownerId}/${ASSET_KEY_FOLDER}/${assetId}-${safeAssetName(file.name, image.extension)}`;
    pending = record(assetId, key);
    await writePendingEntry(store, pending);
    return { key, meta: { assetId } };
  };

  let uploaded: { key: string; assetId: string };
  try {
    if (signal.aborted) throw cancelled();
    if (file.size <= PART_SIZE) {
      const { key, meta } = await newUpload();
      report('uploading');
      await retrying(
        () =>
          store.s3.send(
            new PutObjectCommand({
              Bucket: store.bucketName,
              Key: key,
              Body: file,
              ContentType: image.contentType,
              CacheControl: 'public, max-age=31536000, immutable',
            }),
            { abortSignal: signal },
          ),
        { signal, network: store.network, onWait: (waiting) => report(waiting ? 'waiting' : 'uploading') },
      );
      uploaded = { key, assetId: meta.assetId! };
    } else {
      const result = await resumableUpload({
        s3: store.s3,
        journal: store.journal,
        network: store.network,
        bucket: store.bucketName,
        owner: ownerId,
        file,
        contentType: image.contentType,
        newUpload,
        signal,
        onProgress: (p) => report(p.waiting ? 'waiting' : 'uploading', p.sentBytes, p.resumedParts),
      });
      uploaded = { key: result.key, assetId: result.meta.assetId! };
    }
  } catch (error) {
    if (signal.aborted) {
      // Cancelled: S3 has no object (the multipart upload was aborted), so the entry goes too.
      if (pending) await deleteEntries(store, pending).catch(() => {});
      throw cancelled();
    }
    if (error instanceof AssetError) throw error;
    throw new AssetError(
      'asset-upload-failed',
      `"${file.name}" could not be uploaded. Check your connection and add it again: it continues where it stopped.`,
      { cause: error },
    );
  }
  report('saving', file.size);

  const asset = record(uploaded.assetId, uploaded.key);
  try {
    await completeEntry(store, asset);
  } catch (error) {
    throw new AssetError(
      'asset-save-failed',
      `"${file.name}" was uploaded but could not be added to your media library.`,
      { cause: error },
    );
  }
  return asset;
}

/** The library entry of an upload about to start: listed (as pending), in no tag list yet. */
async function writePendingEntry(store: AssetStore, asset: Asset): Promise<void> {
  const [item] = assetItems(asset);
  await retryingConflicts(() =>
    store.documents.send(
      new PutCommand({ TableName: store.tableName, Item: { ...item, status: 'pending' } }),
    ),
  );
}

/** The complete entry and its tag entries, over the pending one (idempotent: every write is a Put). */
async function completeEntry(store: AssetStore, asset: Asset): Promise<void> {
  await retryingConflicts(() =>
    store.documents.send(
      new TransactWriteCommand({
        TransactItems: assetItems(asset).map((Item) => ({ Put: { TableName: store.tableName, Item } })),
      }),
    ),
  );
}

/** The metadata item and one entry per tag, each carrying the whole record. */
export function assetItems(asset: Asset): Record<string, unknown>[] {
  const record = {
    assetId: asset.assetId,
    authorId: asset.ownerId,
    key: asset.key,
    name: asset.name,
    alt: asset.alt,
    contentType: asset.contentType,
    size: asset.size,
    tags: asset.tags,
    uploadedAt: asset.uploadedAt,
  };
  const pk = keys.publicPartition(asset.ownerId);
  return [
    {
      ...keys.asset(asset.ownerId, asset.assetId),
      type: 'asset',
      LSI1SK: keys.assetByDate(asset.uploadedAt),
      ...record,
    },
    ...asset.tags.map((tag) => ({
      PK: pk,
      SK: keys.assetTagEntry(tag, asset.assetId).SK,
      type: 'asset-tag',
      LSI1SK: keys.assetTagByDate(tag, asset.uploadedAt),
      ...record,
    })),
  ];
}

function toAsset(item: Record<string, unknown>, assetBaseUrl: string): Asset {
  const key = String(item.key);
  return {
    assetId: String(item.assetId),
    ownerId: String(item.authorId),
    key,
    url: assetUrl(assetBaseUrl, key),
    name: String(item.name ?? ''),
    alt: String(item.alt ?? ''),
    contentType: String(item.contentType ?? ''),
    size: Number(item.size ?? 0),
    tags: Array.isArray(item.tags) ? item.tags.map(String) : [],
    uploadedAt: String(item.uploadedAt ?? ''),
    ...(item.status === 'pending' ? { pending: true } : {}),
  };
}

/**
 * A pending entry whose object is in S3 (the page closed between the upload and the entry's
 * completion) is completed; one whose object is not stays pending, for the writer to delete or to
 * finish by adding the file again. Either way the library says what the bucket holds.
 */
async function settlePending(store: AssetStore, asset: Asset): Promise<Asset> {
  try {
    await store.s3.send(new HeadObjectCommand({ Bucket: store.bucketName, Key: asset.key }));
  } catch {
    // Not there (404), or S3 unreachable: pending, as far as this listing can tell.
    return asset;
  }
  const { pending: _pending, ...complete } = asset;
  try {
    await completeEntry(store, complete);
    return complete;
  } catch {
    return asset;
  }
}

export interface AssetPage {
  assets: Asset[];
  next?: string;
}

/** The writer's images, newest first; with `tag`, only those tagged so. */
export async function listAssets(
  store: AssetStore,
  options: { ownerId?: string; tag?: string; limit?: number; cursor?: string } = {},
): Promise<AssetPage> {
  const ownerId = options.ownerId ?? (await store.identityId());
  const tag = options.tag ? assetTags([options.tag])[0] : undefined;
  const result = await store.documents.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: INDEX.byDate.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'PK', '#sk': INDEX.byDate.sortKey },
      ExpressionAttributeValues: {
        ':pk': keys.publicPartition(ownerId),
        ':prefix': tag ? keys.assetTagByDatePrefix(tag) : keys.assetByDatePrefix,
      },
      // The index projects post summaries only; a local index fetches the rest from the table.
      Select: 'ALL_ATTRIBUTES',
      // The library opens right after an upload: a local index can be read consistently, and must be.
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: options.limit ?? 24,
      ...(options.cursor
        ? {
            ExclusiveStartKey: decodeKeyCursor(options.cursor, {
              attributes: ['PK', 'SK', INDEX.byDate.sortKey],
              partition: { name: 'PK', value: keys.publicPartition(ownerId) },
            }),
          }
        : {}),
    }),
  );
  const mine = !options.ownerId || options.ownerId === (await store.identityId());
  const assets = await Promise.all(
    (result.Items ?? [])
      .map((item) => toAsset(item, store.assetBaseUrl))
      .map((asset) => (asset.pending && mine ? settlePending(store, asset) : asset)),
  );
  return {
    assets,
    ...(result.LastEvaluatedKey ? { next: encodeKeyCursor(result.LastEvaluatedKey) } : {}),
  };
}

/**
 * Replaces the asset's tags: the metadata item and the tag entries of kept or added tags are written
 * again (each carries the whole record), entries of removed tags deleted, all in one transaction.
 */
export async function setAssetTags(store: AssetStore, asset: Asset, tags: readonly string[]): Promise<Asset> {
  const updated: Asset = { ...asset, tags: assetTags(tags) };
  const removed = asset.tags.filter((tag) => !updated.tags.includes(tag));
  const pk = keys.publicPartition(asset.ownerId);
  try {
    const send = () =>
      store.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            ...assetItems(updated).map((Item) => ({ Put: { TableName: store.tableName, Item } })),
            ...removed.map((tag) => ({
              Delete: {
                TableName: store.tableName,
                Key: { PK: pk, SK: keys.assetTagEntry(tag, asset.assetId).SK },
              },
            })),
          ],
        }),
      );
    // Puts and deletes of whole items: a re-send (a lost reply, a conflict) writes the same again.
    await retryingConflicts(send);
  } catch (error) {
    throw new AssetError('asset-save-failed', `The tags of "${asset.name}" could not be saved. Try again.`, {
      cause: error,
    });
  }
  return updated;
}

/**
 * Deletes the image and its library entries. S3 first: once the object is gone readers cannot load it,
 * which is what the writer asked for. If the metadata delete then fails, the library still lists the
 * asset (its image broken) and Delete can simply be repeated: deleting a missing S3 object succeeds.
 * The reverse order could leave a public object no library entry points to, which the writer could
 * never find again to delete.
 */
export async function deleteAsset(store: AssetStore, asset: Asset): Promise<void> {
  try {
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucketName, Key: asset.key }));
    await deleteEntries(store, asset);
  } catch (error) {
    throw new AssetError('asset-delete-failed', `"${asset.name}" could not be deleted. Try again.`, {
      cause: error,
    });
  }
}

/** The asset's item and tag entries, deleted together. */
async function deleteEntries(store: AssetStore, asset: Asset): Promise<void> {
  await retryingConflicts(() =>
    store.documents.send(
      new TransactWriteCommand({
        TransactItems: assetItems(asset).map((item) => ({
          Delete: { TableName: store.tableName, Key: { PK: item.PK, SK: item.SK } },
        })),
      }),
    ),
  );
}

/** At editor start: aborts the writer's multipart uploads abandoned for more than a day. */
export async function sweepAbandonedUploads(store: AssetStore): Promise<number> {
  return sweepStaleUploads({ s3: store.s3, journal: store.journal, owner: await store.identityId() });
}
