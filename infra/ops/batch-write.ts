/**
 * BatchWriteItem for bulk jobs: 25 requests per call, and what DynamoDB leaves unprocessed (throttling,
 * partition limits) is retried with exponential backoff and full jitter until written or out of tries.
 * Only PutRequests are used, so a retried or repeated batch writes the same items again: idempotent.
 */
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency, sleep } from '../../src/core/concurrency.ts';

export const BATCH_WRITE_LIMIT = 25;

export class BatchWriteError extends Error {
  readonly code = 'batch-write-exhausted';
  readonly unprocessed: number;
  constructor(message: string, unprocessed: number) {
    super(message);
    this.unprocessed = unprocessed;
  }
}

export interface BatchWriteOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called with how many items each successful call wrote. */
  onWritten?: (count: number) => void;
}

export type Item = Record<string, AttributeValue>;

/** Writes one batch of at most 25 items, retrying the unprocessed remainder. */
export async function batchPut(
  dynamodb: DynamoDBClient,
  tableName: string,
  items: Item[],
  options: BatchWriteOptions = {},
): Promise<void> {
  if (items.length > BATCH_WRITE_LIMIT) throw new RangeError(`at most ${BATCH_WRITE_LIMIT} items per batch`);
  const maxAttempts = options.maxAttempts ?? 10;
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt >= maxAttempts) {
      throw new BatchWriteError(
        `${pending.length} items still unprocessed after ${maxAttempts} attempts`,
        pending.length,
      );
    }
    if (attempt > 0) {
      const ceiling = Math.min(options.maxDelayMs ?? 5000, (options.baseDelayMs ?? 50) * 2 ** attempt);
      await sleep(Math.random() * ceiling, options.signal);
    }
    const result = await dynamodb.send(
      new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      {
        ...(options.signal ? { abortSignal: options.signal } : {}),
      },
    );
    const left = (result.UnprocessedItems?.[tableName] ?? []).filter(
      (r) => r.PutRequest?.Item,
    ) as typeof pending;
    options.onWritten?.(pending.length - left.length);
    pending = left;
  }
}

/** Writes any number of items, `concurrency` batches in flight. */
export async function batchPutAll(
  dynamodb: DynamoDBClient,
  tableName: string,
  items: Item[],
  options: BatchWriteOptions & { concurrency?: number } = {},
): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT)
    batches.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  await mapWithConcurrency(batches, options.concurrency ?? 4, (batch) =>
    batchPut(dynamodb, tableName, batch, options),
  );
}
