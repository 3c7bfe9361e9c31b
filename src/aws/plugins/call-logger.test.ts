import {
  BatchGetItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ActivityLog } from '../activity-log.ts';
import { RefreshingCredentials } from '../refreshing-credentials.ts';
import { CannedHttpHandler, type CannedResponse, dynamoError } from '../testing/canned-http.ts';
import { getCallLoggerPlugin } from './call-logger.ts';
import { getExpiredCredentialsRetryPlugin } from './expired-credentials-retry.ts';

function setup(responses: CannedResponse[]) {
  const handler = new CannedHttpHandler(responses);
  const log = new ActivityLog(10);
  let issued = 0;
  const credentials = new RefreshingCredentials({
    source: async () => ({
      accessKeyId: `ASIAKEY${++issued}`,
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(Date.now() + 3600_000),
    }),
  });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.test',
    credentials: credentials.provider,
    requestHandler: handler,
  });
  // The order createAwsClients uses.
  client.middlewareStack.use(getCallLoggerPlugin({ log, console: null }));
  client.middlewareStack.use(getExpiredCredentialsRetryPlugin(credentials));
  const sentBodies = () =>
    handler.requests.map(
      (request) => JSON.parse(CannedHttpHandler.bodyOf(request)) as Record<string, unknown>,
    );
  return { client, log, handler, sentBodies };
}

const query: QueryCommandInput = {
  TableName: 'inkwell',
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': { S: 'PUBLIC#feed' } },
};

describe('call logger plugin', () => {
  it('records service, operation, attempts and consumed capacity, and asks DynamoDB for the capacity', async () => {
    const { client, log, sentBodies } = setup([
      {
        status: 200,
        body: { Items: [], Count: 0, ConsumedCapacity: { TableName: 'inkwell', CapacityUnits: 0.5 } },
      },
    ]);
    const input = { ...query };

    await client.send(new QueryCommand(input));

    expect(sentBodies()[0]).toMatchObject({ ReturnConsumedCapacity: 'TOTAL' });
    expect(input).not.toHaveProperty('ReturnConsumedCapacity');
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({
      service: 'DynamoDB',
      operation: 'Query',
      attempts: 1,
      totalRetryDelayMs: 0,
      consumedCapacity: 0.5,
      throttled: false,
      credentialsRefreshed: false,
      httpStatus: 200,
      requestId: 'req-1',
    });
    expect(log.entries[0]?.errorCode).toBeUndefined();
    expect(log.entries[0]?.ms).toBeGreaterThanOrEqual(0);
  });

  it('keeps a ReturnConsumedCapacity the caller chose, and leaves other operations alone', async () => {
    const { client, sentBodies } = setup([
      { status: 200, body: {} },
      { status: 200, body: { Table: { TableName: 'inkwell' } } },
    ]);

    await client.send(
      new PutItemCommand({ TableName: 'inkwell', Item: { pk: { S: 'x' } }, ReturnConsumedCapacity: 'NONE' }),
    );
    await client.send(new DescribeTableCommand({ TableName: 'inkwell' }));

    expect(sentBodies()[0]).toMatchObject({ ReturnConsumedCapacity: 'NONE' });
    expect(sentBodies()[1]).not.toHaveProperty('ReturnConsumedCapacity');
  });

  it('sums capacity over the tables of a batch', async () => {
    const { client, log } = setup([
      {
        status: 200,
        body: {
          Responses: {},
          ConsumedCapacity: [
            { TableName: 'a', CapacityUnits: 1 },
            { TableName: 'b', CapacityUnits: 2.5 },
          ],
        },
      },
    ]);

    await client.send(new BatchGetItemCommand({ RequestItems: { a: { Keys: [{ pk: { S: '1' } }] } } }));

    expect(log.entries[0]).toMatchObject({ operation: 'BatchGetItem', consumedCapacity: 3.5 });
  });

  it('records error codes and status of failed calls', async () => {
    const { client, log } = setup([
      dynamoError('ConditionalCheckFailedException', 'The conditional request failed'),
    ]);

    await expect(
      client.send(new PutItemCommand({ TableName: 'inkwell', Item: { pk: { S: 'x' } } })),
    ).rejects.toThrow();

    expect(log.entries[0]).toMatchObject({
      operation: 'PutItem',
      errorCode: 'ConditionalCheckFailedException',
      httpStatus: 400,
      attempts: 1,
      throttled: false,
    });
  });

  it('marks a call throttled on one attempt and successful on the next, with its attempts and backoff', async () => {
    const { client, log } = setup([
      dynamoError('ProvisionedThroughputExceededException', 'slow down'),
      {
        status: 200,
        body: { Items: [], Count: 0, ConsumedCapacity: { TableName: 'inkwell', CapacityUnits: 1 } },
      },
    ]);

    await client.send(new QueryCommand(query));

    const [entry] = log.entries;
    expect(entry).toMatchObject({ operation: 'Query', attempts: 2, throttled: true, consumedCapacity: 1 });
    expect(entry?.errorCode).toBeUndefined();
    expect(entry?.totalRetryDelayMs).toBeGreaterThan(0);
  });

  it('counts a retry with refreshed credentials as one call with both attempts', async () => {
    const { client, log, handler } = setup([
      dynamoError('ExpiredTokenException', 'The security token included in the request is expired'),
      { status: 200, body: { Items: [], Count: 0 } },
    ]);

    await client.send(new QueryCommand(query));

    expect(handler.requests.map(CannedHttpHandler.accessKeyOf)).toEqual(['ASIAKEY1', 'ASIAKEY2']);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ attempts: 2, credentialsRefreshed: true });
  });

  it('keeps only the last N entries and notifies subscribers', async () => {
    const responses = Array.from({ length: 12 }, () => ({ status: 200, body: { Items: [], Count: 0 } }));
    const { client, log } = setup(responses);
    const seen: number[] = [];
    const unsubscribe = log.subscribe((entries) => seen.push(entries.length));

    for (let i = 0; i < 12; i++) await client.send(new QueryCommand(query));
    unsubscribe();

    expect(log.entries).toHaveLength(10);
    expect(log.entries[0]?.id).toBe(3);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]);
  });
});
