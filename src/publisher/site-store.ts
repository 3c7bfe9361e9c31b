/**
 * The bucket's `pages/` prefix, as the publisher sees it: put, delete, and its manifest (what it last
 * wrote, by content hash), so a render writes only the objects whose bytes changed.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SiteObject } from '../core/site/build-site.ts';
import { PUBLISHER_STATE_PREFIX } from '../core/site/paths.ts';
import type { HandleRegistry } from './handles.ts';

/** The publisher's own state, outside `pages/` so the CDN never serves it. */
export const MANIFEST_KEY = `${PUBLISHER_STATE_PREFIX}manifest.json`;

export interface Manifest extends HandleRegistry {
  version: 1;
  /** key → hash of what was last written there. */
  objects: Record<string, string>;
  /** author → the name and handle their pages were last rendered with (a change re-renders them all). */
  rendered: Record<string, string>;
  /** `<authorId>/<slug>` → visible comments, as last rendered on the post's page (cards show it). */
  commentCounts: Record<string, number>;
}

export function emptyManifest(): Manifest {
  return { version: 1, objects: {}, claims: {}, history: {}, rendered: {}, commentCounts: {} };
}

export function objectHash(object: SiteObject): string {
  return createHash('sha256')
    .update(object.contentType)
    .update('\0')
    .update(object.cacheControl)
    .update('\0')
    .update(object.body)
    .digest('base64url');
}

export interface SiteStore {
  loadManifest(): Promise<Manifest>;
  saveManifest(manifest: Manifest): Promise<void>;
  put(object: SiteObject): Promise<void>;
  delete(key: string): Promise<void>;
}

export function s3SiteStore(s3: Pick<S3Client, 'send'>, bucket: string): SiteStore {
  return {
    async loadManifest() {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: MANIFEST_KEY }));
        const parsed = JSON.parse((await result.Body?.transformToString()) ?? '{}') as Partial<Manifest>;
        return { ...emptyManifest(), ...parsed, version: 1 };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
          return emptyManifest();
        throw error;
      }
    },
    async saveManifest(manifest) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: MANIFEST_KEY,
          Body: JSON.stringify(manifest),
          ContentType: 'application/json',
          CacheControl: 'no-store',
        }),
      );
    },
    async put(object) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          CacheControl: object.cacheControl,
        }),
      );
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
