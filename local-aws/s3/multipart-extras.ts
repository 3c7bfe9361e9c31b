/**
 * What s3rver 3.7 lacks of S3's multipart API and the app's resumable uploads need: ListParts
 * (`GET ?uploadId`) and AbortMultipartUpload (`DELETE ?uploadId`). It also ties every upload id to the key
 * it was created for, as S3 does: s3rver stores uploads by id alone, so without this check a part or a
 * completion sent to one key with another key's upload id would write to the other key (in S3 it is
 * NoSuchUpload), and IAM, which authorizes the key in the path, would be bypassed.
 *
 * Installed as the outermost Koa middleware, so s3rver's own CORS handling has already run when the
 * router refuses these methods and this middleware answers instead.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface KoaContext {
  params?: Record<string, string>;
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type Next = () => Promise<void>;
export type KoaMiddleware = (ctx: KoaContext, next: Next) => Promise<void>;

interface UploadsStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;

const bucketCors = (require('s3rver/lib/middleware/cors') as () => KoaMiddleware)();

const noSuchUpload = () =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  );

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

function objectPath(path: string): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  if (!match) return undefined;
  try {
    return { bucket: match[1]!, key: decodeURIComponent(match[2]!) };
  } catch {
    return undefined;
  }
}

export function multipartExtras(store: UploadsStore): KoaMiddleware {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    const target = objectPath(ctx.path);
    if (typeof uploadId !== 'string' || !target || ctx.method === 'OPTIONS') return next();
    const uploadDir = join(store.getResourcePath(target.bucket, undefined, 'uploads'), uploadId);
    const storedKey = /^[0-9a-f]{32}$/.test(uploadId)
      ? await readFile(join(uploadDir, 'key'), 'utf8').catch(() => undefined)
      : undefined;
    if (storedKey !== target.key) {
      // The browser must be able to read the refusal, so it carries the bucket's CORS headers.
      ctx.params = { bucket: target.bucket };
      await bucketCors(ctx, async () => {});
      throw noSuchUpload();
    }
    if (ctx.method === 'GET') {
      await next().catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'MethodNotAllowed') throw error;
      });
      ctx.status = 200;
      ctx.type = 'application/xml';
      ctx.body = await listParts(uploadDir, target.bucket, target.key, uploadId);
      return;
    }
    if (ctx.method === 'DELETE') {
      await next().catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'MethodNotAllowed') throw error;
      });
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    return next();
  };
}

async function listParts(uploadDir: string, bucket: string, key: string, uploadId: string): Promise<string> {
  const names = (await readdir(uploadDir)).filter((name) => /^\d+$/.test(name));
  const parts = await Promise.all(
    names.map(async (name) => {
      const [info, md5] = await Promise.all([
        stat(join(uploadDir, name)),
        readFile(join(uploadDir, `${name}.md5`), 'utf8').catch(() => ''),
      ]);
      return { number: Number(name), size: info.size, modified: info.mtime.toISOString(), md5 };
    }),
  );
  // A part still being written has no .md5 yet: it is not a part S3 would list.
  const listed = parts.filter((p) => p.md5 !== '').sort((a, b) => a.number - b.number);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>`,
    '<PartNumberMarker>0</PartNumberMarker>',
    `<NextPartNumberMarker>${listed.at(-1)?.number ?? 0}</NextPartNumberMarker>`,
    '<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>',
    ...listed.map(
      (p) =>
        `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.modified}</LastModified><ETag>"${p.md5}"</ETag><Size>${p.size}</Size></Part>`,
    ),
    '</ListPartsResult>',
  ].join('');
}
