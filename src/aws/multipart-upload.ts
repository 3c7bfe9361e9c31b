/**
 * A resumable multipart upload to S3, from a browser `Blob`.
 *
 * Why not `@aws-sdk/lib-storage`'s `Upload`: it cannot continue an existing UploadId, so a reload or a
 * long outage would start over from byte 0. This driver keeps the upload's state (key, UploadId, part
 * size, acknowledged parts) in a journal (IndexedDB), asks S3 which parts it really has (ListParts)
 * before resuming, sends only the missing ones, several at a time, retries each with backoff, waits for
 * the browser to be back online, and aborts the upload on cancel.
 *
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  bytesDone,
  type CompletedPart,
  confirmedParts,
  type FileIdentity,
  fileIdentityKey,
  isRetryable,
  isStale,
  missingParts,
  PART_SIZE,
  planParts,
  QUEUE_SIZE,
  retryDelay,
  STALE_AFTER_MS,
} from './multipart-plan.ts';
import type { UploadJournal, UploadJournalEntry } from './upload-journal.ts';

/** The part of an S3 client this driver uses (an `S3Client`, or a fake in tests). */
export interface S3Sender {
  // biome-ignore lint/suspicious/noExplicitAny: commands of several input/output types go through one send.
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

/** Online/offline, as the browser tells it. */
export interface NetworkStatus {
  online(): boolean;
  /** Resolves when the browser is back online (or rejects when `signal` aborts). */
  waitUntilOnline(signal: AbortSignal): Promise<void>;
}

export interface MultipartProgress {
  sentBytes: number;
  totalBytes: number;
  /** Parts confirmed already in S3 when the upload resumed (0 for a fresh upload). */
  resumedParts: number;
  /** Waiting for the network (offline, or retrying after a failure). */
  waiting: boolean;
}

export interface ResumableUploadOptions {
  s3: S3Sender;
  journal: UploadJournal;
  bucket: string;
  /** The identity id: journal entries belong to one writer. */
  owner: string;
  file: Blob & FileIdentity;
  contentType: string;
  /**
   * Called for a new upload only, before anything is sent to S3 (a resumed one keeps the key and meta it
   * started with). May be async: the caller records the upload (a pending library entry) first.
   */
  newUpload: () =>
    | { key: string; meta: Record<string, string> }
    | Promise<{ key: string; meta: Record<string, string> }>;
  partSize?: number;
  queueSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MultipartProgress) => void;
  network?: NetworkStatus;
  /** Failures in a row (while online) before a part gives up; the journal keeps the upload for later. */
  maxAttempts?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface ResumableUploadResult {
  key: string;
  meta: Record<string, string>;
  resumed: boolean;
  /** Part numbers this call sent (a resumed upload sends only what S3 lacked). */
  sentParts: number[];
}

export function browserNetwork(win: Window = window): NetworkStatus {
  return {
    online: () => win.navigator.onLine,
    waitUntilOnline: (signal) =>
      new Promise<void>((resolve, reject) => {
        if (win.navigator.onLine) return resolve();
        const done = () => {
          win.removeEventListener('online', done);
          signal.removeEventListener('abort', aborted);
          resolve();
        };
        const aborted = () => {
          win.removeEventListener('online', done);
          reject(signal.reason);
        };
        win.addEventListener('online', done);
        signal.addEventListener('abort', aborted, { once: true });
      }),
  };
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', aborted, { once: true });
  });
}

export interface RetryOptions {
  signal: AbortSignal;
  network?: NetworkStatus;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Failures in a row while online before giving up. */
  maxAttempts?: number;
  /** Told when the call starts waiting (offline, or backing off) and when it succeeds again. */
  onWait?: (waiting: boolean) => void;
}

/**
 * Calls S3, retrying what is worth retrying (see `isRetryable`) with backoff; waits out offline
 * periods without counting them as failures. Rejects with the signal's reason once it aborts.
 */
export async function retrying<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal, onWait } = options;
  const network = options.network ?? alwaysOnline;
  const sleep = options.sleep ?? abortableSleep;
  for (let failures = 0; ; ) {
    signal.throwIfAborted();
    try {
      const result = await call();
      onWait?.(false);
      return result;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!isRetryable(error)) throw error;
      onWait?.(true);
      if (!network.online()) {
        await network.waitUntilOnline(signal);
        continue;
      }
      failures += 1;
      if (failures >= (options.maxAttempts ?? 8)) throw error;
      await sleep(retryDelay(failures - 1), signal);
    }
  }
}

const alwaysOnline: NetworkStatus = { online: () => true, waitUntilOnline: async () => {} };
const isNoSuchUpload = (error: unknown) => (error as { name?: string } | null)?.name === 'NoSuchUpload';

/**
 * Uploads `file`, resuming the writer's unfinished upload of the same file (same name, size and
 * modification time) if the journal has one and S3 still knows it. Rejects with the signal's reason when
 * cancelled (after aborting the upload in S3), or with the last error when a part keeps failing (the
 * journal entry stays, so selecting the file again resumes).
 */
export async function resumableUpload(options: ResumableUploadOptions): Promise<ResumableUploadResult> {
  const signal = options.signal ?? new AbortController().signal;
  const network = options.network ?? alwaysOnline;
  const sleep = options.sleep ?? abortableSleep;
  const maxAttempts = options.maxAttempts ?? 8;
  const { s3, journal, file } = options;
  const id = fileIdentityKey(options.owner, file);

  const withRetry = <T>(call: () => Promise<T>, onWait?: (waiting: boolean) => void) =>
    retrying(call, { signal, network, sleep, maxAttempts, ...(onWait ? { onWait } : {}) });

  let entry = await journal.get(id);
  let done: CompletedPart[] = [];
  if (entry && (entry.bucket !== options.bucket || entry.file.size !== file.size)) entry = undefined;
  if (entry) {
    const plan = planParts(file.size, entry.partSize);
    const known = entry;
    try {
      done = confirmedParts(plan, await withRetry(() => listAllParts(s3, known)));
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
      // Completed, aborted or expired meanwhile: start a new upload.
      await journal.delete(id);
      entry = undefined;
    }
  }
  const resumed = entry !== undefined;
  if (!entry) {
    const { key, meta } = await options.newUpload();
    const created = await withRetry(() =>
      s3.send(
        new CreateMultipartUploadCommand({
          Bucket: options.bucket,
          Key: key,
          ContentType: options.contentType,
          CacheControl: 'public, max-age=31536000, immutable',
        }),
        { abortSignal: signal },
      ),
    );
    entry = {
      owner: options.owner,
      bucket: options.bucket,
      key,
      uploadId: String(created.UploadId),
      partSize: options.partSize ?? PART_SIZE,
      contentType: options.contentType,
      file: { name: file.name, size: file.size, lastModified: file.lastModified },
      parts: [],
      createdAt: new Date(options.now?.() ?? Date.now()).toISOString(),
      meta,
    };
  }
  const upload: UploadJournalEntry = entry;
  upload.parts = done;
  await journal.put(id, upload);

  const plan = planParts(file.size, upload.partSize);
  const queue = missingParts(plan, done);
  const sentParts: number[] = [];
  let waiting = 0;
  const report = () =>
    options.onProgress?.({
      sentBytes: bytesDone(upload.parts),
      totalBytes: file.size,
      resumedParts: resumed ? done.length : 0,
      waiting: waiting > 0,
    });
  report();

  try {
    const worker = async () => {
      for (let part = queue.shift(); part; part = queue.shift()) {
        await sendPart(part).catch((error: unknown) => {
          // One part gave up: the others take no new parts (those in flight finish into the journal).
          queue.length = 0;
          throw error;
        });
      }
    };
    const sendPart = async (part: (typeof plan)[number]) => {
      {
        const current = part;
        let isWaiting = false;
        const result = await withRetry(
          () =>
            s3.send(
              new UploadPartCommand({
                Bucket: upload.bucket,
                Key: upload.key,
                UploadId: upload.uploadId,
                PartNumber: current.partNumber,
                Body: file.slice(current.start, current.end),
                ContentLength: current.end - current.start,
              }),
              { abortSignal: signal },
            ),
          (now) => {
            if (now !== isWaiting) {
              waiting += now ? 1 : -1;
              isWaiting = now;
              report();
            }
          },
        );
        upload.parts = [
          ...upload.parts,
          { PartNumber: current.partNumber, ETag: String(result.ETag), Size: current.end - current.start },
        ];
        sentParts.push(current.partNumber);
        await journal.put(id, upload);
        report();
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(options.queueSize ?? QUEUE_SIZE, queue.length) }, worker),
    );
    await withRetry(() =>
      completeOrFind(
        s3,
        upload,
        file.size,
        new CompleteMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          MultipartUpload: {
            Parts: [...upload.parts]
              .sort((a, b) => a.PartNumber - b.PartNumber)
              .map(({ PartNumber, ETag }) => ({ PartNumber, ETag })),
          },
        }),
        signal,
      ),
    );
  } catch (error) {
    if (signal.aborted) {
      await abortUpload(s3, upload);
      await journal.delete(id);
      throw signal.reason;
    }
    throw error;
  }
  await journal.delete(id);
  return { key: upload.key, meta: upload.meta, resumed, sentParts };
}

/**
 * Completes the upload. A completion re-sent after its reply was lost meets an upload that no longer
 * exists (`NoSuchUpload`): if the object is there with the file's size, that was this completion.
 */
async function completeOrFind(
  s3: S3Sender,
  upload: UploadJournalEntry,
  size: number,
  command: CompleteMultipartUploadCommand,
  signal: AbortSignal,
): Promise<void> {
  try {
    await s3.send(command, { abortSignal: signal });
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
    const head = await s3
      .send(new HeadObjectCommand({ Bucket: upload.bucket, Key: upload.key }), { abortSignal: signal })
      .catch(() => undefined);
    if (Number(head?.ContentLength) !== size) throw error;
  }
}

async function listAllParts(s3: S3Sender, entry: UploadJournalEntry): Promise<CompletedPart[]> {
  const parts: CompletedPart[] = [];
  let marker: string | undefined;
  do {
    const page = await s3.send(
      new ListPartsCommand({
        Bucket: entry.bucket,
        Key: entry.key,
        UploadId: entry.uploadId,
        ...(marker ? { PartNumberMarker: marker } : {}),
      }),
    );
    for (const part of page.Parts ?? []) {
      parts.push({
        PartNumber: Number(part.PartNumber),
        ETag: String(part.ETag ?? ''),
        Size: Number(part.Size),
      });
    }
    marker = page.IsTruncated ? String(page.NextPartNumberMarker) : undefined;
  } while (marker);
  return parts;
}

/** Best effort: an upload S3 no longer has needs no abort, and a failed abort is swept again later. */
/** Aborts one journaled upload in S3; true when S3 no longer has it (aborted now or before). */
export async function abortUpload(s3: S3Sender, entry: UploadJournalEntry): Promise<boolean> {
  try {
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: entry.bucket, Key: entry.key, UploadId: entry.uploadId }),
    );
    return true;
  } catch (error) {
    return isNoSuchUpload(error);
  }
}

/**
 * Aborts the writer's uploads left unfinished for longer than `maxAgeMs` (a day by default) and forgets
 * them: S3 otherwise keeps (and bills) their parts forever. Returns how many were cleaned up. Entries an
 * abort failed for stay, to be tried at the next sweep.
 */
export async function sweepStaleUploads(options: {
  s3: S3Sender;
  journal: UploadJournal;
  owner: string;
  now?: number;
  maxAgeMs?: number;
}): Promise<number> {
  const now = options.now ?? Date.now();
  let swept = 0;
  for (const [id, entry] of await options.journal.list()) {
    if (entry.owner !== options.owner || !isStale(entry.createdAt, now, options.maxAgeMs ?? STALE_AFTER_MS))
      continue;
    if (await abortUpload(options.s3, entry)) {
      await options.journal.delete(id);
      swept += 1;
    }
  }
  return swept;
}
