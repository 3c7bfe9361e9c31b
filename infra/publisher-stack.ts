/**
 * The publisher on AWS: a Lambda function fed by the table's stream, its least-privilege role, its
 * log group and the queue that keeps what it could not render. The code is the zip
 * infra/publisher-bundle.ts builds, which deploy uploads to the artifacts bucket first.
 */
import { publisherPolicy as sharedPublisherPolicy } from '../src/core/access-policy.ts';
import { PUBLISHER_HANDLER, PUBLISHER_RUNTIME } from './publisher-bundle.ts';

export const PUBLISHER_LOGICAL_ID = {
  function: 'Publisher',
  role: 'PublisherRole',
  logGroup: 'PublisherLogs',
  deadLetterQueue: 'PublisherDeadLetters',
  eventSource: 'PublisherStream',
} as const;

/** Where the deployment package lives (the artifacts bucket: deploy creates it before the stack). */
export interface CodeLocation {
  bucket: string;
  key: string;
}

/** The artifacts bucket, outside the stack because the stack's function needs its code at creation. */
export const artifactsBucketName = (stage: string, accountId: string, region: string) =>
  `${stage}-artifacts-${accountId}-${region}`;

/** Stream delivery. Retries are bounded: a record that keeps failing goes to the queue, not forever. */
export const PUBLISHER_STREAM = {
  BatchSize: 100,
  // A publish waits at most this long to be batched: well inside "visible within a minute".
  MaximumBatchingWindowInSeconds: 1,
  BisectBatchOnFunctionError: true,
  MaximumRetryAttempts: 5,
  MaximumRecordAgeInSeconds: 6 * 3600,
  ParallelizationFactor: 1,
  FunctionResponseTypes: ['ReportBatchItemFailures'],
  StartingPosition: 'TRIM_HORIZON',
} as const;

export interface PublisherInput {
  stackName: string;
  region: string;
  accountId: string;
  tableName: string;
  bucketName: string;
  tableLogicalId: string;
  /** The public origin the pages link to (canonical URLs, feeds, sitemap). */
  siteUrl: unknown;
  code: CodeLocation;
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/**
 * The function's role: the generated publisher policy the local stack enforces (src/core/access-policy.ts),
 * plus what a Lambda function needs of its own (its dead-letter queue and its logs).
 */
export function publisherPolicy(input: PublisherInput) {
  const shared = sharedPublisherPolicy({
    region: input.region,
    accountId: input.accountId,
    tableName: input.tableName,
    bucketName: input.bucketName,
    principalVariable: 'none',
  });
  return {
    Version: '2012-10-17',
    Statement: [
      ...shared.Statement,
      {
        Sid: 'ReportFailures',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.deadLetterQueue, 'Arn'] },
      },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.logGroup, 'Arn'] },
      },
    ],
  };
}

export function publisherResources(input: PublisherInput): Record<string, Resource> {
  const functionName = `${input.stackName}-publisher`;
  return {
    [PUBLISHER_LOGICAL_ID.deadLetterQueue]: {
      Type: 'AWS::SQS::Queue',
      Properties: { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true },
    },
    [PUBLISHER_LOGICAL_ID.logGroup]: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: 30 },
    },
    [PUBLISHER_LOGICAL_ID.role]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'Inkwell publisher: reads the table and its stream, writes only pages/',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [{ PolicyName: 'inkwell-publisher', PolicyDocument: publisherPolicy(input) }],
      },
    },
    [PUBLISHER_LOGICAL_ID.function]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: functionName,
        Description: 'Renders public pages to s3 pages/ from the table stream',
        Runtime: PUBLISHER_RUNTIME,
        Handler: PUBLISHER_HANDLER,
        Architectures: ['arm64'],
        MemorySize: 1024,
        Timeout: 120,
        Code: { S3Bucket: input.code.bucket, S3Key: input.code.key },
        Role: { 'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.role, 'Arn'] },
        // One render at a time: shared pages (home, tag indexes, sitemap, feeds) are read, merged and
        // rewritten, so two concurrent invocations (one per stream shard) could each write a list
        // missing the other's post, the later write winning. Serial rendering makes each rewrite see
        // the previous one; a burst queues in the stream instead of racing (and cannot run up a bill).
        ReservedConcurrentExecutions: 1,
        LoggingConfig: { LogGroup: { Ref: PUBLISHER_LOGICAL_ID.logGroup }, LogFormat: 'JSON' },
        Environment: {
          Variables: { TABLE_NAME: input.tableName, BUCKET_NAME: input.bucketName, SITE_URL: input.siteUrl },
        },
      },
    },
    [PUBLISHER_LOGICAL_ID.eventSource]: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': [input.tableLogicalId, 'StreamArn'] },
        FunctionName: { Ref: PUBLISHER_LOGICAL_ID.function },
        ...PUBLISHER_STREAM,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [PUBLISHER_LOGICAL_ID.deadLetterQueue, 'Arn'] } },
        },
      },
    },
  };
}
