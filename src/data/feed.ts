import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX, KEY, keys } from '../core/model.ts';
import { type PostSummary, summaryFromItem } from '../core/post-items.ts';
import { fromBase64Url, InvalidCursorError, toBase64Url } from './cursor.ts';

export type { PostSummary } from '../core/post-items.ts';
export { InvalidCursorError } from './cursor.ts';

export interface FeedPage {
  posts: PostSummary[];
  /** Opaque, URL-safe; pass back to get the next page. Absent on the last page. */
  next?: string;
}

interface FeedCursor {
  /** The year partition to continue in, YYYY. */
  m: string;
  /** DynamoDB's LastEvaluatedKey within that year, if the year was not finished. */
  k?: Record<string, string>;
}

/** How many empty years back the feed looks before it decides there are no more posts. */
const EMPTY_YEARS_BEFORE_END = 5;

export function encodeCursor(cursor: FeedCursor): string {
  return toBase64Url(cursor);
}

const FEED_KEY_ATTRIBUTES: readonly string[] = [
  KEY.partition,
  KEY.sort,
  INDEX.feed.partitionKey,
  INDEX.feed.sortKey,
];

export function decodeCursor(text: string): FeedCursor {
  const cursor = fromBase64Url(text) as Partial<FeedCursor> | null;
  if (typeof cursor !== 'object' || cursor === null || typeof cursor.m !== 'string')
    throw new InvalidCursorError();
  if (!/^\d{4}$/.test(cursor.m)) throw new InvalidCursorError();
  if (cursor.k !== undefined) {
    const entries = Object.entries(cursor.k as Record<string, unknown>);
    const valid =
      entries.length === FEED_KEY_ATTRIBUTES.length &&
      entries.every(([name, value]) => FEED_KEY_ATTRIBUTES.includes(name) && typeof value === 'string') &&
      cursor.k[INDEX.feed.partitionKey] === keys.feedPartition(`${cursor.m}-01-01`);
    if (!valid) throw new InvalidCursorError();
  }
  return cursor as FeedCursor;
}

export function previousYear(year: string): string {
  return String(Number(year) - 1).padStart(4, '0');
}

/**
 * The site-wide feed, newest first. Published posts are spread over one feed partition per year
 * (see docs/data-model.md), so a page walks years backwards until it has `limit` posts.
 */
export async function listFeed(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { limit?: number; cursor?: string; now?: Date } = {},
): Promise<FeedPage> {
  const limit = options.limit ?? 20;
  const start: FeedCursor = options.cursor
    ? decodeCursor(options.cursor)
    : { m: (options.now ?? new Date()).toISOString().slice(0, 4) };
  const posts: PostSummary[] = [];
  let year = start.m;
  let startKey = start.k;
  let emptyYears = 0;
  while (posts.length < limit && emptyYears < EMPTY_YEARS_BEFORE_END) {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.feed.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': INDEX.feed.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.feedPartition(`${year}-01-01`) },
        ScanIndexForward: false,
        Limit: limit - posts.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = result.Items ?? [];
    posts.push(...items.map(toSummary).filter((post) => post.authorId !== ''));
    if (result.LastEvaluatedKey) {
      if (posts.length >= limit) {
        return {
          posts,
          next: encodeCursor({ m: year, k: result.LastEvaluatedKey as Record<string, string> }),
        };
      }
      startKey = result.LastEvaluatedKey as Record<string, string>;
      continue;
    }
    emptyYears = items.length ? 0 : emptyYears + 1;
    year = previousYear(year);
    startKey = undefined;
  }
  return posts.length >= limit && emptyYears < EMPTY_YEARS_BEFORE_END
    ? { posts, next: encodeCursor({ m: year }) }
    : { posts };
}

/**
 * An index item to the summary a card shows. Who wrote it comes from the item's partition, never its
 * attributes (authorOfItem in src/core/post-items.ts); an item in no author's partition has
 * `authorId: ''` and is not shown.
 */
export function toSummary(item: object): PostSummary {
  return summaryFromItem(item as Record<string, unknown>);
}
