import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CannedHttpHandler, type CannedResponse, dynamoError } from '../aws/testing/canned-http.ts';
import { CommentError, getCommentCounts, likeComment } from './comments.ts';

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
            [TABLE]: [{ PK: { S: 'N#us-east-1:alice' }, SK: { S: 'P#p-3' }, comments: { N: '4' } }],
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
  });
});

describe('likeComment', () => {
  const comment = { id: 'bobcomment01', commenterId: 'us-east-1:bob' };

  it('marks the like in the liker’s partition, then ADDs to the comment’s counter', async () => {
    const { store, sent } = storeWith([
      { status: 200, body: {} },
      { status: 200, body: { Attributes: { likes: { N: '7' } } } },
    ]);
    expect(await likeComment(store, 'us-east-1:carol', post, comment)).toBe(7);
    const [put, update] = sent();
    expect(put?.target).toBe('PutItem');
    expect(put?.body.Item).toMatchObject({
      PK: { S: 'U#us-east-1:carol' },
      SK: { S: 'R#us-east-1:alice#hello#bobcomment01' },
    });
    expect(put?.body.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(update?.target).toBe('UpdateItem');
    expect(update?.body).toMatchObject({
      Key: { PK: { S: 'N#us-east-1:bob' }, SK: { S: 'C#bobcomment01' } },
      UpdateExpression: 'ADD #value :delta',
      ExpressionAttributeNames: { '#value': 'likes' },
      ExpressionAttributeValues: { ':delta': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('counts nothing when the user already likes it', async () => {
    const { store, sent } = storeWith([dynamoError('ConditionalCheckFailedException', 'exists')]);
    await expect(likeComment(store, 'us-east-1:carol', post, comment)).rejects.toMatchObject({
      code: 'already-liked',
    });
    expect(sent()).toHaveLength(1);
  });

  it('turns IAM refusals into a typed error', async () => {
    const { store } = storeWith([dynamoError('AccessDeniedException', 'not authorized')]);
    const error = await likeComment(store, 'us-east-1:carol', post, comment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommentError);
    expect(error).toMatchObject({ code: 'access-denied' });
  });
});
