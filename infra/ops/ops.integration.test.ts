/**
 * Export, import and load seeding against a real local stack, written for failure: the export CLI is
 * SIGKILLed mid-run and resumed, and every item must come out exactly once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AttributeValue,
  CreateTableCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local-aws/stack.ts';
import type { AwsClients } from '../../src/aws/client-factory.ts';
import { tableDefinition } from '../../src/core/model.ts';
import { batchPutAll, type Item } from './batch-write.ts';
import { type ExportCheckpoint, exportTable } from './export.ts';
import { type ImportCheckpoint, importTable, listParts, readPart } from './import.ts';
import { loadPostItems, seedLoad } from './load-seed.ts';
import { operatorClients } from './operator-clients.ts';
import { silentProgress } from './progress.ts';

const root = resolve(import.meta.dirname, '../..');
const ITEMS = 20_000;
const keyOf = (item: Item) => `${item.PK?.S}|${item.SK?.S}`;

async function scanAll(clients: AwsClients, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients.dynamodb.send(
      new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function createTable(clients: AwsClients, tableName: string) {
  // A restore target needs no stream until the publisher is pointed at it; DynamoDB Local records every
  // write of a streamed table a second time, which makes 20,000 writes several times slower.
  const { StreamSpecification: _stream, ...definition } = tableDefinition(tableName);
  await clients.dynamodb.send(new CreateTableCommand(definition));
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 60 }, { TableName: tableName });
}

describe('operations on the local stack', () => {
  let dataDir: string;
  let stack: LocalStack;
  let clients: AwsClients;
  let exportPrefix: string;

  beforeAll(async () => {
    // DynamoDB Local's SQLite syncs every write to disk: on tmpfs 20,000 writes take seconds, not minutes.
    dataDir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'inkwell-ops-test-'));
    stack = await startLocalStack({
      dataDir,
      ports: { gateway: 0, oidc: 0, dynamodb: 0, s3: 0 },
      appOrigins: ['http://127.0.0.1:5997'],
      // 20,000 bulk writes are about operators' tools, not the public site: no publisher behind them.
      publisher: false,
    });
    clients = operatorClients({ region: 'us-east-1', endpoint: stack.gatewayUrl });
    // Small items keep 20,000 writes quick on DynamoDB Local; the shapes still vary (types, numbers, lists).
    const items: Item[] = Array.from({ length: ITEMS }, (_, i) => ({
      PK: { S: `U#user-${i % 200}` },
      SK: { S: i % 10 === 0 ? `C#post-${i}#2026` : `P#post-${i}` },
      type: { S: i % 10 === 0 ? 'comment' : 'post' },
      version: { N: String(i % 7) },
      ...(i % 3 === 0 ? { tags: { L: [{ S: 'aws' }, { S: `t${i % 5}` }] } } : {}),
    }));
    await batchPutAll(clients.dynamodb, stack.tableName, items, { concurrency: 6 });
  }, 180_000);

  afterAll(async () => {
    clients?.destroy();
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exports 20,000 items, killed midway and resumed, each exactly once', async () => {
    const checkpointPath = join(dataDir, 'export-checkpoint.json');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/export.ts',
        '--endpoint',
        stack.gatewayUrl,
        '--table',
        stack.tableName,
        '--bucket',
        stack.bucketName,
        '--checkpoint',
        checkpointPath,
        '--segments',
        '4',
        '--page-size',
        '200',
      ],
      { cwd: root, stdio: 'ignore' },
    );
    const exited = new Promise((done) => child.once('exit', done));
    // Kill it for real (no cleanup, no last checkpoint write) once a few pages are recorded.
    let seen: ExportCheckpoint | undefined;
    for (let i = 0; i < 600; i++) {
      seen = await readFile(checkpointPath, 'utf8')
        .then((text) => JSON.parse(text) as ExportCheckpoint)
        .catch(() => undefined);
      if (seen && seen.segments.reduce((sum, s) => sum + s.nextPage, 0) >= 12) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const killed = JSON.parse(await readFile(checkpointPath, 'utf8')) as ExportCheckpoint;
    expect(killed.completedAt).toBeUndefined();
    const pagesBefore = killed.segments.reduce((sum, s) => sum + s.nextPage, 0);
    expect(pagesBefore).toBeGreaterThanOrEqual(12);
    expect(pagesBefore).toBeLessThan(ITEMS / 200);

    const manifest = await exportTable({
      dynamodb: clients.dynamodb,
      s3: clients.s3,
      tableName: stack.tableName,
      bucketName: stack.bucketName,
      checkpointPath,
    });
    exportPrefix = killed.prefix;
    expect(manifest.items).toBe(ITEMS);

    const counts = new Map<string, number>();
    const parts = await listParts(clients.s3, stack.bucketName, exportPrefix);
    expect(parts.length).toBe(manifest.parts.length);
    for (const part of parts) {
      for (const item of await readPart(clients.s3, stack.bucketName, part)) {
        counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
      }
    }
    const table = await scanAll(clients, stack.tableName);
    expect(counts.size).toBe(table.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(table.map(keyOf))).toEqual(new Set(counts.keys()));
  }, 120_000);

  it('imports that export into an empty table, interrupted and resumed, reproducing every item', async () => {
    expect(exportPrefix).toBeDefined();
    const checkpointPath = join(dataDir, 'import-checkpoint.json');
    const options = {
      dynamodb: clients.dynamodb,
      s3: clients.s3,
      tableName: 'inkwell-restore',
      bucketName: stack.bucketName,
      prefix: exportPrefix,
      checkpointPath,
      concurrency: 4,
    };
    await expect(
      importTable({ ...options, checkpointPath: join(dataDir, 'missing.json') }),
    ).rejects.toMatchObject({
      code: 'table-missing',
    });
    await createTable(clients, 'inkwell-restore');

    // Abort after some parts: the parts in flight are half written, and must simply be written again.
    const abort = new AbortController();
    let parts = 0;
    const stopping = importTable({
      ...options,
      signal: abort.signal,
      progress: {
        ...silentProgress,
        tick: () => ++parts === 20 && abort.abort(new Error('operator pressed Ctrl-C')),
      },
    });
    await expect(stopping).rejects.toThrow();
    const interrupted = JSON.parse(await readFile(checkpointPath, 'utf8')) as ImportCheckpoint;
    expect(interrupted.done.length).toBeGreaterThanOrEqual(20);
    expect(interrupted.completedAt).toBeUndefined();

    const result = await importTable(options);
    expect(result.items).toBe(ITEMS);
    const sort = (items: Item[]) => items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const original = sort(await scanAll(clients, stack.tableName));
    const restored = sort(await scanAll(clients, 'inkwell-restore'));
    expect(restored.length).toBe(ITEMS);
    expect(restored).toEqual(original);
  }, 120_000);

  it('seeds load-test posts with realistic sizes, and the same seed overwrites', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const sizes = Array.from(
      { length: 300 },
      (_, i) => JSON.stringify(loadPostItems(i, { region: 'us-east-1', seed: 1, authors: 12, now })).length,
    ).sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1]!;
    expect(median).toBeGreaterThan(4_000);
    expect(median).toBeLessThan(40_000);

    await createTable(clients, 'inkwell-load');
    const options = {
      dynamodb: clients.dynamodb,
      tableName: 'inkwell-load',
      posts: 300,
      now,
      concurrency: 4,
    };
    const first = await seedLoad(options);
    await seedLoad(options);
    const items = await scanAll(clients, 'inkwell-load');
    expect(items.length).toBe(first.items);
    expect(items.some((item) => item.type?.S === 'tag')).toBe(true);
  }, 120_000);
});
