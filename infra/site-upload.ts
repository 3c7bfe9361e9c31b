/**
 * Uploads the static build to the bucket's `site/` prefix with the headers browsers and CDNs need.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RuntimeConfig } from '../src/config/runtime-config.ts';
import { SITE_PREFIX } from '../src/core/access-policy.ts';
import { mapWithConcurrency } from '../src/core/concurrency.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * Vite names every bundled file `assets/<name>-<hash>.<ext>`: its content never changes under that
 * name, so it may be cached for a year. Everything else (index.html, config.json, files copied from
 * `public/`) keeps its name across deploys and must be revalidated, or readers would run a stale app.
 */
export function cacheControlFor(path: string): string {
  return /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9.]+$/.test(path) ? IMMUTABLE : REVALIDATE;
}

export interface SiteFile {
  /** Path relative to the build folder, with `/` separators. */
  path: string;
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** The files to upload: the build, plus the runtime config.json generated for this deployment. */
export async function siteFiles(distDir: string, config: RuntimeConfig): Promise<SiteFile[]> {
  const files: SiteFile[] = [];
  for (const path of await listFiles(distDir)) {
    // A config.json left in dist by a local build must not reach production: ours replaces it.
    if (path === 'config.json') continue;
    files.push({
      path,
      body: await readFile(join(distDir, path)),
      contentType: contentTypeFor(path),
      cacheControl: cacheControlFor(path),
    });
  }
  files.push({
    path: 'config.json',
    body: new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`),
    contentType: 'application/json',
    cacheControl: REVALIDATE,
  });
  return files;
}

export interface SiteUploadOptions {
  s3: Pick<S3Client, 'send'>;
  bucketName: string;
  files: SiteFile[];
  prefix?: string;
  concurrency?: number;
  onFile?: (file: SiteFile) => void;
}

/**
 * Uploads assets first and the entry points (index.html, config.json) last: a reader who loads the
 * site mid-deploy gets either the old index (whose hashed assets are still there, nothing is deleted)
 * or the new one, whose assets are already uploaded. A failed run can simply be repeated.
 */
export async function uploadSite(options: SiteUploadOptions): Promise<{ files: number; bytes: number }> {
  const prefix = options.prefix ?? SITE_PREFIX;
  const isEntry = (file: SiteFile) => file.cacheControl === REVALIDATE;
  const put = (file: SiteFile) =>
    options.s3
      .send(
        new PutObjectCommand({
          Bucket: options.bucketName,
          Key: `${prefix}${file.path}`,
          Body: file.body,
          ContentType: file.contentType,
          CacheControl: file.cacheControl,
        }),
      )
      .then(() => options.onFile?.(file));
  await mapWithConcurrency(
    options.files.filter((f) => !isEntry(f)),
    options.concurrency ?? 8,
    put,
  );
  // index.html last of all, so config.json is in place before the index that loads it.
  const entries = options.files
    .filter(isEntry)
    .sort((a, b) => Number(a.path === 'index.html') - Number(b.path === 'index.html'));
  for (const file of entries) await put(file);
  return {
    files: options.files.length,
    bytes: options.files.reduce((sum, file) => sum + file.body.byteLength, 0),
  };
}
