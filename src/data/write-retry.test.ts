import { describe, expect, it } from 'vitest';
import { conflictDelay, isTransactionConflict, retryingConflicts } from './write-retry.ts';

const conflict = { name: 'TransactionConflictException' };
const cancelledByConflict = {
  name: 'TransactionCanceledException',
  CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
};
const cancelledByCondition = {
  name: 'TransactionCanceledException',
  CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
};

describe('isTransactionConflict', () => {
  it('is true for conflicts only: a failed condition in the same transaction is not retried', () => {
    expect(isTransactionConflict(conflict)).toBe(true);
    expect(isTransactionConflict(cancelledByConflict)).toBe(true);
    expect(isTransactionConflict(cancelledByCondition)).toBe(false);
    expect(isTransactionConflict({ name: 'ConditionalCheckFailedException' })).toBe(false);
    expect(isTransactionConflict(new TypeError('Failed to fetch'))).toBe(false);
    expect(isTransactionConflict(undefined)).toBe(false);
  });
});

describe('retryingConflicts', () => {
  it('retries conflicts with growing, jittered delays until the write goes through', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryingConflicts(
      async () => {
        calls += 1;
        if (calls < 3) throw calls === 1 ? conflict : cancelledByConflict;
        return 'written';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 1 },
    );
    expect(result).toBe('written');
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after its attempts, with the conflict', async () => {
    let calls = 0;
    await expect(
      retryingConflicts(
        async () => {
          calls += 1;
          throw conflict;
        },
        { attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(3);
  });

  it('never retries anything else', async () => {
    let calls = 0;
    await expect(
      retryingConflicts(
        async () => {
          calls += 1;
          throw cancelledByCondition;
        },
        { sleep: async () => {} },
      ),
    ).rejects.toBe(cancelledByCondition);
    expect(calls).toBe(1);
    expect(conflictDelay(3, 0.5)).toBe(200);
  });
});
