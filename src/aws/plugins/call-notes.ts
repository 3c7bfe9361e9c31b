import type { HandlerExecutionContext } from '@smithy/types';

/**
 * What the app's middlewares learn about one call, shared through its execution context (one object
 * per `send`, the same across retries): the per-attempt observer and the credential retry write, the
 * logger reads.
 */
export interface CallNotes {
  /** The error code of each failed HTTP attempt, in order. */
  attemptErrors: string[];
  /** Attempts and retry delay spent before a retry with refreshed credentials started over. */
  priorAttempts: number;
  priorRetryDelayMs: number;
  credentialsRefreshed: boolean;
}

const notes = new WeakMap<HandlerExecutionContext, CallNotes>();

export function callNotes(context: HandlerExecutionContext): CallNotes {
  let found = notes.get(context);
  if (!found) {
    found = { attemptErrors: [], priorAttempts: 0, priorRetryDelayMs: 0, credentialsRefreshed: false };
    notes.set(context, found);
  }
  return found;
}

/** The code AWS gave an error (the SDK puts it in `name`), or the code of one of our typed errors. */
export function errorCodeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UnknownError';
  const { code, Code, name } = error as { code?: unknown; Code?: unknown; name?: unknown };
  if (typeof Code === 'string' && Code) return Code;
  // Service errors carry $metadata and their code as `name`; ours carry a `code`.
  if (metadataOf(error)?.httpStatusCode !== undefined && typeof name === 'string' && name) return name;
  if (typeof code === 'string' && code) return code;
  return typeof name === 'string' && name ? name : 'UnknownError';
}

export interface ErrorMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

export function metadataOf(value: unknown): ErrorMetadata | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const metadata = (value as { $metadata?: unknown }).$metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as ErrorMetadata) : undefined;
}
