import { describe, expect, it } from 'vitest';
import { resumableUpload, sweepStaleUploads } from './multipart-upload.ts';
import { fakeS3, MiB_TEST_SIZE } from './testing/fake-multipart-s3.ts';
import { memoryJournal } from './upload-journal.ts';

const file = (size = MiB_TEST_SIZE) =>
  Object.assign(new Blob([new Uint8Array(size)]), { name: 'big.png', lastModified: 1000 });
const noSleep = async () => {};

function options(s3: ReturnType<typeof fakeS3>, journal = memoryJournal()) {
  let n = 0;
  return {
    s3,
    journal,
    bucket: 'b',
    owner: 'alice',
    file: file(),
    contentType: 'image/png',
    newUpload: () => ({ key: `public/alice/assets/${++n}.png`, meta: { assetId: String(n) } }),
    sleep: noSleep,
  };
}

describe('resumableUpload', () => {
  it('sends every part once and completes them in order', async () => {
    const s3 = fakeS3();
    const result = await resumableUpload(options(s3));
    expect(result).toMatchObject({ key: 'public/alice/assets/1.png', resumed: false });
    expect(s3.partRequests().sort()).toEqual([1, 2, 3]);
    expect(s3.completed[0]?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
  });

  it('retries a failing part and resends nothing that succeeded', async () => {
    const s3 = fakeS3({ failPart: { 2: 2 } });
    await resumableUpload(options(s3));
    const sent = s3.partRequests();
    expect(sent.filter((n) => n === 1)).toHaveLength(1);
    expect(sent.filter((n) => n === 3)).toHaveLength(1);
    expect(sent.filter((n) => n === 2)).toHaveLength(3);
  });

  it('resumes an interrupted upload from the parts S3 lists, keeping its key', async () => {
    const journal = memoryJournal();
    const s3 = fakeS3({ failPart: { 3: 100 } });
    await expect(resumableUpload({ ...options(s3, journal), maxAttempts: 2 })).rejects.toThrow();
    expect(journal.data.size).toBe(1);
    s3.heal();
    const before = s3.partRequests().length;
    const result = await resumableUpload(options(s3, journal));
    expect(result.resumed).toBe(true);
    expect(result.key).toBe('public/alice/assets/1.png');
    expect(s3.partRequests().slice(before)).toEqual([3]);
    expect(journal.data.size).toBe(0);
  });

  it('starts over when S3 no longer has the upload', async () => {
    const journal = memoryJournal();
    const s3 = fakeS3({ failPart: { 3: 100 } });
    await expect(resumableUpload({ ...options(s3, journal), maxAttempts: 1 })).rejects.toThrow();
    s3.forgetUploads();
    s3.heal();
    const result = await resumableUpload(options(s3, journal));
    expect(result.resumed).toBe(false);
  });

  it('waits for the browser to come back online without giving up', async () => {
    const s3 = fakeS3({ failPart: { 1: 5 } });
    let online = false;
    let waits = 0;
    const network = {
      online: () => online,
      waitUntilOnline: async () => {
        waits += 1;
        if (waits >= 5) online = true;
      },
    };
    await resumableUpload({ ...options(s3), maxAttempts: 2, network });
    expect(waits).toBe(5);
  });

  it('aborts the upload in S3 and forgets it when cancelled', async () => {
    const journal = memoryJournal();
    const controller = new AbortController();
    const s3 = fakeS3({ onPart: (n) => n === 2 && controller.abort(new Error('cancelled')) });
    await expect(resumableUpload({ ...options(s3, journal), signal: controller.signal })).rejects.toThrow(
      'cancelled',
    );
    expect(s3.aborted).toHaveLength(1);
    expect(journal.data.size).toBe(0);
  });
});

describe('sweepStaleUploads', () => {
  it("aborts the writer's uploads older than a day, and only those", async () => {
    const journal = memoryJournal();
    const s3 = fakeS3({ failPart: { 1: 100 } });
    await expect(resumableUpload({ ...options(s3, journal), maxAttempts: 1 })).rejects.toThrow();
    const [[id, entry]] = [...journal.data.entries()] as [
      [string, NonNullable<ReturnType<typeof journal.data.get>>],
    ];
    const dayLater = Date.parse(entry.createdAt) + 25 * 3600 * 1000;
    expect(await sweepStaleUploads({ s3, journal, owner: 'bob', now: dayLater })).toBe(0);
    expect(await sweepStaleUploads({ s3, journal, owner: 'alice', now: Date.parse(entry.createdAt) })).toBe(
      0,
    );
    expect(await sweepStaleUploads({ s3, journal, owner: 'alice', now: dayLater })).toBe(1);
    expect(journal.data.has(id)).toBe(false);
    expect(s3.aborted).toHaveLength(1);
  });
});
