/**
 * The errors the posts data layer throws. Each has a stable `code` the UI maps to a message
 * (src/app/errors.ts); SDK errors are translated into these by `toDataError` and never reach the screen.
 */
import type { Post } from '../core/post-items.ts';

export type PostField = 'title' | 'slug' | 'tags' | 'excerpt' | 'body';

/** A field breaks a rule; raised before any write. */
export class PostValidationError extends Error {
  readonly code = 'post-invalid';
  readonly field: PostField;

  constructor(field: PostField, message: string) {
    super(message);
    this.name = 'PostValidationError';
    this.field = field;
  }
}

/** The post would not fit in one DynamoDB item (400 KB, of which we allow ~350 KB). */
export class PostTooLargeError extends Error {
  readonly code = 'post-too-large';
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number) {
    super(
      `This post is too long to save: ${Math.ceil(bytes / 1024)} KB, and a post can be at most ${Math.floor(limit / 1024)} KB. ` +
        'Split it into two posts, or move large pasted content (such as data or images as text) out of it.',
    );
    this.name = 'PostTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** Another of the author's posts already has this slug. */
export class SlugTakenError extends Error {
  readonly code = 'slug-taken';
  readonly slug: string;

  constructor(slug: string) {
    super(`You already have a post at "${slug}". Choose another address.`);
    this.name = 'SlugTakenError';
    this.slug = slug;
  }
}

/**
 * Someone (another window, another device) saved the post after it was loaded here. Carries both sides so
 * the writer can choose; nothing was written.
 */
export class PostConflictError extends Error {
  readonly code = 'post-conflict';
  /** The version stored now, as the other window left it. */
  readonly theirs: Post;
  /** The version this window loaded and based its changes on. */
  readonly loadedVersion: number;

  constructor(theirs: Post, loadedVersion: number) {
    super(
      `This post was changed in another window (version ${theirs.version}; this one started from ${loadedVersion}).`,
    );
    this.name = 'PostConflictError';
    this.theirs = theirs;
    this.loadedVersion = loadedVersion;
  }
}

export class PostNotFoundError extends Error {
  readonly code = 'not-found';

  constructor(message = 'No such post') {
    super(message);
    this.name = 'PostNotFoundError';
  }
}

/** A change that is not possible in the post's state, such as renaming a published post. */
export class PostStateError extends Error {
  readonly code = 'post-state';

  constructor(message: string) {
    super(message);
    this.name = 'PostStateError';
  }
}

/** AWS refused the call (IAM): the UI says "not allowed", never the raw message. */
export class DataAccessDeniedError extends Error {
  readonly code = 'access-denied';

  constructor(options?: { cause?: unknown }) {
    super('Access denied', options);
    this.name = 'DataAccessDeniedError';
  }
}

/**
 * AWS could not be reached (`network`), stayed busy through every retry (`busy`: throttled, or items held
 * by other transactions), or answered with an error the user cannot act on except by retrying.
 */
export class DataUnavailableError extends Error {
  readonly code: 'network' | 'busy' | 'unavailable';

  constructor(code: 'network' | 'busy' | 'unavailable', options?: { cause?: unknown }) {
    super(
      code === 'network'
        ? 'Network error'
        : code === 'busy'
          ? 'AWS is busy (throttled)'
          : 'The service did not answer as expected',
      options,
    );
    this.name = 'DataUnavailableError';
    this.code = code;
  }
}

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException']);
/** What AWS answers when it is busy: throttling, and items held by other transactions. */
const BUSY = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'SlowDown',
  'TransactionConflictException',
  'TransactionInProgressException',
]);

function isBusy(error: unknown, name: unknown): boolean {
  if (typeof name === 'string' && BUSY.has(name)) return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError');
}

/** True for errors the data layer raises itself (they carry a `code` the UI knows). */
function isDataError(error: unknown): boolean {
  return (
    error instanceof PostValidationError ||
    error instanceof PostTooLargeError ||
    error instanceof SlugTakenError ||
    error instanceof PostConflictError ||
    error instanceof PostNotFoundError ||
    error instanceof PostStateError ||
    error instanceof DataAccessDeniedError ||
    error instanceof DataUnavailableError ||
    (typeof (error as { code?: unknown } | null)?.code === 'string' &&
      error instanceof Error &&
      !('$metadata' in error))
  );
}

/**
 * Translates whatever a data call threw into one of the typed errors above. Raw SDK errors are kept as
 * `cause` (for the console), never shown.
 */
export function toDataError(error: unknown): Error {
  if (isDataError(error)) return error as Error;
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && ACCESS_DENIED.has(name)) return new DataAccessDeniedError({ cause: error });
  if (isBusy(error, name)) return new DataUnavailableError('busy', { cause: error });
  if (error instanceof TypeError || name === 'TimeoutError' || name === 'NetworkingError') {
    return new DataUnavailableError('network', { cause: error });
  }
  return new DataUnavailableError('unavailable', { cause: error });
}
