/**
 * "Your data": a signed-in user downloads everything they own and deletes it, with their own
 * credentials (no admin key, no server). Both sweep the user's partitions by key (every item, whatever
 * its type) and list the user's S3 prefix (every object, whatever its name), so item types and image
 * variants added later are covered without a change here.
 *
 * The delete is idempotent and resumable: each item that counted on someone else's counter (a comment
 * on a post, a like of a comment) is deleted in one transaction with its uncount, on the condition that
 * the item still exists (a reply lost after the commit is re-sent by the SDK and finds it gone), so a retried, interrupted or repeated delete uncounts each item exactly once.
 * Everything else is a plain delete, which succeeds on what is already gone. Run it again and it
 * finishes what is left. docs/security.md ("Deleting one's own data").
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { PUBLIC_ASSET_PREFIX } from '../core/access-policy.ts';
import {
  type AccountSummary,
  counterEffect,
  countItem,
  emptySummary,
  ownPartitions,
} from '../core/account-items.ts';
import { mapWithConcurrency } from '../core/concurrency.ts';
import { KEY, keys } from '../core/model.ts';
import { retryingConflicts } from './write-retry.ts';

export type { AccountSummary } from '../core/account-items.ts';

export interface AccountStore {
  documents: DynamoDBDocumentClient;
  s3: { send(command: unknown): Promise<unknown> };
  tableName: string;
  bucketName: string;
}

type Item = Record<string, unknown>;

/** How many deletes (or image downloads) are in flight at once. */
const CONCURRENCY = 4;

export function accountStoreFor(session: {
  clients(): { documents: DynamoDBDocumentClient; s3: { send(command: never): Promise<unknown> } };
  config: { tableName: string; bucketName: string };
}): AccountStore {
  const clients = session.clients();
  return {
    documents: clients.documents,
    s3: clients.s3 as AccountStore['s3'],
    tableName: session.config.tableName,
    bucketName: session.config.bucketName,
  };
}

/** The user's S3 prefix: everything they ever uploaded (and their author feed) is below it. */
export function ownPrefix(userId: string): string {
  return `${PUBLIC_ASSET_PREFIX}${userId}/`;
}

/** Every item of the user's partitions, a page (one Query) at a time. */
export async function* ownItemPages(store: AccountStore, userId: string): AsyncGenerator<Item[]> {
  for (const partition of ownPartitions(userId)) {
    let startKey: Item | undefined;
    do {
      const page = await retryingConflicts(() =>
        store.documents.send(
          new QueryCommand({
            TableName: store.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': KEY.partition },
            ExpressionAttributeValues: { ':pk': partition },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      if (page.Items?.length) yield page.Items;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

export interface OwnObject {
  key: string;
  size: number;
}

/** Every object under the user's prefix, a listing page (up to 1,000) at a time. */
export async function* ownObjectPages(store: AccountStore, userId: string): AsyncGenerator<OwnObject[]> {
  let token: string | undefined;
  do {
    const page = (await store.s3.send(
      new ListObjectsV2Command({
        Bucket: store.bucketName,
        Prefix: ownPrefix(userId),
        ...(token ? { ContinuationToken: token } : {}),
      }),
    )) as {
      Contents?: { Key?: string; Size?: number }[];
      NextContinuationToken?: string;
      IsTruncated?: boolean;
    };
    const objects = (page.Contents ?? [])
      .filter((o): o is { Key: string; Size?: number } => typeof o.Key === 'string')
      .map((o) => ({ key: o.Key, size: o.Size ?? 0 }));
    if (objects.length) yield objects;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export interface AccountInventory {
  summary: AccountSummary;
  files: number;
  bytes: number;
}

/** What the user owns, counted: what the delete's confirmation lists. */
export async function inventoryAccount(store: AccountStore, userId: string): Promise<AccountInventory> {
  const summary = emptySummary();
  for await (const page of ownItemPages(store, userId))
    for (const item of page) countItem(summary, userId, item);
  let files = 0;
  let bytes = 0;
  for await (const page of ownObjectPages(store, userId)) {
    files += page.length;
    for (const object of page) bytes += object.size;
  }
  return { summary, files, bytes };
}

export interface ExportProgress {
  phase: 'items' | 'files' | 'done';
  items: number;
  files: number;
  bytes: number;
}

/**
 * The zip of everything the user owns: `posts.json` (every post's working copy, drafts included),
 * `comments.json`, `profile.json`, `items.json` (every item of every partition, as stored, whatever
 * its type), `files/…` (every object under the user's prefix, by its key below it) and `README.txt`.
 * Items are read a page at a time and images one by one into the zip stream (stored, not recompressed).
 */
export async function exportAccount(
  store: AccountStore,
  userId: string,
  options: { onProgress?: (progress: ExportProgress) => void; now?: Date } = {},
): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let failure: unknown;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  const progress: ExportProgress = { phase: 'items', items: 0, files: 0, bytes: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const addJson = (name: string, value: unknown) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(strToU8(`${JSON.stringify(value, null, 2)}\n`), true);
  };

  const summary = emptySummary();
  const byPartition: Record<string, Item[]> = {};
  const posts: Item[] = [];
  const comments: Item[] = [];
  let profile: Item | null = null;
  report();
  for await (const page of ownItemPages(store, userId)) {
    for (const item of page) {
      countItem(summary, userId, item);
      const pk = String(item[KEY.partition]);
      const partition = byPartition[pk] ?? [];
      byPartition[pk] = partition;
      partition.push(item);
      if (item.type === 'post' && pk === keys.privatePartition(userId)) posts.push(item);
      else if (item.type === 'comment') comments.push(item);
      else if (item.type === 'profile') profile = item;
    }
    progress.items += page.length;
    report();
  }
  addJson('posts.json', posts);
  addJson('comments.json', comments);
  addJson('profile.json', profile);
  addJson('items.json', byPartition);

  progress.phase = 'files';
  const prefix = ownPrefix(userId);
  const fileNames: string[] = [];
  for await (const page of ownObjectPages(store, userId)) {
    // Downloads run a few at a time; entries go into the zip in listing order, one at a time.
    const bodies = await mapWithConcurrency(page, CONCURRENCY, async (object) => {
      const response = (await store.s3.send(
        new GetObjectCommand({ Bucket: store.bucketName, Key: object.key }),
      )) as { Body?: { transformToByteArray(): Promise<Uint8Array> } };
      return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    });
    page.forEach((object, index) => {
      const name = `files/${object.key.slice(prefix.length)}`;
      const entry = new ZipPassThrough(name);
      zip.add(entry);
      const body = bodies[index] ?? new Uint8Array();
      entry.push(body, true);
      fileNames.push(`${name} (${body.length} bytes)`);
      progress.files++;
      progress.bytes += body.length;
    });
    report();
  }

  const readme = [
    'Your Inkwell data',
    `Exported ${(options.now ?? new Date()).toISOString()} for account ${userId}.`,
    '',
    `posts.json     ${summary.posts} posts (${summary.published} published, ${summary.drafts} drafts): every post's working copy, body included.`,
    `comments.json  ${summary.commentsOnOthers + summary.commentsOnOwn} comments you wrote (${summary.commentsOnOthers} on other people's posts).`,
    `profile.json   your profile${summary.profile ? '' : ' (none saved)'}.`,
    `items.json     all ${summary.items} items stored for you, by partition, exactly as stored (likes: ${summary.likes}, images: ${summary.images}).`,
    `files/         ${fileNames.length} files you uploaded, by their name under ${prefix}:`,
    ...fileNames.map((name) => `  ${name}`),
    '',
  ].join('\n');
  addJson('summary.json', { userId, summary, files: fileNames.length });
  const entry = new ZipDeflate('README.txt');
  zip.add(entry);
  entry.push(strToU8(readme), true);
  zip.end();
  if (failure) throw failure;
  progress.phase = 'done';
  report();
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

export interface DeleteProgress {
  phase: 'items' | 'files' | 'done';
  /** Items deleted by this run (items already gone are not counted). */
  items: number;
  /** Counts taken back on other people's posts and comments. */
  uncounted: number;
  files: number;
}

/**
 * Deletes every item of the user's partitions and every object under their prefix. Safe to run again
 * after any failure: it resumes with what is left, and never uncounts an item twice.
 */
export async function deleteAccountData(
  store: AccountStore,
  userId: string,
  options: { onProgress?: (progress: DeleteProgress) => void } = {},
): Promise<DeleteProgress> {
  const progress: DeleteProgress = { phase: 'items', items: 0, uncounted: 0, files: 0 };
  const report = () => options.onProgress?.({ ...progress });
  report();
  for await (const page of ownItemPages(store, userId)) {
    await mapWithConcurrency(page, CONCURRENCY, async (item) => {
      const outcome = await deleteOwnItem(store, userId, item);
      if (outcome !== 'gone') progress.items++;
      if (outcome === 'uncounted') progress.uncounted++;
      report();
    });
  }
  progress.phase = 'files';
  report();
  for await (const page of ownObjectPages(store, userId)) {
    const response = (await store.s3.send(
      new DeleteObjectsCommand({
        Bucket: store.bucketName,
        Delete: { Objects: page.map((object) => ({ Key: object.key })), Quiet: true },
      }),
    )) as { Errors?: { Key?: string; Code?: string; Message?: string }[] };
    const failed = response.Errors ?? [];
    if (failed.length) {
      const first = failed[0];
      throw Object.assign(
        new Error(`${failed.length} files could not be deleted (${first?.Code}: ${first?.Key})`),
        {
          name: first?.Code ?? 'DeleteObjectsError',
        },
      );
    }
    progress.files += page.length;
    report();
  }
  progress.phase = 'done';
  report();
  return progress;
}

/**
 * Deletes one of the user's items. `uncounted`: deleted with its count taken back; `deleted`: deleted
 * (it counted nowhere, or its counter is gone or broken); `gone`: a run before this one deleted it.
 */
export async function deleteOwnItem(
  store: AccountStore,
  userId: string,
  item: Item,
): Promise<'uncounted' | 'deleted' | 'gone'> {
  const key = { [KEY.partition]: item[KEY.partition], [KEY.sort]: item[KEY.sort] };
  const effect = counterEffect(userId, item);
  if (!effect) {
    await retryingConflicts(() =>
      store.documents.send(new DeleteCommand({ TableName: store.tableName, Key: key })),
    );
    return 'deleted';
  }
  const remove = {
    Delete: {
      TableName: store.tableName,
      Key: key,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY.partition },
    },
  };
  try {
    await retryingConflicts(() =>
      store.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            remove,
            {
              Update: {
                TableName: store.tableName,
                Key: effect.key,
                UpdateExpression: 'ADD #value :minus',
                // Never below zero, never on a counter that is gone (ADD would create it) or not a number.
                ConditionExpression: 'attribute_exists(#pk) AND #value >= :one',
                ExpressionAttributeNames: { '#pk': KEY.partition, '#value': effect.attribute },
                ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
              },
            },
          ],
        }),
      ),
    );
    return 'uncounted';
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return 'gone';
    const counterUnusable =
      reasons?.[1]?.Code === 'ConditionalCheckFailed' || reasons?.[1]?.Code === 'ValidationError';
    if (!counterUnusable) throw error;
  }
  try {
    await retryingConflicts(() =>
      store.documents.send(new TransactWriteCommand({ TransactItems: [remove] })),
    );
    return 'deleted';
  } catch (error) {
    if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return 'gone';
    throw error;
  }
}

function cancellationReasons(error: unknown): { Code?: string }[] | undefined {
  if ((error as { name?: string } | null)?.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
}
