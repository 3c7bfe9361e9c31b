/**
 * What the publisher reads from the table to render a scope. Identity always comes from keys (the
 * partition IAM let the writer write), never from attributes the writer chose. Index reads (GSIs)
 * are eventually consistent, so every post the scope names is also read by key with ConsistentRead
 * and patched into the lists: a page rendered right after a write shows that write.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { buildThreads, readPostItems } from '../core/comment-items.ts';
import type { MarkdownRenderer } from '../core/markdown/render.ts';
import { INDEX, KEY, keys, PARTITION_PREFIX, POST_SORT_PREFIX } from '../core/model.ts';
import { summaryFromItem } from '../core/post-items.ts';
import type { PostDetail } from '../core/site/build-site.ts';
import { isSiteTag, type SiteComment, type SitePost } from '../core/site/site-model.ts';
import { queryPostItems } from '../data/comments.ts';

export interface TableReader {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

/** How many empty years the walk back through the feed tolerates before it stops. */
const EMPTY_YEARS_BEFORE_END = 5;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * A published-post item (table or index) as the indexes list it; null if it is not one. The card's
 * fields are core's `summaryFromItem` (author and slug from the keys, a name that disagrees with the
 * partition withheld); the publisher only drops what it will not put on a public page.
 */
export function sitePostFromItem(item: Record<string, unknown>): SitePost | null {
  const pk = text(item[KEY.partition]);
  const sk = text(item[KEY.sort]);
  if (!pk.startsWith(PARTITION_PREFIX.public) || !sk.startsWith(POST_SORT_PREFIX)) return null;
  const summary = summaryFromItem(item);
  if (!summary.title || !summary.publishedAt || Number.isNaN(Date.parse(summary.publishedAt))) return null;
  const { cover, ...rest } = summary;
  return {
    ...rest,
    tags: summary.tags.filter(isSiteTag).slice(0, 5),
    readingMinutes: Math.max(1, Math.round(summary.readingMinutes)),
    updatedAt: text(item.updatedAt) || summary.publishedAt,
    ...(cover && /^https?:\/\//.test(cover) ? { cover } : {}),
  };
}

/** Every published post, from the feed index, year by year back to the first. */
export async function readAllPosts(reader: TableReader, now = new Date()): Promise<SitePost[]> {
  const posts: SitePost[] = [];
  let year = now.getUTCFullYear() + 1; // a clock a little behind the writer's must not miss this year
  let empty = 0;
  while (empty < EMPTY_YEARS_BEFORE_END) {
    let startKey: Record<string, unknown> | undefined;
    let found = 0;
    do {
      const page = await reader.documents.send(
        new QueryCommand({
          TableName: reader.tableName,
          IndexName: INDEX.feed.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': INDEX.feed.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.feedPartition(`${String(year).padStart(4, '0')}-01-01`) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const post = sitePostFromItem(item);
        if (post) posts.push(post);
        found++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    empty = found ? 0 : empty + 1;
    year--;
  }
  return posts;
}

/** One published post by key, strongly consistent, with its body; null if it is not published. */
export async function readPublishedPost(
  reader: TableReader,
  authorId: string,
  slug: string,
): Promise<{ post: SitePost; body: string } | null> {
  const { Item } = await reader.documents.send(
    new GetCommand({
      TableName: reader.tableName,
      Key: keys.published(authorId, slug),
      ConsistentRead: true,
    }),
  );
  const post = Item ? sitePostFromItem(Item) : null;
  return post && Item ? { post, body: text(Item.body) } : null;
}

export interface ProfileRecord {
  authorId: string;
  /** The handle the author asked for (granted or not: see handles.ts). */
  handle: string;
  displayName: string;
  bio: string;
  avatar: string;
  updatedAt: string;
}

export async function readProfiles(
  reader: TableReader,
  authorIds: readonly string[],
): Promise<Map<string, ProfileRecord>> {
  const profiles = new Map<string, ProfileRecord>();
  const ids = [...new Set(authorIds)];
  for (let i = 0; i < ids.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [reader.tableName]: { Keys: ids.slice(i, i + 100).map((id) => keys.profile(id)), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length && attempt < 8; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const result = await reader.documents.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[reader.tableName] ?? []) {
        const authorId = text(item[KEY.partition]).slice(PARTITION_PREFIX.public.length);
        profiles.set(authorId, {
          authorId,
          handle: text(item.handle).toLowerCase(),
          displayName: text(item.displayName).slice(0, 80),
          bio: text(item.bio).slice(0, 300),
          avatar: /^https?:\/\//.test(text(item.avatar)) ? text(item.avatar) : '',
          updatedAt: text(item.updatedAt),
        });
      }
      request = result.UnprocessedKeys as typeof request;
    }
    if (request && Object.keys(request).length) throw new Error('profiles could not be read: throttled');
  }
  return profiles;
}

/** A post's visible comments (hidden ones dropped), rendered by the shared renderer. */
export async function readVisibleComments(
  reader: TableReader,
  authorId: string,
  slug: string,
  render: MarkdownRenderer,
): Promise<SiteComment[]> {
  const items = await queryPostItems(reader, { authorId, slug });
  const threads = buildThreads(readPostItems({ authorId, slug }, items));
  return threads.map((thread) => ({
    id: thread.id,
    commenterName: thread.comment?.commenterName ?? '',
    createdAt: thread.comment?.createdAt ?? thread.replies[0]?.comment.createdAt ?? '',
    bodyHtml: thread.comment ? render(thread.comment.body) : '<p><em>This comment is not shown.</em></p>',
    ...(thread.comment ? {} : { removed: true }),
    replies: thread.replies.map(({ comment }) => ({
      id: comment.id,
      commenterName: comment.commenterName,
      createdAt: comment.createdAt,
      bodyHtml: render(comment.body),
      replies: [],
    })),
  }));
}

/** Everything a post page needs, or null when the post is not (or no longer) published. */
export async function readPostDetail(
  reader: TableReader,
  authorId: string,
  slug: string,
  render: MarkdownRenderer,
): Promise<PostDetail | null> {
  const published = await readPublishedPost(reader, authorId, slug);
  if (!published) return null;
  const comments = await readVisibleComments(reader, authorId, slug, render);
  return { post: published.post, bodyHtml: render(published.body), comments };
}
