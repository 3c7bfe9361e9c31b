import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3Server, startS3Server } from './s3-server.ts';

let dir: string;
let server: S3Server;
let s3: S3Client;
const Bucket = 'extras';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inkwell-s3-extras-'));
  server = await startS3Server({ port: await freePort(), dataDir: dir });
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('multipart extras on s3rver', () => {
  it('lists the parts of an upload, which then completes', async () => {
    const Key = 'public/alice/assets/a.png';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'hello ' }),
    );
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: 'world' }));
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 6],
      [2, 5],
    ]);
    expect(listed.Parts?.[0]?.ETag).toBe(part.ETag);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: listed.Parts!.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
      }),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(await object.Body?.transformToString()).toBe('hello world');
  });

  it('aborts an upload: its parts are gone', async () => {
    const Key = 'public/alice/assets/b.png';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'x' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    await expect(s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
  });

  it("refuses an upload id on any key but its own, so parts cannot land in another key's upload", async () => {
    const Key = 'public/alice/assets/c.png';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const other = { Bucket, Key: 'public/bob/assets/c.png', UploadId };
    const noSuchUpload = { name: 'NoSuchUpload' };
    await expect(
      s3.send(new UploadPartCommand({ ...other, PartNumber: 1, Body: 'x' })),
    ).rejects.toMatchObject(noSuchUpload);
    await expect(s3.send(new ListPartsCommand(other))).rejects.toMatchObject(noSuchUpload);
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ ...other, MultipartUpload: { Parts: [] } })),
    ).rejects.toMatchObject(noSuchUpload);
    await expect(s3.send(new AbortMultipartUploadCommand(other))).rejects.toMatchObject(noSuchUpload);
    await expect(s3.send(new ListPartsCommand({ Bucket, Key, UploadId: '../../etc' }))).rejects.toMatchObject(
      noSuchUpload,
    );
  });
});
