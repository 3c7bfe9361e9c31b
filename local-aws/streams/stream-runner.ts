/**
 * What Lambda's event source mapping does for the publisher on AWS, done locally from DynamoDB Local's
 * stream: read records in order per shard, hand them to the handler in the real event shape
 * (DynamoDBStreamEvent), retry failures with backoff, send a record that keeps failing to an
 * on-failure file (AWS: an SQS queue) and move on, and keep a checkpoint on disk so a restart resumes
 * where it stopped. Delivery is at least once, as on AWS: a crash between a handler's success and
 * the checkpoint delivers the batch again, which the handler's idempotence makes harmless.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface StreamRunnerOptions {
  /** DynamoDB Local's own endpoint (the stream API is AWS's service calling Lambda, not a user call). */
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity;
  tableName: string;
  handler: StreamHandler;
  /** Where the checkpoint and the on-failure records live. */
  checkpointFile: string;
  failureFile: string;
  /** Records per invocation (Lambda's BatchSize). */
  batchSize?: number;
  /** Attempts per failing record before it goes to the failure file (Lambda's MaximumRetryAttempts + 1). */
  maxAttempts?: number;
  pollIntervalMs?: number;
  log?: (line: string) => void;
}

export interface StreamRunner {
  /** Resolves when every record written so far has been handled (for tests and the backfill). */
  drained(timeoutMs?: number): Promise<void>;
  /** Records handed to the handler, batches invoked, and records sent to the failure file. */
  stats(): { records: number; batches: number; failed: number };
  stop(): Promise<void>;
}

interface Checkpoint {
  streamArn: string;
  /** shard id → the last sequence number fully handled. */
  shards: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readCheckpoint(file: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, JSON.stringify(checkpoint));
  await rename(temporary, file);
}

/** The SDK's stream record as Lambda delivers it (ApproximateCreationDateTime in epoch seconds). */
export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: data.Keys as never,
      ...(data.NewImage ? { NewImage: data.NewImage as never } : {}),
      ...(data.OldImage ? { OldImage: data.OldImage as never } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as never,
    },
  } as DynamoDBRecord;
}

export async function startStreamRunner(options: StreamRunnerOptions): Promise<StreamRunner> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 100;
  // As the template's event source mapping: MaximumRetryAttempts 5, so six attempts in all.
  const maxAttempts = options.maxAttempts ?? 6;
  const pollInterval = options.pollIntervalMs ?? 200;
  const settings = { endpoint: options.endpoint, region: options.region, credentials: options.credentials };
  const dynamodb = new DynamoDBClient(settings);
  const streams = new DynamoDBStreamsClient(settings);
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn)
    throw new Error(`table ${options.tableName} has no stream: provisioning should have enabled it`);

  const saved = await readCheckpoint(options.checkpointFile);
  const checkpoint: Checkpoint = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
  if (saved && saved.streamArn !== streamArn)
    log(`publisher: the table has a new stream, starting from its beginning`);

  const iterators = new Map<string, string | null>();
  const stats = { records: 0, batches: 0, failed: 0 };
  let stopping = false;
  let idle = false;
  const idleWaiters: (() => void)[] = [];

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = checkpoint.shards[shardId];
    try {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      log(
        `publisher: records after ${after} were trimmed from the stream; run the backfill (npm run publish:all)`,
      );
      delete checkpoint.shards[shardId];
      return iteratorFor(shardId);
    }
  };

  /** Hands records to the handler until all are done or sent to the failure file. */
  const deliver = async (records: DynamoDBRecord[], shardId: string) => {
    let pending = records;
    let attempt = 0;
    while (pending.length && !stopping) {
      stats.batches++;
      let failedAt: string | undefined;
      try {
        const response = await options.handler({ Records: pending });
        failedAt = response.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        log(`publisher: handler threw: ${error instanceof Error ? error.message : String(error)}`);
        failedAt = pending[0]?.dynamodb?.SequenceNumber;
      }
      const index = failedAt ? pending.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt) : -1;
      const done = index < 0 ? pending : pending.slice(0, index);
      stats.records += done.length;
      const last = done.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        checkpoint.shards[shardId] = last;
        await writeCheckpoint(options.checkpointFile, checkpoint);
      }
      if (index < 0) return;
      pending = pending.slice(index);
      attempt = done.length ? 1 : attempt + 1;
      if (attempt >= maxAttempts) {
        const poison = pending[0]!;
        stats.failed++;
        await mkdir(dirname(options.failureFile), { recursive: true });
        await appendFile(
          options.failureFile,
          `${JSON.stringify({ failedAt: new Date().toISOString(), attempts: attempt, record: poison })}\n`,
        );
        log(`publisher: record ${poison.eventID} failed ${attempt} times; written to ${options.failureFile}`);
        checkpoint.shards[shardId] = poison.dynamodb!.SequenceNumber!;
        await writeCheckpoint(options.checkpointFile, checkpoint);
        stats.records++;
        pending = pending.slice(1);
        attempt = 0;
        continue;
      }
      await sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  };

  const loop = async () => {
    while (!stopping) {
      let got = 0;
      try {
        const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId!;
          if (iterators.get(shardId) === null) continue; // closed and finished
          let iterator = iterators.get(shardId) ?? (await iteratorFor(shardId));
          let response: GetRecordsCommandOutput;
          try {
            response = await streams.send(
              new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
            );
          } catch (error) {
            if (!(error instanceof ExpiredIteratorException)) throw error;
            iterator = await iteratorFor(shardId);
            response = await streams.send(
              new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
            );
          }
          const records = (response.Records ?? []).map((r) => toLambdaRecord(r, streamArn, options.region));
          got += records.length;
          if (records.length) await deliver(records, shardId);
          // After a delivery, continue from the checkpoint (a partly failed batch is re-read from there).
          iterators.set(
            shardId,
            records.length ? ((await iteratorFor(shardId)) ?? null) : (response.NextShardIterator ?? null),
          );
        }
      } catch (error) {
        if (stopping) break;
        log(
          `publisher: stream read failed, retrying: ${error instanceof Error ? error.message : String(error)}`,
        );
        await sleep(1_000);
        continue;
      }
      if (got === 0) {
        idle = true;
        for (const wake of idleWaiters.splice(0)) wake();
        await sleep(pollInterval);
      } else {
        idle = false;
      }
    }
  };
  const running = loop();

  return {
    async drained(timeoutMs = 30_000) {
      // One full idle pass after the call: everything written before it has been read and handled.
      idle = false;
      await Promise.race([
        new Promise<void>((resolve) => idleWaiters.push(resolve)),
        sleep(timeoutMs).then(() => {
          throw new Error(`the publisher did not catch up with the stream in ${timeoutMs} ms`);
        }),
      ]);
      if (!idle) throw new Error('publisher not idle');
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopping = true;
      await running;
      dynamodb.destroy();
      streams.destroy();
    },
  };
}
