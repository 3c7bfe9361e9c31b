/**
 * Export of the table to S3 as JSON lines, by parallel scan, resumable without duplicates.
 *
 * Layout: `<prefix>segment-<n>-part-<k>.jsonl`, one part per scan page, one `{"Item": {...}}` line per
 * item in DynamoDB JSON (the line format of DynamoDB's own "export to S3", so types survive: numbers
 * stay numbers, sets stay sets), and `<prefix>manifest.json` once every segment is done.
 *
 * Why it cannot duplicate: a page's part name depends only on (segment, page index), and the checkpoint
 * advances (next page index, LastEvaluatedKey) only after the part is stored. A run killed between the
 * two rescans that page from the same key on resume and overwrites the same part; a run killed before
 * writing never wrote it. Either way each item lands in exactly one part.
 *
 * Everything is exported (posts, drafts, tags, comments, counters, profiles): a backup that leaves out
 * item types cannot restore a working site. The `type` attribute travels with each item; `types`
 * narrows an export (e.g. for analysis) with a filter, which reads the same capacity.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { settleAll } from '../../src/core/concurrency.ts';
import { CheckpointFile } from './checkpoint.ts';
import { type Progress, silentProgress } from './progress.ts';

export interface SegmentState {
  segment: number;
  /** The index the next page's part will get. */
  nextPage: number;
  /** Where the next scan page starts; absent before the first page. */
  lastEvaluatedKey?: Record<string, AttributeValue>;
  done: boolean;
  items: number;
  /** Parts written so far, in order (pages that matched nothing write no part). */
  parts: string[];
}

export interface ExportCheckpoint {
  kind: 'inkwell-export';
  tableName: string;
  bucketName: string;
  prefix: string;
  totalSegments: number;
  pageSize: number;
  types?: string[];
  startedAt: string;
  completedAt?: string;
  segments: SegmentState[];
}

export interface ExportManifest {
  kind: 'inkwell-export';
  tableName: string;
  startedAt: string;
  completedAt: string;
  items: number;
  parts: { key: string; segment: number; page: number }[];
}

export class ExportError extends Error {
  readonly code: 'checkpoint-mismatch' | 'stopped';
  constructor(code: ExportError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface ExportOptions {
  dynamodb: DynamoDBClient;
  s3: Pick<S3Client, 'send'>;
  tableName: string;
  bucketName: string;
  /** The checkpoint file: resumed when it exists, created otherwise. */
  checkpointPath: string;
  /** Default `exports/<timestamp>/`; ignored when resuming (the checkpoint's prefix wins). */
  prefix?: string;
  /** Parallel scan segments, one worker each. */
  totalSegments?: number;
  /** Items per scan page (and so per part). */
  pageSize?: number;
  /** Only items whose `type` is one of these. */
  types?: string[];
  progress?: Progress;
  signal?: AbortSignal;
  /** Test hook: stop (throw `stopped`) once this many pages were written in this run. */
  stopAfterPages?: number;
  now?: () => Date;
}

export function partKey(prefix: string, segment: number, page: number): string {
  return `${prefix}segment-${segment}-part-${String(page).padStart(6, '0')}.jsonl`;
}

export function defaultExportPrefix(now: Date): string {
  return `exports/${now.toISOString().replace(/[:.]/g, '-')}/`;
}

export async function exportTable(options: ExportOptions): Promise<ExportManifest> {
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? silentProgress;
  const checkpoint = new CheckpointFile<ExportCheckpoint>(options.checkpointPath);
  let state = await checkpoint.read();
  if (state) {
    if (state.kind !== 'inkwell-export' || state.tableName !== options.tableName) {
      throw new ExportError(
        'checkpoint-mismatch',
        `${options.checkpointPath} belongs to another export (table ${state.tableName}); pass another --checkpoint`,
      );
    }
  } else {
    const totalSegments = options.totalSegments ?? 4;
    state = {
      kind: 'inkwell-export',
      tableName: options.tableName,
      bucketName: options.bucketName,
      prefix: options.prefix ?? defaultExportPrefix(now()),
      totalSegments,
      pageSize: options.pageSize ?? 1000,
      ...(options.types?.length ? { types: options.types } : {}),
      startedAt: now().toISOString(),
      segments: Array.from({ length: totalSegments }, (_, segment) => ({
        segment,
        nextPage: 0,
        done: false,
        items: 0,
        parts: [],
      })),
    };
    await checkpoint.save(state);
  }
  const run = state;
  progress.set(run.segments.reduce((sum, s) => sum + s.items, 0));
  let pagesThisRun = 0;
  let failed = false;

  const worker = async (segment: SegmentState) => {
    while (!segment.done && !failed) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (options.stopAfterPages !== undefined && pagesThisRun >= options.stopAfterPages) {
        throw new ExportError('stopped', `stopped after ${pagesThisRun} pages (stopAfterPages)`);
      }
      const page = await options.dynamodb.send(
        new ScanCommand({
          TableName: run.tableName,
          Segment: segment.segment,
          TotalSegments: run.totalSegments,
          Limit: run.pageSize,
          ...(segment.lastEvaluatedKey ? { ExclusiveStartKey: segment.lastEvaluatedKey } : {}),
          ...(run.types
            ? {
                FilterExpression: `#type IN (${run.types.map((_, i) => `:t${i}`).join(', ')})`,
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: Object.fromEntries(run.types.map((t, i) => [`:t${i}`, { S: t }])),
              }
            : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      const items = page.Items ?? [];
      const key = partKey(run.prefix, segment.segment, segment.nextPage);
      if (items.length) {
        await options.s3.send(
          new PutObjectCommand({
            Bucket: run.bucketName,
            Key: key,
            Body: items.map((Item) => `${JSON.stringify({ Item })}\n`).join(''),
            ContentType: 'application/x-ndjson',
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        segment.parts.push(key);
      }
      // Only now, with the part stored, may the checkpoint move past this page.
      segment.items += items.length;
      segment.nextPage += 1;
      if (page.LastEvaluatedKey) segment.lastEvaluatedKey = page.LastEvaluatedKey;
      else {
        delete segment.lastEvaluatedKey;
        segment.done = true;
      }
      await checkpoint.save(run);
      pagesThisRun += 1;
      progress.tick(items.length);
    }
  };
  // One segment's failure stops the others at their next page; all settle before the error surfaces.
  await settleAll(
    run.segments.map((segment) =>
      worker(segment).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );

  const manifest: ExportManifest = {
    kind: 'inkwell-export',
    tableName: run.tableName,
    startedAt: run.startedAt,
    completedAt: run.completedAt ?? now().toISOString(),
    items: run.segments.reduce((sum, s) => sum + s.items, 0),
    parts: run.segments.flatMap((s) =>
      s.parts.map((key) => ({ key, segment: s.segment, page: Number(key.match(/part-(\d+)/)?.[1]) })),
    ),
  };
  await options.s3.send(
    new PutObjectCommand({
      Bucket: run.bucketName,
      Key: `${run.prefix}manifest.json`,
      Body: JSON.stringify(manifest, null, 2),
      ContentType: 'application/json',
    }),
  );
  run.completedAt = manifest.completedAt;
  await checkpoint.save(run);
  progress.finish(
    `exported ${manifest.items} items in ${manifest.parts.length} parts to s3://${run.bucketName}/${run.prefix}`,
  );
  return manifest;
}
