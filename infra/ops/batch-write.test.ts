import type { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/core/concurrency.ts';
import { BatchWriteError, batchPut, type Item } from './batch-write.ts';
import { formatProgress } from './progress.ts';

/** A client that leaves the first `unprocessedCalls` calls' last item unprocessed, as throttling does. */
function flakyClient(unprocessedCalls: number) {
  const calls: number[] = [];
  const client = {
    send: async (command: BatchWriteItemCommand) => {
      const requests = command.input.RequestItems?.t ?? [];
      calls.push(requests.length);
      const left = calls.length <= unprocessedCalls ? requests.slice(-1) : [];
      return { UnprocessedItems: left.length ? { t: left } : {} };
    },
  };
  return { client: client as unknown as DynamoDBClient, calls };
}

const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ PK: { S: `p${i}` }, SK: { S: 's' } }));

describe('batchPut', () => {
  it('retries only the unprocessed items until all are written', async () => {
    const { client, calls } = flakyClient(2);
    let written = 0;
    await batchPut(client, 't', items(25), { baseDelayMs: 1, onWritten: (n) => (written += n) });
    expect(calls).toEqual([25, 1, 1]);
    expect(written).toBe(25);
  });

  it('gives up with a typed error after maxAttempts', async () => {
    const { client } = flakyClient(100);
    const error = await batchPut(client, 't', items(3), { baseDelayMs: 1, maxAttempts: 3 }).catch((e) => e);
    expect(error).toBeInstanceOf(BatchWriteError);
    expect(error).toMatchObject({ code: 'batch-write-exhausted', unprocessed: 1 });
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and starts nothing after a failure', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7, 8], 3, async (n) => {
      started.push(n);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (n === 2) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(peak).toBe(3);
    expect(started.length).toBeLessThan(8);
    expect(inFlight).toBe(0);
  });
});

describe('formatProgress', () => {
  it('shows a bar, counts, rate and ETA when the total is known', () => {
    expect(formatProgress('export', 500, 1000, 1000)).toBe(
      'export [############------------]  50% 500/1,000 500/s ETA 1s',
    );
    expect(formatProgress('export', 1500, undefined, 1000)).toBe('export 1,500 1,500/s');
  });
});
