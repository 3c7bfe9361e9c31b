import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CannedHttpHandler, type CannedResponse, dynamoError } from '../aws/testing/canned-http.ts';
import { CommentError, getCommentCounts, likeComment, postComment } from './comments.ts';

const TABLE = 'inkwell';
const post = { authorId: 'us-east-1:alice', slug: 'hello' };

function storeWith(responses: CannedResponse[]) {
  const handler = new CannedHttpHandler(responses);
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: handler,
    maxAttempts: 1,
  });
  const sent = () =>
    handler.requests.map((request) => ({
      target: String(request.headers['x-amz-target']).split('.')[1],
      body: JSON.parse(CannedHttpHandler.bodyOf(request)) as Record<string, unknown>,
    }));
  return { store: { documents: DynamoDBDocumentClient.from(client), tableName: TABLE }, sent };
}

describe('getCommentCounts', () => {
  it('reads the counters of a page of posts in one BatchGetItem per 100 posts', async () => {
    const posts = Array.from({ length: 150 }, (_, index) => ({
      authorId: 'us-east-1:alice',
      slug: `p-${index}`,
    }));
    const { store, sent } = storeWith([
      {
        status: 200,
        body: {
          Responses: {
            [TABLE]: [
              { PK: { S: 'N#us-east-1:alice' }, SK: { S: 'P#p-3' }, comments: { N: '4' } },
              // Anyone signed in may SET a counter to a string: its count is unknown, not a number.
              { PK: { S: 'N#us-east-1:alice' }, SK: { S: 'P#p-5' }, comments: { S: 'x' } },
            ],
          },
          UnprocessedKeys: {},
        },
      },
      { status: 200, body: { Responses: { [TABLE]: [] }, UnprocessedKeys: {} } },
    ]);
    const counts = await getCommentCounts(store, posts);
    const requests = sent();
    expect(requests.map((r) => r.target)).toEqual(['BatchGetItem', 'BatchGetItem']);
    const keysOf = (index: number) => {
      const items = requests[index]?.body.RequestItems as Record<string, { Keys: unknown[] }> | undefined;
      return items?.[TABLE]?.Keys.length ?? 0;
    };
    expect([keysOf(0), keysOf(1)]).toEqual([100, 50]);
    expect(counts.get('us-east-1:alice/p-3')).toBe(4);
    expect(counts.get('us-east-1:alice/p-4')).toBe(0);
    expect(counts.has('us-east-1:alice/p-5')).toBe(true);
    expect(counts.get('us-east-1:alice/p-5')).toBeUndefined();
  });
});

describe('likeComment', () => {
  const comment = { id: 'bobcomment01', commenterId: 'us-east-1:bob' };
  const cancelled = (...codes: string[]) => ({
    ...dynamoError('TransactionCanceledException', `Transaction cancelled [${codes.join(', ')}]`),
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: 'Transaction cancelled',
      CancellationReasons: codes.map((Code) => ({ Code })),
    },
  });

  it('writes the marker and ADDs to the comment’s counter in one transaction with a token', async () => {
    const { store, sent } = storeWith([
      { status: 200, body: {} },
      { status: 200, body: { Item: { likes: { N: '7' } } } },
    ]);
    expect(await likeComment(store, 'us-east-1:carol', post, comment)).toBe(7);
    const [transaction, read] = sent();
    expect(transaction?.target).toBe('TransactWriteItems');
    expect(transaction?.body.ClientRequestToken).toMatch(/^[0-9a-f]{32}$/);
    const [put, update] = (transaction?.body.TransactItems ?? []) as Record<
      string,
      Record<string, unknown>
    >[];
    expect(put?.Put).toMatchObject({
      Item: {
        PK: { S: 'U#us-east-1:carol' },
        SK: { S: 'R#us-east-1:alice#hello#us-east-1:bob#bobcomment01' },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
    });
    expect(update?.Update).toMatchObject({
      Key: { PK: { S: 'N#us-east-1:bob' }, SK: { S: 'C#bobcomment01' } },
      UpdateExpression: 'ADD #value :delta',
      ExpressionAttributeNames: { '#value': 'likes' },
      ExpressionAttributeValues: { ':delta': { N: '1' } },
    });
    expect(read?.target).toBe('GetItem');
    expect(read?.body.ConsistentRead).toBe(true);
  });

  it('counts nothing, and is no error, when the user already likes it', async () => {
    const { store, sent } = storeWith([
      cancelled('ConditionalCheckFailed', 'None'),
      { status: 200, body: { Item: { likes: { N: '3' } } } },
    ]);
    expect(await likeComment(store, 'us-east-1:carol', post, comment)).toBe(3);
    expect(sent().map((r) => r.target)).toEqual(['TransactWriteItems', 'GetItem']);
  });

  it('still likes when someone made the counter a string, and reads that counter as absent', async () => {
    const { store, sent } = storeWith([
      cancelled('None', 'ValidationError'),
      { status: 200, body: {} },
      { status: 200, body: { Item: { likes: { S: 'x' } } } },
    ]);
    expect(await likeComment(store, 'us-east-1:carol', post, comment)).toBe(0);
    const [, alone] = sent();
    expect(alone?.body.TransactItems).toHaveLength(1);
    expect(alone?.body.TransactItems).toMatchObject([{ Put: { Item: { PK: { S: 'U#us-east-1:carol' } } } }]);
  });

  it('retries a transaction that conflicted with another on the same counter', async () => {
    const { store, sent } = storeWith([
      cancelled('None', 'TransactionConflict'),
      { status: 200, body: {} },
      { status: 200, body: { Item: { likes: { N: '2' } } } },
    ]);
    expect(await likeComment(store, 'us-east-1:carol', post, comment)).toBe(2);
    expect(sent().map((r) => r.target)).toEqual(['TransactWriteItems', 'TransactWriteItems', 'GetItem']);
  });

  it('turns IAM refusals into a typed error', async () => {
    const { store } = storeWith([dynamoError('AccessDeniedException', 'not authorized')]);
    const error = await likeComment(store, 'us-east-1:carol', post, comment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommentError);
    expect(error).toMatchObject({ code: 'access-denied' });
  });
});

describe('postComment', () => {
  const input = {
    post,
    commenterId: 'us-east-1:bob',
    commenterName: 'Bob',
    body: 'Hello',
    attempt: { commentId: 'bobcomment01', createdAt: '2026-11-26T10:00:00.000Z' },
  };

  it('reports a stored comment as stored although the counter update fails', async () => {
    const { store, sent } = storeWith([
      { status: 200, body: {} },
      dynamoError('ValidationException', 'An operand in the update expression has an incorrect data type'),
    ]);
    const comment = await postComment(store, input);
    expect(comment).toMatchObject({ id: 'bobcomment01', commenterId: 'us-east-1:bob', body: 'Hello' });
    const [put, count] = sent();
    expect(put?.body).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(count?.target).toBe('TransactWriteItems');
  });

  it('recognises its own earlier put (a lost reply, a retry) as success, and counts with one token', async () => {
    const stored = {
      PK: { S: 'U#us-east-1:bob' },
      SK: { S: 'C#us-east-1:alice#hello#2026-11-26T10:00:00.000Z#bobcomment01' },
      type: { S: 'comment' },
      postRef: { S: 'us-east-1:alice/hello' },
      commentId: { S: 'bobcomment01' },
      commenterName: { S: 'Bob' },
      body: { S: 'Hello' },
      createdAt: { S: '2026-11-26T10:00:00.000Z' },
    };
    const failed = dynamoError('ConditionalCheckFailedException', 'The conditional request failed');
    const { store, sent } = storeWith([
      { status: 200, body: {} },
      { status: 200, body: {} },
      { ...failed, body: { ...(failed.body as object), Item: stored } },
      { status: 200, body: {} },
    ]);
    const first = await postComment(store, input);
    const again = await postComment(store, input);
    expect(again).toEqual(first);
    const requests = sent();
    expect(requests.map((r) => r.target)).toEqual([
      'PutItem',
      'TransactWriteItems',
      'PutItem',
      'TransactWriteItems',
    ]);
    // The same comment counts with the same token: DynamoDB applies it once.
    expect(requests[3]?.body.ClientRequestToken).toBe(requests[1]?.body.ClientRequestToken);
  });
});
