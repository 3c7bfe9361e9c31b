import { describe, expect, it } from 'vitest';
import {
  bytesDone,
  confirmedParts,
  fileIdentityKey,
  isRetryable,
  isStale,
  missingParts,
  PART_SIZE,
  planParts,
  retryDelay,
} from './multipart-plan.ts';

const MiB = 1024 * 1024;

describe('planParts', () => {
  it('cuts a 12 MiB file into 5 + 5 + 2 MiB', () => {
    expect(planParts(12 * MiB)).toEqual([
      { partNumber: 1, start: 0, end: 5 * MiB },
      { partNumber: 2, start: 5 * MiB, end: 10 * MiB },
      { partNumber: 3, start: 10 * MiB, end: 12 * MiB },
    ]);
  });

  it('makes one part of a small file and exact parts of a multiple', () => {
    expect(planParts(10)).toEqual([{ partNumber: 1, start: 0, end: 10 }]);
    expect(planParts(10 * MiB).map((p) => p.end - p.start)).toEqual([5 * MiB, 5 * MiB]);
  });

  it('refuses empty files, parts below S3 minimum and more than 10,000 parts', () => {
    expect(() => planParts(0)).toThrow(RangeError);
    expect(() => planParts(10 * MiB, MiB)).toThrow(RangeError);
    expect(() => planParts(10_001 * PART_SIZE)).toThrow(RangeError);
  });
});

describe('resuming', () => {
  const plan = planParts(12 * MiB);

  it('keeps the parts S3 lists with their planned size, and sends the others', () => {
    const listed = [
      { PartNumber: 3, ETag: '"c"', Size: 2 * MiB },
      { PartNumber: 1, ETag: '"a"', Size: 5 * MiB },
    ];
    const done = confirmedParts(plan, listed);
    expect(done.map((p) => p.PartNumber)).toEqual([1, 3]);
    expect(missingParts(plan, done).map((p) => p.partNumber)).toEqual([2]);
    expect(bytesDone(done)).toBe(7 * MiB);
  });

  it('sends again a part cut short, a part the plan does not have, and one without an ETag', () => {
    const listed = [
      { PartNumber: 1, ETag: '"a"', Size: 3 * MiB },
      { PartNumber: 2, ETag: '', Size: 5 * MiB },
      { PartNumber: 9, ETag: '"z"', Size: 5 * MiB },
    ];
    expect(confirmedParts(plan, listed)).toEqual([]);
    expect(missingParts(plan, []).length).toBe(3);
  });

  it('has nothing left to send when every part is listed', () => {
    const listed = plan.map((p) => ({
      PartNumber: p.partNumber,
      ETag: `"${p.partNumber}"`,
      Size: p.end - p.start,
    }));
    expect(missingParts(plan, confirmedParts(plan, listed))).toEqual([]);
  });

  it('recognises the same file by owner, name, size and modification time', () => {
    const file = { name: 'a.png', size: 12, lastModified: 1000 };
    expect(fileIdentityKey('alice', file)).toBe(fileIdentityKey('alice', { ...file }));
    expect(fileIdentityKey('alice', file)).not.toBe(fileIdentityKey('bob', file));
    expect(fileIdentityKey('alice', file)).not.toBe(
      fileIdentityKey('alice', { ...file, lastModified: 1001 }),
    );
  });
});

describe('failures', () => {
  it('backs off exponentially with jitter, capped at 8 s', () => {
    expect(retryDelay(0, 0)).toBe(250);
    expect(retryDelay(0, 0.999999)).toBe(500);
    expect(retryDelay(3, 0.999999)).toBe(4000);
    expect(retryDelay(10, 0.999999)).toBe(8000);
  });

  it('retries network failures and server trouble, not refusals or cancellation', () => {
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true);
    expect(isRetryable({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isRetryable({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryable({ name: 'TooMany', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryable({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isRetryable({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } })).toBe(false);
    expect(isRetryable(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it('calls an upload stale after a day, or when its date is unreadable', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(isStale('2026-11-26T00:00:00Z', now)).toBe(false);
    expect(isStale('2026-11-25T11:59:59Z', now)).toBe(true);
    expect(isStale('yesterday', now)).toBe(true);
  });
});
