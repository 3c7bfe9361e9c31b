import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { tableDefinition } from '../src/core/model.ts';

export interface ProvisionTarget {
  dynamodb: DynamoDBClient;
  s3: Pick<S3Client, 'send'>;
  tableName: string;
  bucketName: string;
  /** Origins the app is served from: the only ones the bucket's CORS rules admit. */
  appOrigins: string[];
  log?: (line: string) => void;
}

/** The bucket's CORS rules: the app's origins only, ETag exposed for multipart completion. */
export function bucketCorsRules(appOrigins: string[]) {
  return [
    {
      AllowedOrigins: appOrigins,
      AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag', 'x-amz-request-id', 'x-amz-version-id'],
      MaxAgeSeconds: 600,
    },
  ];
}

/**
 * Creates what Inkwell needs, idempotently: running it twice changes nothing. The same code provisions
 * the local stack (through the gateway with the local admin key) and a real AWS account.
 */
export async function provision(target: ProvisionTarget): Promise<void> {
  const log = target.log ?? (() => {});
  await ensureTable(target.dynamodb, target.tableName, log);
  await ensureBucket(target.s3, target.bucketName, log);
  if (target.appOrigins.length === 0) {
    log(`bucket ${target.bucketName}: no app origins given, CORS rules left as they are`);
    return;
  }
  await target.s3.send(
    new PutBucketCorsCommand({
      Bucket: target.bucketName,
      CORSConfiguration: { CORSRules: bucketCorsRules(target.appOrigins) },
    }),
  );
  log(`bucket ${target.bucketName}: CORS allows ${target.appOrigins.join(', ')}`);
}

async function ensureTable(client: DynamoDBClient, tableName: string, log: (line: string) => void) {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    log(`table ${tableName}: exists`);
    // Tables made before the publisher existed have no stream: turn it on, as CloudFormation would.
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: tableDefinition(tableName).StreamSpecification,
        }),
      );
      log(`table ${tableName}: stream enabled (NEW_AND_OLD_IMAGES)`);
    }
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: tableName });
  log(`table ${tableName}: created`);
}

async function ensureBucket(client: Pick<S3Client, 'send'>, bucketName: string, log: (line: string) => void) {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
    log(`bucket ${bucketName}: exists`);
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
    log(`bucket ${bucketName}: created`);
  }
}
