/**
 * Retrying DynamoDB writes that a transaction conflict refused. A conflict means another transaction
 * held one of the items when this write arrived, and DynamoDB wrote nothing: sending the same write
 * again is safe, and every write it is used for is conditional (a version, `attribute_not_exists`), so a
 * retry after a reply that was lost meets its own write and the caller recognises it.
 *
 * The SDK retries throttling, 5xx and network failures itself; it does not retry conflicts
 * (`TransactionConflictException`, or `TransactionCanceledException` whose reasons are conflicts).
 *
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
 */

interface CancellationReason {
  Code?: string;
}

/** True when DynamoDB refused the write only because of a transaction in progress on its items. */
export function isTransactionConflict(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return (
    reasons.some((reason) => reason.Code === 'TransactionConflict') &&
    reasons.every((reason) => reason.Code === 'TransactionConflict' || !reason.Code || reason.Code === 'None')
  );
}

export interface ConflictRetryOptions {
  /** Tries in all (the first included). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Backoff with full jitter: up to 50, 100, 200 … ms. */
export function conflictDelay(retry: number, random: number): number {
  return Math.round(50 * 2 ** retry * random);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `write` until it does not fail with a transaction conflict, or the attempts are spent. */
export async function retryingConflicts<T>(
  write: () => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= attempts) throw error;
      await (options.sleep ?? wait)(conflictDelay(attempt - 1, (options.random ?? Math.random)()));
    }
  }
}
