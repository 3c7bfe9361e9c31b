/**
 * The fault decisions are pure: a spec and a seed give the same faults every run. The error bodies are
 * right when the real SDK clients turn them into the exceptions AWS's own errors become (and retry the
 * ones the SDK retries).
 */
import { DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import {
  dynamoFaultResponse,
  FaultInjector,
  type FaultResponse,
  faultApplies,
  parseFaultSpec,
  pickFault,
  s3FaultResponse,
  s3Operation,
  seededRandom,
} from './faults.ts';

describe('parseFaultSpec', () => {
  it('reads rates, latency and seed', () => {
    expect(
      parseFaultSpec('throttle:0.1,error5xx:0.05,drop:0.05,conflict:0.1,latency:20-300,seed:42'),
    ).toEqual({
      rates: { throttle: 0.1, error5xx: 0.05, drop: 0.05, conflict: 0.1 },
      latency: { min: 20, max: 300 },
      seed: 42,
    });
    expect(parseFaultSpec('on', 7)).toEqual({
      rates: { throttle: 0, error5xx: 0, drop: 0, conflict: 0 },
      seed: 7,
    });
    expect(parseFaultSpec('latency:50', 1).latency).toEqual({ min: 50, max: 50 });
  });

  it('refuses what it cannot honour, saying what is wrong', () => {
    expect(() => parseFaultSpec('throttle:2')).toThrow(/between 0 and 1/);
    expect(() => parseFaultSpec('throttle:0.6,drop:0.6')).toThrow(/add up to 1.2/);
    expect(() => parseFaultSpec('explode:0.1')).toThrow(/unknown "explode"/);
    expect(() => parseFaultSpec('latency:300-20')).toThrow(/below the minimum/);
    expect(() => parseFaultSpec('seed:x')).toThrow(/whole number/);
  });
});

describe('s3Operation', () => {
  it('names the calls the app makes, for rules to match', () => {
    expect(s3Operation('PUT', '/b/public/k.png', '')).toBe('PutObject');
    expect(s3Operation('PUT', '/b/public/k.png', 'partNumber=2&uploadId=u')).toBe('UploadPart');
    expect(s3Operation('POST', '/b/public/k.png', 'uploads')).toBe('CreateMultipartUpload');
    expect(s3Operation('POST', '/b/public/k.png', 'uploadId=u')).toBe('CompleteMultipartUpload');
    expect(s3Operation('DELETE', '/b/public/k.png', 'uploadId=u')).toBe('AbortMultipartUpload');
    expect(s3Operation('GET', '/b/public/k.png', 'uploadId=u')).toBe('ListParts');
    expect(s3Operation('GET', '/b', 'list-type=2&prefix=public/')).toBe('ListObjectsV2');
    expect(s3Operation('HEAD', '/b/public/k.png', '')).toBe('HeadObject');
    expect(s3Operation('DELETE', '/b/public/k.png', '')).toBe('DeleteObject');
  });
});

describe('FaultInjector', () => {
  const request = { service: 'dynamodb' as const, operation: 'UpdateItem' };

  it('replays the same decisions for the same seed', () => {
    const spec = 'throttle:0.1,error5xx:0.05,drop:0.05,conflict:0.1,latency:20-300,seed:42';
    const run = () => {
      const faults = new FaultInjector(parseFaultSpec(spec));
      return Array.from({ length: 200 }, () => faults.decide(request));
    };
    const first = run();
    expect(run()).toEqual(first);
    for (const decision of first) {
      expect(decision.delayMs).toBeGreaterThanOrEqual(20);
      expect(decision.delayMs).toBeLessThanOrEqual(300);
    }
  });

  it('injects each fault at about its rate', () => {
    const faults = new FaultInjector(
      parseFaultSpec('throttle:0.1,error5xx:0.05,drop:0.05,conflict:0.1,seed:1'),
    );
    for (let i = 0; i < 20_000; i++) faults.decide(request);
    const { injected, requests } = faults.stats;
    expect(requests).toBe(20_000);
    expect(injected.throttle / requests).toBeCloseTo(0.1, 1);
    expect(injected.error5xx / requests).toBeCloseTo(0.05, 1);
    expect(injected.drop / requests).toBeCloseTo(0.05, 1);
    expect(injected.conflict / requests).toBeCloseTo(0.1, 1);
  });

  it('raises conflicts only where AWS can: DynamoDB writes and transactions, never S3 or reads', () => {
    expect(faultApplies('conflict', { service: 'dynamodb', operation: 'TransactWriteItems' })).toBe(true);
    expect(faultApplies('conflict', { service: 'dynamodb', operation: 'PutItem' })).toBe(true);
    expect(faultApplies('conflict', { service: 'dynamodb', operation: 'Query' })).toBe(false);
    expect(faultApplies('conflict', { service: 's3', operation: 'PutObject' })).toBe(false);
    const faults = new FaultInjector(parseFaultSpec('conflict:1,seed:3'));
    expect(faults.decide({ service: 'dynamodb', operation: 'Query' }).fault).toBeUndefined();
    expect(faults.decide({ service: 's3', operation: 'PutObject' }).fault).toBeUndefined();
    expect(faults.decide({ service: 'dynamodb', operation: 'PutItem' }).fault).toBe('conflict');
  });

  it('gives exempt calls (the admin key, unsigned reads) no random faults and no latency, but the faults it asks for', () => {
    const faults = new FaultInjector(parseFaultSpec('throttle:1,latency:100-200,seed:3'));
    expect(faults.decide({ ...request, exempt: true })).toMatchObject({ delayMs: 0 });
    expect(faults.stats).toMatchObject({ requests: 1, eligible: 0 });
    expect(faults.decide({ ...request, exempt: true }).fault).toBeUndefined();
    expect(faults.decide({ ...request, exempt: true, header: 'drop' }).fault).toBe('drop');
  });

  it('applies the per-request header, and queued rules in order, before random faults', () => {
    const faults = new FaultInjector(parseFaultSpec('on,seed:5'));
    expect(faults.decide({ ...request, header: 'throttle' }).fault).toBe('throttle');
    faults.addRules([
      { service: 'dynamodb', operation: 'UpdateItem', fault: 'drop', times: 2 },
      { service: 's3', fault: 'error5xx' },
    ]);
    expect(faults.decide({ service: 'dynamodb', operation: 'GetItem' }).fault).toBeUndefined();
    expect(faults.decide(request).fault).toBe('drop');
    expect(faults.decide({ service: 's3', operation: 'PutObject' }).fault).toBe('error5xx');
    expect(faults.decide(request).fault).toBe('drop');
    expect(faults.decide(request).fault).toBeUndefined();
    expect(faults.pendingRules).toBe(0);
    expect(faults.stats.injected).toEqual({ throttle: 1, error5xx: 1, drop: 2, conflict: 0 });
    expect(() => faults.addRules([{ fault: 'boom' as 'drop' }])).toThrow(/unknown fault/);
  });

  it('pickFault walks the cumulative rates in a fixed order', () => {
    const rates = { throttle: 0.1, error5xx: 0.1, drop: 0.1, conflict: 0.1 };
    expect(pickFault(rates, 0.05)).toBe('throttle');
    expect(pickFault(rates, 0.15)).toBe('error5xx');
    expect(pickFault(rates, 0.25)).toBe('conflict');
    expect(pickFault(rates, 0.35)).toBe('drop');
    expect(pickFault(rates, 0.45)).toBeUndefined();
    const random = seededRandom(9);
    for (let i = 0; i < 1000; i++) {
      const x = random();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

/** An HTTP handler answering every attempt with `response`, counting the attempts. */
function answering(response: FaultResponse) {
  const handler = {
    attempts: 0,
    async handle() {
      handler.attempts += 1;
      const body = new TextEncoder().encode(response.body);
      return { response: new HttpResponse({ statusCode: response.status, headers: response.headers, body }) };
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs() {
      return {};
    },
  };
  return handler;
}

const settings = (handler: ReturnType<typeof answering>) => ({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 2,
  requestHandler: handler,
});

async function thrownBy(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail');
}

const update = new UpdateItemCommand({
  TableName: 't',
  Key: { PK: { S: 'a' } },
  UpdateExpression: 'SET x = :x',
  ExpressionAttributeValues: { ':x': { S: '1' } },
});

describe('fault responses, as the SDK reads them', () => {
  it('DynamoDB throttling: both exceptions, status 400, retried by the SDK', async () => {
    for (const [draw, name] of [
      [0.1, 'ProvisionedThroughputExceededException'],
      [0.9, 'ThrottlingException'],
    ] as const) {
      const handler = answering(dynamoFaultResponse('throttle', 'UpdateItem', { draw, requestId: 'r1' }));
      const error = await thrownBy(new DynamoDBClient(settings(handler)).send(update));
      expect(error.name).toBe(name);
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
      expect(handler.attempts).toBe(2);
    }
  });

  it('DynamoDB 500 InternalServerError, retried', async () => {
    const handler = answering(dynamoFaultResponse('error5xx', 'UpdateItem', { draw: 0, requestId: 'r2' }));
    const error = await thrownBy(new DynamoDBClient(settings(handler)).send(update));
    expect(error.name).toBe('InternalServerError');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
    expect(handler.attempts).toBe(2);
  });

  it('DynamoDB conflicts: TransactionConflictException for one item, a cancellation reason in a transaction', async () => {
    const single = answering(dynamoFaultResponse('conflict', 'UpdateItem', { draw: 0, requestId: 'r3' }));
    const error = await thrownBy(new DynamoDBClient(settings(single)).send(update));
    expect(error.name).toBe('TransactionConflictException');
    expect(single.attempts).toBe(1);

    const transaction = answering(
      dynamoFaultResponse('conflict', 'TransactWriteItems', { draw: 0.5, transactItems: 3, requestId: 'r4' }),
    );
    const cancelled = await thrownBy(
      new DynamoDBClient(settings(transaction)).send(
        new TransactWriteItemsCommand({
          TransactItems: [1, 2, 3].map((n) => ({
            Put: { TableName: 't', Item: { PK: { S: String(n) } } },
          })),
        }),
      ),
    );
    expect(cancelled.name).toBe('TransactionCanceledException');
    expect(cancelled.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
      { Code: 'None' },
    ]);
    expect(cancelled.message).toMatch(/\[None, TransactionConflict, None\]/);
  });

  it('S3: 503 SlowDown and 500 InternalError in S3’s XML, both retried', async () => {
    for (const [fault, name, status] of [
      ['throttle', 'SlowDown', 503],
      ['error5xx', 'InternalError', 500],
    ] as const) {
      const handler = answering(s3FaultResponse(fault, '/bucket/key', 'r5'));
      const error = await thrownBy(
        new S3Client({ ...settings(handler), forcePathStyle: true }).send(
          new PutObjectCommand({ Bucket: 'bucket', Key: 'key', Body: 'x' }),
        ),
      );
      expect(error.name).toBe(name);
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(status);
      expect(handler.attempts).toBe(2);
    }
  });
});
