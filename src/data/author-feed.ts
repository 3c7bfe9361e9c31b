/**
 * The author's Atom feed in the bucket, rewritten on publish, unpublish and delete. A module of its own,
 * loaded on demand, so S3 PutObject is not in the code every reader downloads.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buildAtomFeed } from '../core/site/atom-feed.ts';
import { authorFeedKey, listAuthorPosts, type PostStore, type SiteOptions } from './posts.ts';

/**
 * Rewrites the author's Atom feed from their latest published posts. A failure here does not undo a
 * publish: it is reported (false) so the editor can say the feed is behind.
 */
export async function writeAuthorFeed(
  store: PostStore,
  authorId: string,
  authorName: string,
  options: SiteOptions = {},
): Promise<boolean> {
  if (!store.s3 || !store.bucketName) return false;
  try {
    const { posts } = await listAuthorPosts(store, authorId, { limit: 20 });
    const siteUrl =
      options.siteUrl ?? (typeof location === 'undefined' ? 'http://localhost' : location.origin);
    const key = authorFeedKey(authorId);
    const xml = buildAtomFeed({
      siteUrl,
      authorId,
      authorName,
      feedUrl: `${store.assetBaseUrl ?? `${siteUrl}/`}${key.split('/').map(encodeURIComponent).join('/')}`,
      updated: (options.now ?? new Date()).toISOString(),
      posts,
    });
    await store.s3.send(
      new PutObjectCommand({
        Bucket: store.bucketName,
        Key: key,
        Body: xml,
        ContentType: 'application/atom+xml; charset=utf-8',
        CacheControl: 'max-age=60',
      }),
    );
    return true;
  } catch (error) {
    console.warn('Atom feed not updated', error);
    return false;
  }
}
