import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketCorsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { INDEX } from '../src/core/model.ts';
import { LOCAL_ADMIN_CREDENTIALS } from './admin.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

const ports = { gateway: 0, oidc: 0, dynamodb: 0, s3: 0 };
const appOrigins = ['http://127.0.0.1:5999'];

describe('the local stack through its gateway', () => {
  let dataDir: string;
  let stack: LocalStack;
  const admin = () =>
    createAwsClients({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      credentials: LOCAL_ADMIN_CREDENTIALS,
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'inkwell-stack-test-'));
    stack = await startLocalStack({ dataDir, ports, appOrigins });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('provisions the table with the data model indexes and the bucket with CORS for the app only', async () => {
    const clients = admin();
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: stack.tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      [INDEX.byPost.name, INDEX.byTag.name, INDEX.feed.name].sort(),
    );
    expect(Table?.LocalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([INDEX.byDate.name]);
    const cors = await clients.s3.send(new GetBucketCorsCommand({ Bucket: stack.bucketName }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(appOrigins);
    expect(cors.CORSRules?.[0]?.ExposeHeaders).toContain('ETag');
    clients.destroy();
  });

  it('writes and reads DynamoDB and S3 with the SDK, and the data survives a restart', async () => {
    let clients = admin();
    await clients.documents.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: { PK: 'U#test', SK: 'PROFILE', name: 'Test User' },
      }),
    );
    const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    await clients.s3.send(
      new PutObjectCommand({ Bucket: stack.bucketName, Key: 'public/test/blob.bin', Body: body }),
    );
    clients.destroy();

    await stack.stop();
    stack = await startLocalStack({ dataDir, ports, appOrigins });
    clients = admin();

    const { Item } = await clients.documents.send(
      new GetCommand({ TableName: stack.tableName, Key: { PK: 'U#test', SK: 'PROFILE' } }),
    );
    expect(Item?.name).toBe('Test User');
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: stack.bucketName, Key: 'public/test/blob.bin' }),
    );
    const bytes = await object.Body?.transformToByteArray();
    expect(bytes?.length).toBe(body.length);
    expect(Buffer.from(bytes ?? []).equals(Buffer.from(body))).toBe(true);
    clients.destroy();
  });

  it('stores a streamed upload with the SDK default checksums intact (aws-chunked decoded)', async () => {
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      credentials: LOCAL_ADMIN_CREDENTIALS,
    });
    // A client with the SDK's default checksum behaviour sends aws-chunked bodies for streams.
    const { S3Client } = await import('@aws-sdk/client-s3');
    const { Readable } = await import('node:stream');
    const defaultS3 = new S3Client({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      forcePathStyle: true,
      credentials: LOCAL_ADMIN_CREDENTIALS,
    });
    const text = 'chunked body '.repeat(5000);
    await defaultS3.send(
      new PutObjectCommand({
        Bucket: stack.bucketName,
        Key: 'public/test/chunked.txt',
        Body: Readable.from([Buffer.from(text)]),
        ContentLength: Buffer.byteLength(text),
      }),
    );
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: stack.bucketName, Key: 'public/test/chunked.txt' }),
    );
    expect(await object.Body?.transformToString()).toBe(text);
    defaultS3.destroy();
    clients.destroy();
  });

  it('refuses unsigned and wrongly signed calls before they reach DynamoDB', async () => {
    const unsigned = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('MissingAuthenticationToken');

    const forged = createAwsClients({
      region: 'us-east-1',
      endpoint: stack.gatewayUrl,
      credentials: { accessKeyId: LOCAL_ADMIN_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong-secret' },
    });
    await expect(
      forged.documents.send(
        new GetCommand({ TableName: stack.tableName, Key: { PK: 'U#test', SK: 'PROFILE' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    forged.destroy();
  });
});
