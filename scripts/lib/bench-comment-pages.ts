/**
 * What reading a post's comments costs, on the local stack: a post seeded with N comments (a few
 * threads with replies), read the old way (the whole `by-post` partition, paged to its end) and the
 * widget's way (listCommentPage: the first page, then "More comments"), with the read capacity
 * DynamoDB reports (ReturnConsumedCapacity TOTAL) against the floor for the bytes the page shows:
 * eventually consistent reads cost half a unit per 4 KB, rounded up per request.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Pluggable } from '@smithy/types';
import { LOCAL_ADMIN_CREDENTIALS } from '../../local-aws/admin.ts';
import type { LocalStack } from '../../local-aws/stack.ts';
import { createAwsClients } from '../../src/aws/client-factory.ts';
import { commentItem, commentRef } from '../../src/core/comment-items.ts';
import { type CommentStore, listCommentPage, queryPostItems } from '../../src/data/comments.ts';
import { itemSize } from '../../src/data/post-rules.ts';

export interface CommentPageFigures {
  comments: number;
  /** The whole thread in Query pages, as the widget read it before. */
  whole: { units: number; calls: number };
  /** The widget's first page: its Query, and the like counts of what it shows (a BatchGetItem). */
  firstPage: { units: number; calls: number; shownBytes: number; floor: number; likeUnits: number };
  /** One "More comments": requests and capacity of its Query. */
  more: { units: number; calls: number; floor: number };
}

/** Half a unit per 4 KB (eventually consistent), at least one unit's worth per request. */
export function readFloor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096)) * 0.5;
}

interface Tally {
  query: { units: number; calls: number };
  other: { units: number; calls: number };
}

function recorder(tally: Tally): Pluggable<object, object> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const input = args.input as Record<string, unknown>;
          const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
          const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce(
            (sum: number, entry) => sum + ((entry as { CapacityUnits?: number })?.CapacityUnits ?? 0),
            0,
          );
          const bucket = context.commandName === 'QueryCommand' ? tally.query : tally.other;
          bucket.units += units;
          bucket.calls++;
          return result;
        },
        { step: 'initialize', name: 'benchCommentCapacity' },
      );
    },
  };
}

export async function measureCommentPages(stack: LocalStack, count: number): Promise<CommentPageFigures> {
  const tally: Tally = { query: { units: 0, calls: 0 }, other: { units: 0, calls: 0 } };
  const clients = createAwsClients({
    region: stack.appConfig.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
    plugins: [recorder(tally)],
  });
  try {
    const store: CommentStore = { documents: clients.documents, tableName: stack.tableName };
    const post = { authorId: 'us-east-1:bench-author', slug: `comment-pages-${count}` };
    const sizes = new Map<string, number>();
    const start = Date.UTC(2026, 0, 1);
    const items: Record<string, unknown>[] = [];
    let root: { ref: string; createdAt: string } | undefined;
    for (let n = 0; n < count; n++) {
      const commenterId = `us-east-1:bench-reader-${n % 17}`;
      const createdAt = new Date(start + n * 60_000).toISOString();
      const commentId = `bench${String(n).padStart(6, '0')}c`;
      // Every fifth comment starts a thread; the four after it reply to it.
      const reply = n % 5 !== 0 && root;
      const item = commentItem({
        post,
        commenterId,
        commenterName: `Reader ${n % 17}`,
        body: `${'A considered reply about the post, with a sentence or two of substance. '.repeat(9)}#${n}`,
        createdAt,
        commentId,
        ...(reply ? { parentRef: reply.ref, parentCreatedAt: reply.createdAt } : {}),
      });
      if (!reply) root = { ref: commentRef({ commenterId, id: commentId }), createdAt };
      sizes.set(commentRef({ commenterId, id: commentId }), itemSize(item));
      items.push(item);
    }
    for (let i = 0; i < items.length; i += 25) {
      await Promise.all(
        items
          .slice(i, i + 25)
          .map((item) => clients.documents.send(new PutCommand({ TableName: stack.tableName, Item: item }))),
      );
    }
    const snapshot = () => ({ query: { ...tally.query }, other: { ...tally.other } });
    let before = snapshot();
    await queryPostItems(store, post);
    const whole = {
      units: tally.query.units - before.query.units,
      calls: tally.query.calls - before.query.calls,
    };

    before = snapshot();
    const first = await listCommentPage(store, post);
    const shownBytes = first.comments.reduce((sum, c) => sum + (sizes.get(commentRef(c)) ?? 0), 0);
    const firstPage = {
      units: tally.query.units - before.query.units,
      calls: tally.query.calls - before.query.calls,
      shownBytes,
      floor: readFloor(shownBytes),
      likeUnits: tally.other.units - before.other.units,
    };
    before = snapshot();
    const second = first.next ? await listCommentPage(store, post, { after: first.next }) : undefined;
    const secondBytes = (second?.comments ?? []).reduce((sum, c) => sum + (sizes.get(commentRef(c)) ?? 0), 0);
    const more = {
      units: tally.query.units - before.query.units,
      calls: tally.query.calls - before.query.calls,
      floor: readFloor(secondBytes),
    };
    return { comments: count, whole, firstPage, more };
  } finally {
    clients.destroy();
  }
}
