/**
 * The pure half of resumable multipart uploads: which byte ranges are which parts, which parts S3
 * already holds, what to send next, how long to wait after a failure, and when an abandoned upload
 * is stale. No I/O here, so all of it is unit-tested; multipart-upload.ts does the calls.
 */

/** S3's minimum part size (every part but the last), and the size Inkwell uses. */
export const PART_SIZE = 5 * 1024 * 1024;
/** Parts in flight at once. */
export const QUEUE_SIZE = 3;
/** S3 allows at most 10,000 parts. */
const MAX_PARTS = 10_000;
/** An upload left unfinished this long is abandoned: the sweep aborts it. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface PlannedPart {
  partNumber: number;
  /** Byte range [start, end) of the file. */
  start: number;
  end: number;
}

export interface CompletedPart {
  PartNumber: number;
  ETag: string;
  Size: number;
}

/** Splits `size` bytes into parts of `partSize` (the last one shorter). */
export function planParts(size: number, partSize: number = PART_SIZE): PlannedPart[] {
  if (!Number.isSafeInteger(size) || size <= 0)
    throw new RangeError(`Cannot plan an upload of ${size} bytes`);
  if (partSize < PART_SIZE) throw new RangeError(`Parts must be at least ${PART_SIZE} bytes`);
  const count = Math.ceil(size / partSize);
  if (count > MAX_PARTS) throw new RangeError(`${count} parts is more than S3 allows`);
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    start: i * partSize,
    end: Math.min(size, (i + 1) * partSize),
  }));
}

/**
 * The parts S3 reports (ListParts) that can be kept: those the plan has, with exactly the planned
 * size. A part of another size was written by another plan or cut short, so it is sent again.
 * S3's listing, not the local journal, is the truth: the journal may miss a part whose response was
 * lost, or remember one of an upload that no longer exists.
 */
export function confirmedParts(
  plan: readonly PlannedPart[],
  listed: readonly CompletedPart[],
): CompletedPart[] {
  const byNumber = new Map(plan.map((part) => [part.partNumber, part]));
  const kept = new Map<number, CompletedPart>();
  for (const part of listed) {
    const planned = byNumber.get(part.PartNumber);
    if (planned && planned.end - planned.start === part.Size && part.ETag) kept.set(part.PartNumber, part);
  }
  return [...kept.values()].sort((a, b) => a.PartNumber - b.PartNumber);
}

/** The planned parts not yet in `done`, in order. */
export function missingParts(plan: readonly PlannedPart[], done: readonly CompletedPart[]): PlannedPart[] {
  const have = new Set(done.map((part) => part.PartNumber));
  return plan.filter((part) => !have.has(part.partNumber));
}

/** Bytes already in S3, for the progress bar of a resumed upload. */
export function bytesDone(done: readonly CompletedPart[]): number {
  return done.reduce((sum, part) => sum + part.Size, 0);
}

/**
 * Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 8 s, each scaled by 50–100 % so that
 * parts that failed together do not retry together. `random` is in [0, 1).
 */
export function retryDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(8000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.5 + random / 2));
}

/**
 * Whether a failed call is worth repeating: the network failed (fetch's TypeError, an abort by the
 * browser, no HTTP status at all), or S3 was busy (5xx, 408, 429, RequestTimeout, SlowDown). Refusals
 * (403, NoSuchUpload, 400) will not change on retry.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.name === 'AbortError') return false;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  if (status >= 500 || status === 408 || status === 429) return true;
  return e.name === 'RequestTimeout' || e.name === 'SlowDown';
}

/** How a file is recognised when the writer selects it again after a reload. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified: number;
}

export function fileIdentityKey(owner: string, file: FileIdentity): string {
  return JSON.stringify([owner, file.name, file.size, file.lastModified]);
}

export function isStale(createdAt: string, now: number, maxAgeMs: number = STALE_AFTER_MS): boolean {
  const created = Date.parse(createdAt);
  return Number.isNaN(created) || now - created > maxAgeMs;
}
