/**
 * Import of an export (infra/ops/export.ts) into a table: every part's items written with
 * BatchWriteItem PutRequests, so importing twice, or resuming after a crash, writes the same items
 * again rather than new ones. The checkpoint records finished parts, so a resumed run skips them.
 */
import {
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../../src/core/concurrency.ts';
import { BATCH_WRITE_LIMIT, batchPut, type Item } from './batch-write.ts';
import { CheckpointFile } from './checkpoint.ts';
import { type Progress, silentProgress } from './progress.ts';

export interface ImportCheckpoint {
  kind: 'inkwell-import';
  tableName: string;
  source: string;
  startedAt: string;
  completedAt?: string;
  /** Part keys fully written. */
  done: string[];
  items: number;
}

export class ImportError extends Error {
  readonly code: 'checkpoint-mismatch' | 'no-parts' | 'bad-line' | 'table-missing';
  constructor(code: ImportError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface ImportOptions {
  dynamodb: DynamoDBClient;
  s3: Pick<S3Client, 'send'>;
  tableName: string;
  bucketName: string;
  /** The export's prefix, e.g. `exports/2026-01-01T00-00-00-000Z/`. */
  prefix: string;
  checkpointPath: string;
  /** Parts imported at once; each writes its batches one after another. */
  concurrency?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

export async function listParts(
  s3: Pick<S3Client, 'send'>,
  bucketName: string,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucketName,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) if (object.Key?.endsWith('.jsonl')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function readPart(s3: Pick<S3Client, 'send'>, bucketName: string, key: string): Promise<Item[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line, index) => {
      const parsed = JSON.parse(line) as { Item?: Item };
      if (!parsed.Item) throw new ImportError('bad-line', `${key}:${index + 1} has no "Item"`);
      return parsed.Item;
    });
}

export async function importTable(options: ImportOptions): Promise<{ items: number; parts: number }> {
  const progress = options.progress ?? silentProgress;
  const prefix = options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  const source = `s3://${options.bucketName}/${prefix}`;
  const checkpoint = new CheckpointFile<ImportCheckpoint>(options.checkpointPath);
  const state: ImportCheckpoint = (await checkpoint.read()) ?? {
    kind: 'inkwell-import',
    tableName: options.tableName,
    source,
    startedAt: new Date().toISOString(),
    done: [],
    items: 0,
  };
  if (state.kind !== 'inkwell-import' || state.tableName !== options.tableName || state.source !== source) {
    throw new ImportError(
      'checkpoint-mismatch',
      `${options.checkpointPath} belongs to another import (${state.source} into ${state.tableName})`,
    );
  }
  // Fail before reading anything if the target is missing: the SDK's message names no table.
  await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName })).catch((cause) => {
    if (!(cause instanceof ResourceNotFoundException)) throw cause;
    throw new ImportError(
      'table-missing',
      `table ${options.tableName} does not exist: create it first (npm run deploy, or provision() locally)`,
    );
  });
  const parts = await listParts(options.s3, options.bucketName, prefix);
  if (!parts.length) throw new ImportError('no-parts', `no .jsonl parts under ${source}`);
  const done = new Set(state.done);
  const todo = parts.filter((key) => !done.has(key));
  progress.setTotal(parts.length);
  progress.set(done.size);

  await mapWithConcurrency(todo, options.concurrency ?? 4, async (key) => {
    if (options.signal?.aborted) throw options.signal.reason;
    const items = await readPart(options.s3, options.bucketName, key);
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      await batchPut(options.dynamodb, options.tableName, items.slice(i, i + BATCH_WRITE_LIMIT), {
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    state.done.push(key);
    state.items += items.length;
    await checkpoint.save(state);
    progress.tick();
  });
  state.completedAt = new Date().toISOString();
  await checkpoint.save(state);
  progress.finish(`imported ${state.items} items from ${parts.length} parts into ${options.tableName}`);
  return { items: state.items, parts: parts.length };
}
